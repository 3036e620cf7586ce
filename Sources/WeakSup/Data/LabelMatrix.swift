/// LF votes for N rows and m labeling functions, row-major; `-1` is an abstain
/// (the WRENCH/Snorkel convention), `0..<classCount` a vote for that class.
public struct LabelMatrix: Equatable, Sendable {
    public static let abstain = -1

    public let rowCount: Int
    public let lfCount: Int
    public private(set) var votes: [Int]

    public init(rowCount: Int, lfCount: Int, votes: [Int]) {
        precondition(votes.count == rowCount * lfCount, "LabelMatrix: \(votes.count) votes for \(rowCount)×\(lfCount)")
        self.rowCount = rowCount
        self.lfCount = lfCount
        self.votes = votes
    }

    /// From rows of votes (all of equal length).
    public init(rows: [[Int]]) {
        let m = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == m }, "LabelMatrix: rows of unequal length")
        self.init(rowCount: rows.count, lfCount: m, votes: rows.flatMap { $0 })
    }

    public subscript(row: Int, lf: Int) -> Int { votes[row * lfCount + lf] }

    /// The votes of one row.
    public func row(_ i: Int) -> ArraySlice<Int> { votes[(i * lfCount)..<((i + 1) * lfCount)] }

    /// A matrix of the given rows, in that order.
    public func rows(_ indices: [Int]) -> LabelMatrix {
        LabelMatrix(rowCount: indices.count, lfCount: lfCount, votes: indices.flatMap { row($0) })
    }

    /// A matrix with only the given LF columns, in that order.
    public func columns(_ lfs: [Int]) -> LabelMatrix {
        LabelMatrix(
            rowCount: rowCount, lfCount: lfs.count, votes: (0..<rowCount).flatMap { i in lfs.map { self[i, $0] } })
    }

    /// Rows with at least one non-abstain vote.
    public var coveredRows: [Int] { (0..<rowCount).filter { i in row(i).contains { $0 != Self.abstain } } }

    /// Number of non-abstain votes.
    public var voteCount: Int { votes.reduce(0) { $0 + ($1 != Self.abstain ? 1 : 0) } }
}
