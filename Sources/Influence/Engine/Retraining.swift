import Autodiff

extension InfluenceProblem {
    /// Minimizes the (convex) training objective by Newton's method with exact dense Hessians and a
    /// backtracking (Armijo) line search — full Newton steps overshoot on nearly separable logistic
    /// regression. Exact retraining for small models (tests, group-influence checks).
    /// - Returns: the number of Newton steps taken.
    /// - Throws: `InfluenceError` if the Hessian is singular, or if the gradient norm is still above
    ///   `tolerance` after `maxSteps`.
    @discardableResult
    public func newtonMinimize(damping: Double = 0, tolerance: Double = 1e-8, maxSteps: Int = 100) throws -> Int {
        var current = loss()
        for step in 0..<maxSteps {
            let g = gradient()
            if norm(g) < tolerance { return step }
            let direction = try solve([g], damping: damping, solver: .exact()).solutions[0]
            let theta = flatParameters
            let slope = dot(g, direction)
            var rate = 1.0
            while true {
                var candidate = theta
                axpy(-rate, direction, &candidate)
                setParameters(candidate)
                let value = loss()
                if value <= current - 1e-4 * rate * slope {
                    current = value
                    break
                }
                rate /= 2
                if rate < 1e-10 {  // no further decrease possible: at the floating-point floor
                    setParameters(theta)
                    return step
                }
            }
        }
        let remaining = norm(gradient())
        guard remaining < tolerance * 1e3 else {
            throw InfluenceError.retrainingDidNotConverge(steps: maxSteps, gradientNorm: remaining)
        }
        return maxSteps
    }
}

/// Spearman's rank correlation (average ranks for ties).
public func spearmanCorrelation(_ a: [Double], _ b: [Double]) -> Double {
    pearsonCorrelation(ranks(a), ranks(b))
}

/// Pearson's correlation coefficient.
public func pearsonCorrelation(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count && a.count > 1, "correlation needs two equally long samples")
    let ma = a.reduce(0, +) / Double(a.count)
    let mb = b.reduce(0, +) / Double(b.count)
    var sab = 0.0
    var saa = 0.0
    var sbb = 0.0
    for (x, y) in zip(a, b) {
        sab += (x - ma) * (y - mb)
        saa += (x - ma) * (x - ma)
        sbb += (y - mb) * (y - mb)
    }
    return sab / max((saa * sbb).squareRoot(), 1e-300)
}

func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var result = [Double](repeating: 0, count: values.count)
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
        for k in start...end { result[order[k]] = Double(start + end) / 2 + 1 }
        start = end + 1
    }
    return result
}
