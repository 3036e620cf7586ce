/// Elementwise functions of one tensor, each with a backward rule in tensor ops.
extension Tensor {
    package func unary(_ kind: UnaryKind) -> Tensor {
        let storage = unaryKernel(kind, self.storage)
        return .result(kind.name, shape: shape, storage: storage, inputs: [self]) { g, x, out, _ in
            let x = x[0]
            switch kind {
            case .negate: return [-g]
            case .exp: return [g * out]
            case .log: return [g / x]
            case .sigmoid: return [g * (out - out.square())]
            case .tanh: return [g - g * out.square()]
            case .relu: return [g.keepingWherePositive(x)]
            case .softplus: return [g * x.sigmoid()]
            case .sqrt: return [(g / out) * 0.5]
            case .square: return [g * x * 2]
            case .abs: return [g * x.constant(.sign)]
            case .sign: return [nil]
            case .scale(let a): return [g * a]
            case .addScalar: return [g]
            case .power(let p): return [g * x.pow(p - 1) * p]
            }
        }
    }

    /// This tensor times `step(x)` (1 where `x > 0`, else 0): ReLU's backward in one pass, instead
    /// of a step mask and a product. Linear in `self`; `x` is a constant (ReLU's second derivative is 0
    /// almost everywhere), so the op's own backward is the same op.
    package func keepingWherePositive(_ x: Tensor) -> Tensor {
        precondition(shape == x.shape, "keepingWherePositive: shapes differ, \(shape) and \(x.shape)")
        checkSameDType(x, "keepingWherePositive")
        let result = keepingWherePositiveKernel(storage, x.storage)
        return .result("reluBackward", shape: shape, storage: result, inputs: [self]) { g, _, _, _ in
            [g.keepingWherePositive(x)]
        }
    }

    /// A function of this tensor's values treated as a constant (no graph): masks for backward rules.
    package func constant(_ kind: UnaryKind) -> Tensor {
        Tensor(shape: shape, storage: unaryKernel(kind, storage))
    }

    public func exp() -> Tensor { unary(.exp) }
    public func log() -> Tensor { unary(.log) }
    /// `1 / (1 + e^{-x})`, computed stably for either sign of x.
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    public func tanh() -> Tensor { unary(.tanh) }
    /// `max(x, 0)`; its derivative at 0 is taken as 0 (as PyTorch does).
    public func relu() -> Tensor { unary(.relu) }
    /// `log(1 + e^x)`, computed stably.
    public func softplus() -> Tensor { unary(.softplus) }
    public func sqrt() -> Tensor { unary(.sqrt) }
    public func square() -> Tensor { unary(.square) }
    /// `|x|`; derivative `sign(x)` (0 at 0).
    public func abs() -> Tensor { unary(.abs) }
    /// `x^p` for a constant exponent p.
    public func pow(_ p: Double) -> Tensor { p == 2 ? unary(.square) : unary(.power(p)) }
}
