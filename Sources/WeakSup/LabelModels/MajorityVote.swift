import Autodiff

/// Majority vote: each row's soft label is its vote shares (`ŷ_ic = #votes for c / #votes`);
/// hard labels break ties with a seeded generator. Rows without votes get a uniform soft label
/// and the hard label -1. Fitting only records the class and LF counts.
public final class MajorityVote: LabelModel {
    public let kind = LabelModelKind.majority
    public private(set) var classCount = 2
    public private(set) var lfCount = 0

    public init() {}

    public func fit(labelMatrix: LabelMatrix, classCount: Int) throws {
        try validateVotes(labelMatrix, classCount: classCount)
        self.classCount = classCount
        lfCount = labelMatrix.lfCount
    }

    public func predictProbabilities(_ labelMatrix: LabelMatrix) -> Tensor { decomposition.softLabels(labelMatrix) }

    /// Exact, with σ = identity: `W[j, k, c] = 1{k = c}`.
    public var decomposition: LabelDecomposition {
        let c = classCount
        let block = (0..<c).flatMap { k in (0..<c).map { $0 == k ? 1.0 : 0.0 } }
        return LabelDecomposition(
            link: .identity, lfCount: lfCount, classCount: c,
            weights: Array((0..<lfCount).map { _ in block }.joined()), prior: nil)
    }
}
