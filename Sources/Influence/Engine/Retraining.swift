import Autodiff

extension InfluenceProblem {
    /// Minimises the (convex) training objective by Newton's method with exact dense Hessians —
    /// exact retraining for small models such as logistic regression (tests, group-influence checks).
    /// - Returns: the number of Newton steps taken.
    @discardableResult
    public func newtonMinimise(damping: Double = 0, tolerance: Double = 1e-12, maxSteps: Int = 50) throws -> Int {
        for step in 0..<maxSteps {
            let g = gradient()
            if norm(g) < tolerance { return step }
            let (solutions, _) = try solve([g], damping: damping, solver: .exact())
            var theta = flatParameters
            axpy(-1, solutions[0], &theta)
            setParameters(theta)
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
    let ma = a.reduce(0, +) / Double(a.count), mb = b.reduce(0, +) / Double(b.count)
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) { sab += (x - ma) * (y - mb); saa += (x - ma) * (x - ma); sbb += (y - mb) * (y - mb) }
    return sab / max((saa * sbb).squareRoot(), 1e-300)
}

func ranks(_ values: [Double]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var result = [Double](repeating: 0, count: values.count), start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
        for k in start...end { result[order[k]] = Double(start + end) / 2 + 1 }
        start = end + 1
    }
    return result
}
