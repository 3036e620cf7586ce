/// Elementwise functions of one tensor. `sign` has zero derivative and is used as a mask inside
/// backward rules.
package enum UnaryKind: Sendable {
    case negate, exp, log, sigmoid, tanh, relu, softplus, sqrt, square, abs
    /// -1, 0 or 1.
    case sign
    case scale(Double)
    case addScalar(Double)
    case power(Double)
}

extension UnaryKind {
    /// The op's name in graph nodes and messages (a literal: interpolating the enum would reflect).
    package var name: String {
        switch self {
        case .negate: return "negate"
        case .exp: return "exp"
        case .log: return "log"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .relu: return "relu"
        case .softplus: return "softplus"
        case .sqrt: return "sqrt"
        case .square: return "square"
        case .abs: return "abs"
        case .sign: return "sign"
        case .scale: return "scale"
        case .addScalar: return "addScalar"
        case .power: return "power"
        }
    }
}

@inline(__always)
private func unaryLoop<T: TensorScalar>(
    _ kind: UnaryKind, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int
) {
    switch kind {
    case .negate: for i in 0..<n { y[i] = -x[i] }
    case .exp: for i in 0..<n { y[i] = T.exp(x[i]) }
    case .log: for i in 0..<n { y[i] = T.log(x[i]) }
    case .sigmoid:
        for i in 0..<n {
            let v = x[i]
            if v >= 0 {
                y[i] = 1 / (1 + T.exp(-v))
            } else {
                let e = T.exp(v)
                y[i] = e / (1 + e)
            }
        }
    case .tanh: for i in 0..<n { y[i] = T.tanh(x[i]) }
    case .relu:
        for i in 0..<n {
            let v = x[i]
            y[i] = v > 0 ? v : 0
        }
    case .softplus:
        // log(1 + e^v) = max(v, 0) + log1p(e^{-|v|}), stable for large |v|.
        for i in 0..<n {
            let v = x[i]
            y[i] = Swift.max(v, 0) + T.log1p(T.exp(-Swift.abs(v)))
        }
    case .sqrt: for i in 0..<n { y[i] = T.sqrt(x[i]) }
    case .square: for i in 0..<n { y[i] = x[i] * x[i] }
    case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
    case .sign:
        for i in 0..<n {
            let v = x[i]
            y[i] = v > 0 ? 1 : (v < 0 ? -1 : 0)
        }
    case .scale(let a):
        let a = T(a)
        for i in 0..<n { y[i] = a * x[i] }
    case .addScalar(let a):
        let a = T(a)
        for i in 0..<n { y[i] = x[i] + a }
    case .power(let p):
        if p == 2 {
            for i in 0..<n { y[i] = x[i] * x[i] }
        } else {
            let p = T(p)
            for i in 0..<n { y[i] = T.pow(x[i], p) }
        }
    }
}

/// Applies `kind` to every element of `x` into new storage.
package func unaryKernel(_ kind: UnaryKind, _ x: Storage) -> Storage {
    let y = Storage(count: x.count, dtype: x.dtype)
    switch x.dtype {
    case .float32:
        if !FastFloatMath.apply(kind, x.pointer(Float.self), y.pointer(Float.self), x.count) {
            unaryLoop(kind, x.pointer(Float.self), y.pointer(Float.self), x.count)
        }
    case .float64: unaryLoop(kind, x.pointer(Double.self), y.pointer(Double.self), x.count)
    }
    return y
}

/// `g · step(x)` (g where x > 0, else 0): ReLU's backward. A product with a 0/1 select, so the
/// loop is branch-free and vectorizes (a select of g itself compiled to a mispredicting branch).
package func keepingWherePositiveKernel(_ g: Storage, _ x: Storage) -> Storage {
    let n = g.count
    let y = Storage(count: n, dtype: g.dtype)
    func loop<T: TensorScalar>(_: T.Type) {
        let (gp, xp, yp) = (g.pointer(T.self), x.pointer(T.self), y.pointer(T.self))
        for i in 0..<n {
            let keep: T = xp[i] > 0 ? 1 : 0
            yp[i] = gp[i] * keep
        }
    }
    switch g.dtype {
    case .float32: loop(Float.self)
    case .float64: loop(Double.self)
    }
    return y
}
