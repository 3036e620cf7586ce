/// Elementwise arithmetic with broadcasting (see `BroadcastPlan`).
extension Tensor {
    @inline(__always)
    package func checkSameDType(_ other: Tensor, _ op: String) {
        precondition(
            dtype == other.dtype,
            "\(op): dtypes differ (\(dtype) \(shape) vs \(other.dtype) \(other.shape)); convert with .converted(to:)")
    }

    package func binary(_ kind: BinaryKind, _ other: Tensor) -> Tensor {
        checkSameDType(other, kind.name)
        let plan = BroadcastPlan(shape, other.shape)
        let storage = binaryKernel(kind, plan, self.storage, other.storage)
        return .result(kind.name, shape: plan.shape, storage: storage, inputs: [self, other]) { g, x, out, needs in
            let (a, b) = (x[0], x[1])
            switch kind {
            case .add:
                return [needs[0] ? g.reduced(toShape: a.shape) : nil, needs[1] ? g.reduced(toShape: b.shape) : nil]
            case .subtract:
                return [needs[0] ? g.reduced(toShape: a.shape) : nil, needs[1] ? (-g).reduced(toShape: b.shape) : nil]
            case .multiply:
                return [
                    needs[0] ? (g * b).reduced(toShape: a.shape) : nil,
                    needs[1] ? (g * a).reduced(toShape: b.shape) : nil,
                ]
            case .divide:
                return [
                    needs[0] ? (g / b).reduced(toShape: a.shape) : nil,
                    needs[1] ? (-(g * out / b)).reduced(toShape: b.shape) : nil,
                ]
            }
        }
    }

    /// Sums this tensor (the result of a broadcast) back down to `target`, the inverse of
    /// broadcasting: the rule every binary op's backward uses.
    public func reduced(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        if target.reduce(1, *) == 1 { return sum().reshaped(target) }
        precondition(rank <= 2 && target.count <= 2, "Cannot reduce shape \(shape) to \(target)")
        let m = rank == 2 ? shape[0] : 1
        let n = shape[rank - 1]
        let p = target.count == 2 ? target[0] : 1
        let q = target[target.count - 1]
        var result = rank == 2 ? self : reshaped([1, n])
        if p == 1 && m != 1 { result = result.sum(axis: 0, keepingDimension: true) }
        if q == 1 && n != 1 { result = result.sum(axis: 1, keepingDimension: true) }
        return result.reshaped(target)
    }

    /// This tensor broadcast to `target` (scalars to anything; rows and columns to matrices).
    public func broadcast(to target: [Int]) -> Tensor {
        if shape == target { return self }
        let plan = BroadcastPlan(target, shape)
        precondition(plan.shape == target, "Cannot broadcast \(shape) to \(target)")
        var result = reshaped(
            count == 1
                ? Array(repeating: 1, count: target.count)
                : (rank == 1 && target.count == 2 ? [1, shape[0]] : shape))
        for axis in target.indices where result.shape[axis] != target[axis] {
            result = result.expanded(axis: axis, to: target[axis])
        }
        return result
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.binary(.add, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.binary(.subtract, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.binary(.multiply, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.binary(.divide, b) }
    public static prefix func - (a: Tensor) -> Tensor { a.unary(.negate) }

    public static func + (a: Tensor, b: Double) -> Tensor { a.unary(.addScalar(b)) }
    public static func + (a: Double, b: Tensor) -> Tensor { b.unary(.addScalar(a)) }
    public static func - (a: Tensor, b: Double) -> Tensor { a.unary(.addScalar(-b)) }
    public static func - (a: Double, b: Tensor) -> Tensor { (-b).unary(.addScalar(a)) }
    public static func * (a: Tensor, b: Double) -> Tensor { a.unary(.scale(b)) }
    public static func * (a: Double, b: Tensor) -> Tensor { b.unary(.scale(a)) }
    public static func / (a: Tensor, b: Double) -> Tensor { a.unary(.scale(1 / b)) }
    public static func / (a: Double, b: Tensor) -> Tensor { Tensor(a, dtype: b.dtype) / b }
}
