import Autodiff
import Foundation

/// A label model: fitted on a label matrix, it turns each row's votes into a distribution over
/// classes (the soft label an end model is trained on).
public protocol LabelModel: AnyObject {
    /// Which model this is (its name as the CLI and model files spell it).
    var kind: LabelModelKind { get }
    var classCount: Int { get }
    /// Fits the model to `labelMatrix` (votes in -1..<classCount).
    func fit(labelMatrix: LabelMatrix, classCount: Int) throws
    /// Soft labels `[N, C]` (Float64). Rows without votes get the model's prior (uniform for
    /// majority vote); use `LabelMatrix.coveredRows` to leave them out of training.
    func predictProbabilities(_ labelMatrix: LabelMatrix) -> Tensor
    /// The soft labels written as `σ(Σ_j W_{j, L_ij, c} + b_c)` normalized over c (DESIGN §5),
    /// which the influence module consumes.
    var decomposition: LabelDecomposition { get }
    /// Each LF's accuracy as the model estimates it (for analysis and tests).
    func estimatedAccuracies(_ labelMatrix: LabelMatrix) -> [Double]
}

extension LabelModel {
    /// By default the expected fraction of each LF's votes that are correct under the model's
    /// posterior: `(1/n_j) Σ_{i: L_ij ≠ −1} P(y_i = L_ij | λ_i)`.
    public func estimatedAccuracies(_ labelMatrix: LabelMatrix) -> [Double] {
        let posterior = predictProbabilities(labelMatrix).scalars
        let c = classCount
        return (0..<labelMatrix.lfCount).map { j in
            var total = 0.0
            var votes = 0
            for i in 0..<labelMatrix.rowCount where labelMatrix[i, j] != LabelMatrix.abstain {
                total += posterior[i * c + labelMatrix[i, j]]
                votes += 1
            }
            return votes > 0 ? total / Double(votes) : .nan
        }
    }

    /// Hard labels: the most probable class, ties broken by a seeded generator; -1 for rows
    /// without any vote (flagged, not guessed).
    public func predictHard(_ labelMatrix: LabelMatrix, tieBreakSeed: UInt64 = 0) -> [Int] {
        var generator = SeededGenerator(seed: tieBreakSeed)
        let p = predictProbabilities(labelMatrix).scalars
        let c = classCount
        return (0..<labelMatrix.rowCount).map { i in
            guard labelMatrix.isCovered(i) else { return LabelMatrix.abstain }
            let row = Array(p[(i * c)..<((i + 1) * c)])
            let best = row.max()!
            let tied = row.indices.filter { abs(row[$0] - best) <= 1e-12 }
            return tied.count == 1 ? tied[0] : tied[generator.nextInt(below: tied.count)]
        }
    }
}

/// A label model's soft labels in the form the influence module uses (DESIGN §5):
/// `ŷ_ic = σ(s_ic) / Σ_k σ(s_ik)` with `s_ic = Σ_{j votes} W[j, L_ij, c] + Σ_{j abstains} A[j, c] + prior_c`,
/// `σ` the identity (majority vote) or `exp` (Dawid–Skene, Snorkel; prior = log class balance).
/// `A` is nil (abstains add nothing) except for models that treat an abstain as evidence
/// (Dawid–Skene with unipolar LFs, whose information is in when they abstain).
public struct LabelDecomposition: Codable, Equatable, Sendable {
    public enum Link: String, Codable, Sendable { case identity, exp }

    public var link: Link
    public var lfCount: Int
    public var classCount: Int
    /// `W[j, k, c]` at index `(j·C + k)·C + c`: the weight source j's vote k puts on class c.
    public var weights: [Double]
    /// A constant per-class term (an extra "prior" source), or nil.
    public var prior: [Double]?
    /// `A[j, c]` at index `j·C + c`: the weight an abstaining source j puts on class c, or nil.
    public var abstainWeights: [Double]?

    public init(
        link: Link, lfCount: Int, classCount: Int, weights: [Double], prior: [Double]?, abstainWeights: [Double]? = nil
    ) {
        precondition(
            weights.count == lfCount * classCount * classCount,
            "LabelDecomposition: \(weights.count) weights for \(lfCount)×\(classCount)×\(classCount)")
        precondition(
            abstainWeights == nil || abstainWeights!.count == lfCount * classCount,
            "LabelDecomposition: abstain weights must be m×C")
        self.link = link
        self.lfCount = lfCount
        self.classCount = classCount
        self.weights = weights
        self.prior = prior
        self.abstainWeights = abstainWeights
    }

    public func weight(lf j: Int, vote k: Int, class c: Int) -> Double {
        weights[(j * classCount + k) * classCount + c]
    }

    /// Soft labels `[N, C]` from the decomposition (rows without votes and a zero score: uniform).
    /// One pass over the votes, written straight into the output (no per-row allocation).
    public func softLabels(_ L: LabelMatrix) -> Tensor {
        let (c, m) = (classCount, L.lfCount)
        let storage = Storage(count: L.rowCount * c, dtype: .float64)
        let out = storage.pointer(Double.self)
        let start = prior ?? Array(repeating: 0, count: c)
        weights.withUnsafeBufferPointer { w in
            L.compactVotes.withUnsafeBufferPointer { votes in
                for i in 0..<L.rowCount {
                    let s = out + i * c
                    for k in 0..<c { s[k] = start[k] }
                    for j in 0..<m {
                        let vote = Int(votes[i * m + j])
                        if vote != LabelMatrix.abstain {
                            let block = (j * c + vote) * c
                            for k in 0..<c { s[k] += w[block + k] }
                        } else if let abstainWeights {
                            for k in 0..<c { s[k] += abstainWeights[j * c + k] }
                        }
                    }
                    switch link {
                    case .identity:
                        var total = 0.0
                        for k in 0..<c { total += s[k] }
                        for k in 0..<c { s[k] = total > 0 ? s[k] / total : 1 / Double(c) }
                    case .exp:
                        var largest = s[0]
                        for k in 1..<c { largest = max(largest, s[k]) }
                        var total = 0.0
                        for k in 0..<c {
                            s[k] = Foundation.exp(s[k] - largest)
                            total += s[k]
                        }
                        for k in 0..<c { s[k] /= total }
                    }
                }
            }
        }
        return Tensor(shape: [L.rowCount, c], storage: storage)
    }
}

/// Checks a label matrix against a class count (shared by every model's `fit`).
func validateVotes(_ L: LabelMatrix, classCount: Int) throws {
    guard classCount >= 2 else { throw LabelModelError.tooFewClasses(classCount) }
    guard L.lfCount > 0 else { throw LabelModelError.noLabelingFunctions }
    if let bad = L.compactVotes.firstIndex(where: { !(-1..<classCount).contains(Int($0)) }) {
        throw LabelModelError.voteOutOfRange(
            row: bad / max(L.lfCount, 1), lf: bad % max(L.lfCount, 1), vote: Int(L.compactVotes[bad]),
            classCount: classCount)
    }
    guard L.voteCount > 0 else { throw LabelModelError.noVotes }
}
