import Autodiff

/// `|a − b| ≤ max(absolute, relative · max(|a|, |b|))` — swift-numerics' `isApproximatelyEqual`
/// semantics with an absolute floor for values near zero.
public func isApproximatelyEqual(_ a: Double, _ b: Double, relative: Double, absolute: Double = 0) -> Bool {
    guard a.isFinite && b.isFinite else { return a == b }
    return Swift.abs(a - b) <= Swift.max(absolute, relative * Swift.max(Swift.abs(a), Swift.abs(b)))
}

/// The largest `|a_i − b_i| / max(|a_i|, |b_i|, floor)` over two equally long arrays.
public func maxRelativeError(_ a: [Double], _ b: [Double], floor: Double = 1e-3) -> Double {
    precondition(a.count == b.count, "maxRelativeError: \(a.count) vs \(b.count) values")
    var worst = 0.0
    for (x, y) in zip(a, b) {
        let scale = Swift.max(Swift.abs(x), Swift.abs(y), floor)
        worst = Swift.max(worst, Swift.abs(x - y) / scale)
    }
    return worst
}

/// Central finite differences of a scalar function of several tensors with respect to each
/// input: `(f(x + εe_k) − f(x − εe_k)) / 2ε` for every element k. Test-only: the library never
/// uses finite differences.
public func numericalGradients(_ inputs: [Tensor], epsilon: Double = 1e-6, _ f: ([Tensor]) -> Tensor) -> [[Double]] {
    inputs.indices.map { which in
        let base = inputs[which].scalars
        return base.indices.map { k in
            func value(_ delta: Double) -> Double {
                var shifted = base
                shifted[k] += delta
                var args = inputs
                args[which] = Tensor(shape: inputs[which].shape, scalars: shifted, dtype: inputs[which].dtype)
                return withoutGradients { f(args).item }
            }
            return (value(epsilon) - value(-epsilon)) / (2 * epsilon)
        }
    }
}

/// The flat list of values of several tensors.
public func flatten(_ tensors: [Tensor]) -> [Double] { tensors.flatMap(\.scalars) }

/// Central finite differences of `loss()` with respect to every element of `tensors`, perturbing
/// them in place (for module parameters, which are captured by the model). Test-only.
public func numericalGradients(inPlace tensors: [Tensor], epsilon: Double = 1e-6, loss: () -> Tensor) -> [[Double]] {
    tensors.map { tensor in
        let base = tensor.scalars
        defer { tensor.assign(scalars: base) }
        return base.indices.map { k in
            var shifted = base
            shifted[k] = base[k] + epsilon
            tensor.assign(scalars: shifted)
            let plus = withoutGradients { loss().item }
            shifted[k] = base[k] - epsilon
            tensor.assign(scalars: shifted)
            let minus = withoutGradients { loss().item }
            return (plus - minus) / (2 * epsilon)
        }
    }
}
