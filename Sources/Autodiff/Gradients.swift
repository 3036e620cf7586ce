/// Reverse-mode differentiation over the recorded graph.
///
/// Returns `∂output/∂x` for each `x` in `targets` (zeros, of `x`'s shape, where `output` does not
/// depend on `x`). `output` must have one element unless a `seed` cotangent of its shape is given;
/// then the result is the vector-Jacobian product `seedᵀ ∂output/∂x`.
///
/// With `createGraph: true` the backward rules run with recording on, so the returned gradients
/// are graph nodes themselves and can be differentiated again (double backward, Hessian-vector
/// products). Otherwise nothing is recorded and plain training pays nothing for that ability.
///
/// The walker visits only nodes on a path from `output` to a target, stops at tensors that do not
/// require gradients (constants, `stopGradient`), sums broadcast cotangents back to each input's
/// shape (inside the rules) and adds the contributions of inputs used several times.
public func gradients(of output: Tensor, wrt targets: [Tensor], seed: Tensor? = nil, createGraph: Bool = false)
    -> [Tensor]
{
    let seedTensor: Tensor
    if let seed {
        precondition(
            seed.shape == output.shape, "gradients: seed shape \(seed.shape) differs from output \(output.shape)")
        // With createGraph the seed's own graph is kept (PyTorch's grad_outputs semantics), so a
        // vector-Jacobian product stays differentiable in its cotangent as well.
        seedTensor = createGraph ? seed : stopGradient(seed)
    } else {
        precondition(output.count == 1, "gradients of a non-scalar output (shape \(output.shape)) need a seed")
        seedTensor = Tensor.ones(output.shape, dtype: output.dtype)
    }
    let targetIDs = Set(targets.map(ObjectIdentifier.init))
    let order = topologicalOrder(from: output)

    // needed[t]: t is a target or some input of t's node is needed.
    var needed = Set<ObjectIdentifier>()
    for t in order {
        let id = ObjectIdentifier(t)
        if targetIDs.contains(id) || t.node!.inputs.contains(where: { isNeeded($0, needed, targetIDs) }) {
            needed.insert(id)
        }
    }

    var accumulator = CotangentAccumulator(inPlace: !createGraph)
    func body() {
        accumulator.values[ObjectIdentifier(output)] = seedTensor
        for t in order.reversed() {
            let id = ObjectIdentifier(t)
            guard needed.contains(id), let g = accumulator.values[id], let node = t.node else { continue }
            if !targetIDs.contains(id) { accumulator.remove(id) }  // free intermediate cotangents early
            let needs = node.inputs.map { isNeeded($0, needed, targetIDs) }
            if !createGraph, let partial = node.partialBackward {
                for (k, (input, grad)) in zip(node.inputs, partial(g, node.inputs, needs)).enumerated() {
                    if let grad, needs[k] { accumulator.add(grad, to: input) }
                }
                continue
            }
            let inputGrads = node.backward(g, node.inputs, t, needs)
            for (k, (input, grad)) in zip(node.inputs, inputGrads).enumerated() {
                guard let grad, needs[k] else { continue }
                precondition(
                    grad.shape == input.shape,
                    "Backward of \(node.name) gave shape \(grad.shape) for input \(input.shape)")
                accumulator.add(grad, to: input)
            }
        }
    }
    if createGraph { withGradients(body) } else { withoutGradients(body) }
    return targets.map { accumulator.values[ObjectIdentifier($0)] ?? Tensor.zeros($0.shape, dtype: $0.dtype) }
}

@inline(__always)
private func isNeeded(_ t: Tensor, _ needed: Set<ObjectIdentifier>, _ targets: Set<ObjectIdentifier>) -> Bool {
    let id = ObjectIdentifier(t)
    return targets.contains(id) || (t.node != nil && needed.contains(id))
}

/// Tensors with a node reachable from `output`, inputs before the ops that use them
/// (iterative depth-first post-order, so deep graphs such as long LSTM unrolls cannot overflow the stack).
private func topologicalOrder(from output: Tensor) -> [Tensor] {
    guard output.node != nil else { return [] }
    var order: [Tensor] = []
    var visited = Set<ObjectIdentifier>([ObjectIdentifier(output)])
    var stack: [(tensor: Tensor, next: Int)] = [(output, 0)]
    while !stack.isEmpty {
        let (tensor, next) = stack[stack.count - 1]
        let inputs = tensor.node!.inputs
        if next < inputs.count {
            stack[stack.count - 1].next += 1
            let input = inputs[next]
            if input.node != nil && visited.insert(ObjectIdentifier(input)).inserted {
                stack.append((input, 0))
            }
        } else {
            order.append(tensor)
            stack.removeLast()
        }
    }
    return order
}

/// The exact Hessian-vector product `H v = ∇_θ ⟨∇_θ L(θ), v⟩` (Pearlmutter, 1994) by double
/// backward through the same graph — never finite differences.
///
/// - Parameters:
///   - loss: a one-element tensor computed from `parameters` with recording on.
///   - parameters: the tensors θ (leaves or intermediates).
///   - vector: v, one tensor per parameter with the same shapes (treated as a constant).
/// - Returns: `H v`, one tensor per parameter.
public func hessianVectorProduct(of loss: Tensor, wrt parameters: [Tensor], along vector: [Tensor]) -> [Tensor] {
    precondition(
        parameters.count == vector.count,
        "hessianVectorProduct: \(parameters.count) parameters, \(vector.count) vector parts")
    for (p, v) in zip(parameters, vector) {
        precondition(p.shape == v.shape, "hessianVectorProduct: vector part \(v.shape) for parameter \(p.shape)")
    }
    return hessianVectorProduct(
        gradients: gradients(of: loss, wrt: parameters, createGraph: true), wrt: parameters, along: vector)
}

/// `H v` from gradients already computed with `createGraph: true`: the second backward pass alone.
/// A backward pass leaves the graph intact, so one set of gradients serves any number of vectors
/// (an iterative solver's products).
public func hessianVectorProduct(gradients grads: [Tensor], wrt parameters: [Tensor], along vector: [Tensor])
    -> [Tensor]
{
    // ⟨∇L, v⟩, recorded so it can be differentiated; gradients without a graph are constant in θ.
    let inner: Tensor? = withGradients {
        var total: Tensor?
        for (g, v) in zip(grads, vector) where g.requiresGrad {
            let term = (g * stopGradient(v)).sum()
            total = total.map { $0 + term } ?? term
        }
        return total
    }
    guard let inner else { return parameters.map { Tensor.zeros($0.shape, dtype: $0.dtype) } }
    return gradients(of: inner, wrt: parameters)
}

/// The bytes of the distinct buffers of `tensors` and of every tensor their graphs keep alive —
/// what holding on to them costs.
public func graphByteCount(_ tensors: [Tensor]) -> Int {
    var seenTensors = Set<ObjectIdentifier>()
    var seenStorages = Set<ObjectIdentifier>()
    var stack = tensors
    var bytes = 0
    while let tensor = stack.popLast() {
        guard seenTensors.insert(ObjectIdentifier(tensor)).inserted else { continue }
        if seenStorages.insert(ObjectIdentifier(tensor.storage)).inserted {
            bytes += tensor.storage.count * tensor.storage.dtype.byteCount
        }
        if let node = tensor.node { stack += node.inputs }
    }
    return bytes
}
