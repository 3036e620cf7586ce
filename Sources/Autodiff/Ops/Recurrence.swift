/// The LSTM recurrence as one fused op.
extension Tensor {
    /// Runs the LSTM recurrence over all steps and returns `[B, T, 2H]`: the hidden state h and
    /// the cell state c after each step (h in the first H columns).
    ///
    /// With gates `z_t = projected[:, t] + h_{t−1} W_hhᵀ` split as (i, f, g, o) —
    /// `i, f, o = σ(·)`, `g = tanh(·)`, `c_t = f c_{t−1} + i g`, `h_t = o tanh(c_t)` — as PyTorch's
    /// LSTM (the input projection `x W_ihᵀ + b_ih + b_hh` is done by the caller in one gemm).
    /// Where `mask[b, t] = 0` the state is carried over unchanged. `reverse` runs from the last step.
    ///
    /// Backward: without a recorded graph, a fused backward-through-time kernel (one gemm per step,
    /// one gemm for `W_hh` over all steps). With `createGraph`, the rule differentiates
    /// `lstmRecurrenceReference`, the same recurrence in ordinary ops, so second derivatives are exact.
    ///
    /// - Parameters:
    ///   - self: `projected [B, T, 4H]`. - recurrentWeight: `W_hh [4H, H]`. - mask: `[B, T]` or nil.
    public func lstmRecurrence(recurrentWeight: Tensor, mask: Tensor? = nil, reverse: Bool = false) -> Tensor {
        precondition(rank == 3 && shape[2] % 4 == 0, "lstmRecurrence needs projections [B, T, 4H], got \(shape)")
        let (batch, steps, h) = (shape[0], shape[1], shape[2] / 4)
        precondition(
            recurrentWeight.shape == [4 * h, h],
            "lstmRecurrence: W_hh must be [\(4 * h), \(h)], got \(recurrentWeight.shape)")
        checkSameDType(recurrentWeight, "lstmRecurrence")
        if let mask {
            precondition(
                mask.shape == [batch, steps] && mask.dtype == dtype,
                "lstmRecurrence: mask must be [\(batch), \(steps)] \(dtype)")
        }
        let gates = storage.copy()
        let states = Storage(count: batch * steps * 2 * h, dtype: dtype)
        let cellTanh = Storage(count: batch * steps * h, dtype: dtype)
        let maskStorage = mask?.storage
        func forward<T: TensorScalar>(_: T.Type) {
            lstmForwardKernel(
                T.self, gates: gates.pointer(T.self), states: states.pointer(T.self),
                cellTanh: cellTanh.pointer(T.self),
                weight: recurrentWeight.storage.pointer(T.self),
                mask: maskStorage.map { UnsafePointer($0.pointer(T.self)) },
                batch: batch, steps: steps, hidden: h, reverse: reverse)
        }
        switch dtype {
        case .float32: forward(Float.self)
        case .float64: forward(Double.self)
        }
        let outputShape = [batch, steps, 2 * h]
        return .result("lstmRecurrence", shape: outputShape, storage: states, inputs: [self, recurrentWeight]) {
            g, inputs, _, needs in
            if GradMode.isEnabled {  // building a graph: differentiate the reference definition
                let recomputed = inputs[0].lstmRecurrenceReference(
                    recurrentWeight: inputs[1], mask: mask, reverse: reverse)
                let grads = gradients(of: recomputed, wrt: inputs, seed: g, createGraph: true)
                return [needs[0] ? grads[0] : nil, needs[1] ? grads[1] : nil]
            }
            let (gradGates, gradWeight) = lstmBackward(
                gates: gates, states: states, cellTanh: cellTanh, recurrentWeight: inputs[1], mask: maskStorage,
                gradStates: g, needsWeight: needs[1], batch: batch, steps: steps, hidden: h, reverse: reverse)
            return [needs[0] ? gradGates : nil, gradWeight]
        }
    }

