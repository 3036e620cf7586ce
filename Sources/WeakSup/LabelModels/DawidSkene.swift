import Autodiff
import Foundation

/// Dawid–Skene (1979) by expectation–maximization: a class prior π and, per LF, a confusion
/// matrix `μ_j[c][r] = P(LF j responds r | y = c)` over the responses r ∈ {0, …, C−1, abstain}.
/// Abstaining is modeled as a response because LFs are often unipolar (they vote one class or
/// abstain): all their information is in how often they fire for each class.
///
/// Initialized from majority-vote soft labels of the covered rows. M-step with additive
/// smoothing α: `π_c ∝ Σ_i T_ic + α`, `μ_j[c][r] ∝ Σ_{i: L_ij = r} T_ic + α`. E-step:
/// `T_ic ∝ π_c Π_j μ_j[c][L_ij]`. Stops when the mean log-likelihood changes by less than
/// `tolerance` or after `maxIterations`.
public final class DawidSkene: LabelModel {
    public let kind = LabelModelKind.dawidSkene
    public var smoothing: Double
    public var tolerance: Double
    public var maxIterations: Int
    public private(set) var classCount = 2
    public private(set) var prior: [Double] = []
    /// `confusion[j][c][r]`, r = C meaning abstain.
    public private(set) var confusion: [[[Double]]] = []
    public private(set) var iterations = 0
    /// A known class balance: the prior is kept at it instead of being re-estimated by EM.
    public var classBalance: [Double]?

    public init(smoothing: Double = 0.01, tolerance: Double = 1e-6, maxIterations: Int = 200) {
        precondition(smoothing >= 0 && tolerance >= 0 && maxIterations >= 1, "DawidSkene: invalid hyperparameters")
        self.smoothing = smoothing
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    public func fit(labelMatrix L: LabelMatrix, classCount c: Int) throws {
        try validateVotes(L, classCount: c)
        if let classBalance, classBalance.count != c || classBalance.contains(where: { !($0 > 0) }) {
            throw LabelModelError.invalidClassBalance(classBalance, classCount: c)
        }
        classCount = c
        let rows = L.coveredRows
        let m = L.lfCount
        let majority = MajorityVote()
        try majority.fit(labelMatrix: L, classCount: c)
        var posterior = majority.predictProbabilities(L.rows(rows)).scalars
        var previous = -Double.infinity
        iterations = 0
        func response(_ i: Int, _ j: Int) -> Int { L[i, j] == LabelMatrix.abstain ? c : L[i, j] }
        for iteration in 1...maxIterations {
            iterations = iteration
            // M-step.
            var classTotals = [Double](repeating: smoothing, count: c)
            var counts = Array(
                repeating: Array(repeating: Array(repeating: smoothing, count: c + 1), count: c), count: m)
            for (r, i) in rows.enumerated() {
                for k in 0..<c { classTotals[k] += posterior[r * c + k] }
                for j in 0..<m {
                    let v = response(i, j)
                    for k in 0..<c { counts[j][k][v] += posterior[r * c + k] }
                }
            }
            let total = classTotals.reduce(0, +)
            prior = classBalance ?? classTotals.map { $0 / total }
            confusion = counts.map { perClass in
                perClass.map { row in
                    let s = row.reduce(0, +)
                    return row.map { $0 / s }
                }
            }
            // E-step.
            let logConfusion = confusion.map { $0.map { $0.map { Foundation.log($0) } } }
            var logLikelihood = 0.0
            for (r, i) in rows.enumerated() {
                var s = prior.map { Foundation.log($0) }
                for j in 0..<m {
                    let v = response(i, j)
                    for k in 0..<c { s[k] += logConfusion[j][k][v] }
                }
                let top = s.max()!
                let e = s.map { Foundation.exp($0 - top) }
                let z = e.reduce(0, +)
                logLikelihood += top + Foundation.log(z)
                for k in 0..<c { posterior[r * c + k] = e[k] / z }
            }
            let mean = logLikelihood / Double(max(rows.count, 1))
            if abs(mean - previous) < tolerance { break }
            previous = mean
        }
    }

    public func predictProbabilities(_ labelMatrix: LabelMatrix) -> Tensor { decomposition.softLabels(labelMatrix) }

    /// σ = exp: `W[j, k, c] = log μ_j[c][k]`, abstain weights `A[j, c] = log μ_j[c][abstain]`,
    /// prior `log π_c` — exactly the E-step posterior.
    public var decomposition: LabelDecomposition {
        let c = classCount
        var weights: [Double] = []
        var abstain: [Double] = []
        for j in confusion.indices {
            for k in 0..<c { for y in 0..<c { weights.append(Foundation.log(confusion[j][y][k])) } }
            for y in 0..<c { abstain.append(Foundation.log(confusion[j][y][c])) }
        }
        return LabelDecomposition(
            link: .exp, lfCount: confusion.count, classCount: c, weights: weights,
            prior: prior.map { Foundation.log($0) }, abstainWeights: abstain)
    }
}
