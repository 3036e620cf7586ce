/// Sums the cotangent contributions each tensor receives during a backward pass.
///
/// With a graph being recorded (`inPlace == false`) contributions are added with the
/// differentiable `+`. Otherwise the sum lives in a buffer the accumulator allocated itself and
/// later contributions — dense or partial (a slice region, gathered rows) — are added into it in
/// place, so fan-in and slicing cost no extra allocations. A buffer is only ever written before
/// its tensor's own rule runs (reverse topological order), and rules may pass it on afterwards.
struct CotangentAccumulator {
    let inPlace: Bool
    var values: [ObjectIdentifier: Tensor] = [:]
    private var owned = Set<ObjectIdentifier>()

    init(inPlace: Bool) { self.inPlace = inPlace }

    mutating func remove(_ id: ObjectIdentifier) {
        values[id] = nil
        owned.remove(id)
    }

    mutating func add(_ grad: Tensor, to input: Tensor) {
        let key = ObjectIdentifier(input)
        guard let existing = values[key] else {
            values[key] = grad
            return
        }
        if !inPlace {
            values[key] = existing + grad
            return
        }
        if owned.contains(key) {
            addKernel(into: existing.storage, offset: 0, grad.storage)
        } else {  // the first sum goes straight into a buffer of our own: one pass, not a copy and an add
            let plan = BroadcastPlan(existing.shape, grad.shape)
            values[key] = Tensor(
                shape: existing.shape, storage: binaryKernel(.add, plan, existing.storage, grad.storage))
            owned.insert(key)
        }
    }

    mutating func add(_ partial: PartialCotangent, to input: Tensor) {
        let key = ObjectIdentifier(input)
        if !inPlace {  // never used: partial rules only run without a graph; materialize for safety
            switch partial {
            case .slice(let g, let axis, let start):
                add(g.padded(axis: axis, start: start, fullLength: input.shape[axis]), to: input)
            case .rows(let g, let indices):
                add(g.scatteringRows(indices, rowCount: input.shape[0]), to: input)
            case .product(let a, let b, let ta, let tb):
                add(a.matmul(b, transposeSelf: ta, transposeOther: tb), to: input)
            case .dense(let g): add(g, to: input)
            }
            return
        }
        switch partial {
        case .dense(let g): return add(g, to: input)
        case .product(let a, let b, let ta, let tb) where values[key] == nil:
            // The first contribution: gemm into fresh memory (β = 0, no zeroing pass of ours), ours to add to.
            values[key] = a.matmul(b, transposeSelf: ta, transposeOther: tb)
            owned.insert(key)
            return
        default: break
        }
        let target =
            values[key].map { ownedBuffer(key, $0) }
            ?? {
                let zeros = Tensor(shape: input.shape, storage: Storage(zeros: input.count, dtype: input.dtype))
                values[key] = zeros
                owned.insert(key)
                return zeros
            }()
        switch partial {
        case .slice(let g, let axis, let start):
            let view = AxisView(shape: input.shape, axis: axis)
            let length = g.shape[axis]
            let block = length * view.inner
            for o in 0..<view.outer {
                addKernel(
                    into: target.storage, offset: (o * view.length + start) * view.inner, g.storage,
                    sourceOffset: o * block, count: block)
            }
        case .rows(let g, let indices):
            let rowLength = input.count / Swift.max(input.shape[0], 1)
            for (r, index) in indices.enumerated() {
                addKernel(
                    into: target.storage, offset: index * rowLength, g.storage, sourceOffset: r * rowLength,
                    count: rowLength)
            }
        case .product(let a, let b, let ta, let tb):  // a later contribution: gemm sums it in (β = 1)
            addProduct(a, b, transposeA: ta, transposeB: tb, into: target.storage)
        case .dense: break  // added above
        }
    }

    /// The accumulated tensor for `key` in a buffer this accumulator may write.
    private mutating func ownedBuffer(_ key: ObjectIdentifier, _ existing: Tensor) -> Tensor {
        if owned.contains(key) { return existing }
        let copy = Tensor(shape: existing.shape, storage: existing.storage.copy())
        values[key] = copy
        owned.insert(key)
        return copy
    }
}

/// `target[offset + i] += source[sourceOffset + i]` for i < count (all of `source` by default).
private func addKernel(into target: Storage, offset: Int, _ source: Storage, sourceOffset: Int = 0, count: Int? = nil) {
    let n = count ?? source.count
    func loop<T: TensorScalar>(_: T.Type) {
        let d = target.pointer(T.self) + offset
        let s = source.pointer(T.self) + sourceOffset
        for i in 0..<n { d[i] += s[i] }
    }
    switch target.dtype {
    case .float32: loop(Float.self)
    case .float64: loop(Double.self)
    }
}
