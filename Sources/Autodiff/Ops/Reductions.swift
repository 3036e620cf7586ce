/// Sums, means and maxima, over all elements or along one axis.
extension Tensor {
    /// Sum of all elements, a scalar (shape `[]`).
    public func sum() -> Tensor {
        let shape = self.shape
        return .result("sum", shape: [], storage: sumAllKernel(storage), inputs: [self]) { g, _, _, _ in
            [g.broadcast(to: shape)]
        }
    }

    /// Sum along `axis` (negative counts from the end); the axis is dropped unless `keepingDimension`.
    public func sum(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        let view = AxisView(shape: shape, axis: axis)
        var kept = shape
        kept[axis] = 1
        let length = shape[axis]
        let outShape = keepingDimension ? kept : shape.enumerated().filter { $0.offset != axis }.map(\.element)
        return .result("sum(axis)", shape: outShape, storage: reduceKernel(.sum, view, storage), inputs: [self]) {
            g, _, _, _ in
            [g.reshaped(kept).expanded(axis: axis, to: length)]
        }
    }

    /// Mean of all elements.
    public func mean() -> Tensor { sum() * (1 / Double(Swift.max(count, 1))) }

    /// Mean along `axis`.
    public func mean(axis: Int, keepingDimension: Bool = false) -> Tensor {
        sum(axis: axis, keepingDimension: keepingDimension) * (1 / Double(Swift.max(shape[normalizedAxis(axis)], 1)))
    }

    /// Maximum along `axis`. The gradient goes to the first maximal entry (ties are not split).
    public func max(axis: Int, keepingDimension: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        let view = AxisView(shape: shape, axis: axis)
        var kept = shape
        kept[axis] = 1
        let length = shape[axis]
        let outShape = keepingDimension ? kept : shape.enumerated().filter { $0.offset != axis }.map(\.element)
        return .result("max(axis)", shape: outShape, storage: reduceKernel(.max, view, storage), inputs: [self]) {
            g, x, _, _ in
            let mask = Tensor(shape: x[0].shape, storage: argmaxMaskKernel(view, x[0].storage))
            return [g.reshaped(kept).expanded(axis: axis, to: length) * mask]
        }
    }

    /// The index of the largest element along `axis` (the first one on ties), for every position of
    /// the other axes, in row-major order: for `[n, C]` probabilities, `argmax(axis: 1)` is each
    /// row's most probable class. Not differentiable (it returns indices).
    public func argmax(axis: Int) -> [Int] {
        let view = AxisView(shape: shape, axis: normalizedAxis(axis))
        let values = scalars
        var result = [Int](repeating: 0, count: view.outer * view.inner)
        for o in 0..<view.outer {
            for i in 0..<view.inner {
                var best = 0
                var bestValue = values[o * view.length * view.inner + i]
                for k in 1..<Swift.max(view.length, 1) {
                    let value = values[(o * view.length + k) * view.inner + i]
                    if value > bestValue {
                        best = k
                        bestValue = value
                    }
                }
                result[o * view.inner + i] = best
            }
        }
        return result
    }

    /// Repeats an axis of extent 1 `length` times (the adjoint of `sum(axis:keepingDimension: true)`).
    public func expanded(axis: Int, to length: Int) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(shape[axis] == 1, "expanded(axis: \(axis)) needs extent 1 there, shape is \(shape)")
        var outShape = shape
        outShape[axis] = length
        let view = AxisView(shape: outShape, axis: axis)
        let storage = Storage(count: outShape.reduce(1, *), dtype: dtype)
        let element = dtype.byteCount
        let block = view.inner * element
        for o in 0..<view.outer {
            let src = self.storage.raw + o * block
            for k in 0..<length { (storage.raw + (o * length + k) * block).copyMemory(from: src, byteCount: block) }
        }
        return .result("expand", shape: outShape, storage: storage, inputs: [self]) { g, _, _, _ in
            [g.sum(axis: axis, keepingDimension: true)]
        }
    }

    package func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "Axis \(axis) out of range for shape \(shape)")
        return a
    }
}