    /// The whole LSTM direction as one op: input projection `x W_ihᵀ + b` (one gemm straight into
    /// the gate buffer) followed by `lstmRecurrence`. Same result as composing them; saves the
    /// intermediate projection tensor and its passes. `bias` is `b_ih + b_hh` (`[4H]`).
    ///
    /// - Parameters: self `x [B, T, I]`; inputWeight `W_ih [4H, I]`; bias `[4H]`; recurrentWeight `W_hh [4H, H]`.
    /// - Returns: `[B, T, 2H]`, h and c after each step.
    public func lstmLayer(
        inputWeight: Tensor, bias: Tensor, recurrentWeight: Tensor, mask: Tensor? = nil, reverse: Bool = false
    ) -> Tensor {
        precondition(rank == 3, "lstmLayer needs input [B, T, I], got \(shape)")
        let (batch, steps, inputSize) = (shape[0], shape[1], shape[2])
        let h = recurrentWeight.shape[1]
        precondition(
            inputWeight.shape == [4 * h, inputSize] && bias.shape == [4 * h] && recurrentWeight.shape == [4 * h, h],
            "lstmLayer: W_ih \(inputWeight.shape), bias \(bias.shape), W_hh \(recurrentWeight.shape) do not fit input \(shape)"
        )
        for t in [inputWeight, bias, recurrentWeight] { checkSameDType(t, "lstmLayer") }
        if let mask {
            precondition(
                mask.shape == [batch, steps] && mask.dtype == dtype,
                "lstmLayer: mask must be [\(batch), \(steps)] \(dtype)")
        }
        let rows = batch * steps
        let gates = Storage(count: rows * 4 * h, dtype: dtype)
        let states = Storage(count: batch * steps * 2 * h, dtype: dtype)
        let cellTanh = Storage(count: batch * steps * h, dtype: dtype)
        let maskStorage = mask?.storage
        func forward<T: TensorScalar>(_: T.Type) {
            let gp = gates.pointer(T.self)
            let bp = bias.storage.pointer(T.self)
            for r in 0..<rows { (gp + r * 4 * h).initialize(from: bp, count: 4 * h) }
            BLAS.gemm(
                transposeA: false, transposeB: true, m: rows, n: 4 * h, k: inputSize, alpha: 1,
                a: storage.pointer(T.self), lda: inputSize, b: inputWeight.storage.pointer(T.self), ldb: inputSize,
                beta: 1, c: gp, ldc: 4 * h)
            lstmForwardKernel(
                T.self, gates: gp, states: states.pointer(T.self), cellTanh: cellTanh.pointer(T.self),
                weight: recurrentWeight.storage.pointer(T.self),
                mask: maskStorage.map { UnsafePointer($0.pointer(T.self)) },
                batch: batch, steps: steps, hidden: h, reverse: reverse)
        }
        switch dtype {
        case .float32: forward(Float.self)
        case .float64: forward(Double.self)
        }
        return .result(
            "lstmLayer", shape: [batch, steps, 2 * h], storage: states,
            inputs: [self, inputWeight, bias, recurrentWeight]
        ) { g, inputs, _, needs in
            if GradMode.isEnabled {  // building a graph: differentiate the composition of ordinary ops
                let projected =
                    (inputs[0].reshaped([rows, inputSize]).matmul(inputs[1], transposeOther: true) + inputs[2])
                    .reshaped([batch, steps, 4 * h])
                let recomputed = projected.lstmRecurrenceReference(
                    recurrentWeight: inputs[3], mask: mask, reverse: reverse)
                let grads = gradients(of: recomputed, wrt: inputs, seed: g, createGraph: true)
                return zip(grads, needs).map { $1 ? $0 : nil }
            }
            let (gradGates, gradRecurrent) = lstmBackward(
                gates: gates, states: states, cellTanh: cellTanh, recurrentWeight: inputs[3], mask: maskStorage,
                gradStates: g, needsWeight: needs[3], batch: batch, steps: steps, hidden: h, reverse: reverse)
            let flatGrad = gradGates.reshaped([rows, 4 * h])
            return [
                needs[0] ? flatGrad.matmul(inputs[1]).reshaped([batch, steps, inputSize]) : nil,
                needs[1] ? flatGrad.matmul(inputs[0].reshaped([rows, inputSize]), transposeSelf: true) : nil,
                needs[2] ? flatGrad.sum(axis: 0) : nil,
                gradRecurrent,
            ]
        }
    }

    /// The LSTM recurrence written step by step with ordinary differentiable ops: the definition
    /// `lstmRecurrence` must match, and what its backward differentiates when recording a graph.
    public func lstmRecurrenceReference(recurrentWeight: Tensor, mask: Tensor? = nil, reverse: Bool = false) -> Tensor {
        let (batch, steps, h) = (shape[0], shape[1], shape[2] / 4)
        var hidden = Tensor.zeros([batch, h], dtype: dtype)
        var cell = Tensor.zeros([batch, h], dtype: dtype)
        var perStep = [Tensor?](repeating: nil, count: steps)
        for step in recurrenceSteps(steps, reverse: reverse) {
            let gates =
                sliced(axis: 1, start: step, length: 1).reshaped([batch, 4 * h])
                + hidden.matmul(recurrentWeight, transposeOther: true)
            let i = gates.sliced(axis: 1, start: 0, length: h).sigmoid()
            let f = gates.sliced(axis: 1, start: h, length: h).sigmoid()
            let g = gates.sliced(axis: 1, start: 2 * h, length: h).tanh()
            let o = gates.sliced(axis: 1, start: 3 * h, length: h).sigmoid()
            var newCell = f * cell + i * g
            var newHidden = o * newCell.tanh()
            if let mask {
                let m = mask.sliced(axis: 1, start: step, length: 1)
                newCell = cell + m * (newCell - cell)
                newHidden = hidden + m * (newHidden - hidden)
            }
            cell = newCell
            hidden = newHidden
            perStep[step] = concat([hidden, cell], axis: 1).reshaped([batch, 1, 2 * h])
        }
        return concat(perStep.map { $0! }, axis: 1)
    }
}

/// The fast backward through time shared by `lstmRecurrence` and `lstmLayer` (no graph).
private func lstmBackward(
    gates: Storage, states: Storage, cellTanh: Storage, recurrentWeight: Tensor, mask: Storage?, gradStates: Tensor,
    needsWeight: Bool, batch: Int, steps: Int, hidden h: Int, reverse: Bool
) -> (Tensor, Tensor?) {
    let gradGates = Storage(count: batch * steps * 4 * h, dtype: gradStates.dtype)  // fully written by the kernel
    let gradWeight = needsWeight ? Storage(count: 4 * h * h, dtype: gradStates.dtype) : nil
    func backward<T: TensorScalar>(_: T.Type) {
        lstmBackwardKernel(
            T.self, gates: gates.pointer(T.self), states: states.pointer(T.self),
            cellTanh: cellTanh.pointer(T.self), weight: recurrentWeight.storage.pointer(T.self),
            mask: mask.map { UnsafePointer($0.pointer(T.self)) },
            gradStates: gradStates.storage.pointer(T.self), gradGates: gradGates.pointer(T.self),
            gradWeight: gradWeight?.pointer(T.self), batch: batch, steps: steps, hidden: h, reverse: reverse)
    }
    switch gradStates.dtype {
    case .float32: backward(Float.self)
    case .float64: backward(Double.self)
    }
    return (
        Tensor(shape: [batch, steps, 4 * h], storage: gradGates),
        gradWeight.map { Tensor(shape: [4 * h, h], storage: $0) }
    )
}
