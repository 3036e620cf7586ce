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
        let m = L.lfCount
        let votes = SparseVotes(L)
        let n = votes.rowCount
        // Majority-vote soft labels of the covered rows to start.
        var posterior = [Double](repeating: 0, count: n * c)
        for r in 0..<n {
            for e in votes.entries(r) { posterior[r * c + votes.votedClass(e)] += 1 }
            let total = Double(votes.entries(r).count)
            for k in 0..<c { posterior[r * c + k] /= total }
        }
        var previous = -Double.infinity
        iterations = 0
        // Abstaining is a response too, but its terms are sums over all rows minus the voting rows',
        // so each iteration costs O(votes·C), not O(N·m·C).
        var counts = [Double](repeating: 0, count: m * c * (c + 1))  // [j][k][response]
        var logConfusion = counts
        var s = [Double](repeating: 0, count: c)
        for iteration in 1...maxIterations {
            iterations = iteration
            // M-step.
            var classTotals = [Double](repeating: 0, count: c)
            for i in counts.indices { counts[i] = 0 }
            for r in 0..<n {
                for k in 0..<c { classTotals[k] += posterior[r * c + k] }
                for e in votes.entries(r) {
                    let (j, v) = (votes.lf(e), votes.votedClass(e))
                    for k in 0..<c { counts[(j * c + k) * (c + 1) + v] += posterior[r * c + k] }
                }
            }
            for j in 0..<m {
                for k in 0..<c {
                    let row = (j * c + k) * (c + 1)
                    let voted = (0..<c).reduce(0.0) { $0 + counts[row + $1] }
                    counts[row + c] = classTotals[k] - voted
                    for v in 0...c { counts[row + v] += smoothing }
                }
            }
            let smoothedTotals = classTotals.map { $0 + smoothing }
            let total = smoothedTotals.reduce(0, +)
            prior = classBalance ?? smoothedTotals.map { $0 / total }
            confusion = (0..<m).map { j in
                (0..<c).map { k in
                    let row = (j * c + k) * (c + 1)
                    let sum = (0...c).reduce(0.0) { $0 + counts[row + $1] }
                    return (0...c).map { counts[row + $0] / sum }
                }
            }
            // E-step: start from every LF abstaining, then swap in each vote's term.
            for j in 0..<m {
                for k in 0..<c {
                    for v in 0...c { logConfusion[(j * c + k) * (c + 1) + v] = Foundation.log(confusion[j][k][v]) }
                }
            }
            var allAbstain = prior.map { Foundation.log($0) }
            for j in 0..<m { for k in 0..<c { allAbstain[k] += logConfusion[(j * c + k) * (c + 1) + c] } }
            var logLikelihood = 0.0
            for r in 0..<n {
                for k in 0..<c { s[k] = allAbstain[k] }
                for e in votes.entries(r) {
                    let (j, v) = (votes.lf(e), votes.votedClass(e))
                    for k in 0..<c {
                        let row = (j * c + k) * (c + 1)
                        s[k] += logConfusion[row + v] - logConfusion[row + c]
                    }
                }
                let top = s.max()!
                var z = 0.0
                for k in 0..<c {
                    s[k] = Foundation.exp(s[k] - top)
                    z += s[k]
                }
                logLikelihood += top + Foundation.log(z)
                for k in 0..<c { posterior[r * c + k] = s[k] / z }
            }
            let mean = logLikelihood / Double(max(n, 1))
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

/// The votes of the covered rows of a label matrix in compressed-row form: row r's votes are
/// `entries(r)`, each an LF index and the class it voted — what EM iterates over.
struct SparseVotes {
    private(set) var rowStarts: [Int] = [0]
    private var lfIndices: [Int32] = []
    private var votedClasses: [Int8] = []

    init(_ L: LabelMatrix) {
        lfIndices.reserveCapacity(L.voteCount)
        votedClasses.reserveCapacity(L.voteCount)
        for i in 0..<L.rowCount where L.isCovered(i) {
            for (j, vote) in L.row(i).enumerated() where vote >= 0 {
                lfIndices.append(Int32(j))
                votedClasses.append(vote)
            }
            rowStarts.append(lfIndices.count)
        }
    }

    var rowCount: Int { rowStarts.count - 1 }
    /// The LF and the class of vote entry `e`.
    func lf(_ e: Int) -> Int { Int(lfIndices[e]) }
    func votedClass(_ e: Int) -> Int { Int(votedClasses[e]) }
    func entries(_ r: Int) -> Range<Int> { rowStarts[r]..<rowStarts[r + 1] }
}
