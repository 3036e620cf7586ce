/// LF votes for N rows and m labeling functions, row-major; `-1` is an abstain
/// (the WRENCH/Snorkel convention), `0..<classCount` a vote for that class.
///
/// Votes are stored one byte each (a million rows of 30 LFs take 30 MB, not 240), so a vote is in
/// `-128...127` and a task has at most `maximumClassCount` classes; loaders refuse more.
public struct LabelMatrix: Equatable, Sendable {
    public static let abstain = -1
    /// The most classes a vote can name (votes are `Int8`).
    public static let maximumClassCount = Int(Int8.max)

    public let rowCount: Int
    public let lfCount: Int
    /// The votes, row-major, one byte each.
    public private(set) var compactVotes: [Int8]

    public init(rowCount: Int, lfCount: Int, compactVotes: [Int8]) {
        precondition(
            compactVotes.count == rowCount * lfCount,
            "LabelMatrix: \(compactVotes.count) votes for \(rowCount)×\(lfCount)"
        )
        self.rowCount = rowCount
        self.lfCount = lfCount
        self.compactVotes = compactVotes
    }

    /// From votes as integers (each must fit in `Int8`: validate votes against the class count first).
    public init(rowCount: Int, lfCount: Int, votes: [Int]) {
        precondition(
            votes.allSatisfy { Int8(exactly: $0) != nil }, "LabelMatrix: a vote is outside -128...127")
        self.init(rowCount: rowCount, lfCount: lfCount, compactVotes: votes.map { Int8($0) })
    }

    /// From rows of votes (all of equal length).
    public init(rows: [[Int]]) {
        let m = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == m }, "LabelMatrix: rows of unequal length")
        self.init(rowCount: rows.count, lfCount: m, votes: rows.flatMap { $0 })
    }

    /// The votes as integers, row-major (a widened copy).
    public var votes: [Int] { compactVotes.map(Int.init) }

    public subscript(row: Int, lf: Int) -> Int { Int(compactVotes[row * lfCount + lf]) }

    /// The votes of one row.
    public func row(_ i: Int) -> ArraySlice<Int8> { compactVotes[(i * lfCount)..<((i + 1) * lfCount)] }

    /// Whether row `i` has at least one non-abstain vote.
    public func isCovered(_ i: Int) -> Bool { row(i).contains { $0 != Self.abstainByte } }

    /// A matrix of the given rows, in that order.
    public func rows(_ indices: [Int]) -> LabelMatrix {
        var gathered = [Int8]()
        gathered.reserveCapacity(indices.count * lfCount)
        for i in indices { gathered += row(i) }
        return LabelMatrix(rowCount: indices.count, lfCount: lfCount, compactVotes: gathered)
    }

    /// A matrix with only the given LF columns, in that order.
    public func columns(_ lfs: [Int]) -> LabelMatrix {
        var gathered = [Int8]()
        gathered.reserveCapacity(rowCount * lfs.count)
        for i in 0..<rowCount { for j in lfs { gathered.append(compactVotes[i * lfCount + j]) } }
        return LabelMatrix(rowCount: rowCount, lfCount: lfs.count, compactVotes: gathered)
    }

    /// Rows with at least one non-abstain vote.
    public var coveredRows: [Int] { (0..<rowCount).filter(isCovered) }

    /// Number of non-abstain votes.
    public var voteCount: Int { compactVotes.reduce(0) { $0 + ($1 != Self.abstainByte ? 1 : 0) } }

    static let abstainByte = Int8(abstain)
}
