import Foundation

/// A labeling function written in Swift: a name and a closure from a record to a class vote,
/// or nil to abstain.
///
///     let exclamations = LabelingFunction<DataRecord>("many-exclamations") { $0.features[51] > 1.0 ? 1 : nil }
public struct LabelingFunction<Record>: Sendable {
    public let name: String
    private let body: @Sendable (Record) -> Int?

    public init(_ name: String, _ body: @escaping @Sendable (Record) -> Int?) {
        self.name = name
        self.body = body
    }

    /// The vote for `record`: a class index, or `LabelMatrix.abstain` (-1).
    public func callAsFunction(_ record: Record) -> Int { body(record) ?? LabelMatrix.abstain }
}

/// A labeling function voted outside `-1..<classCount`.
public struct LabelingFunctionError: Error, CustomStringConvertible, Equatable {
    public let lf: String
    public let row: Int
    public let vote: Int
    public let classCount: Int

    public init(lf: String, row: Int, vote: Int, classCount: Int) {
        self.lf = lf
        self.row = row
        self.vote = vote
        self.classCount = classCount
    }

    public var description: String {
        "labeling function '\(lf)' voted \(vote) on row \(row); votes must be class indices 0..<\(classCount) or nil to abstain"
    }
}

/// Applies every LF to every record, in parallel over chunks of rows. The result does not depend
/// on scheduling: each row's votes are written to their own place.
public func applyLabelingFunctions<Record: Sendable>(
    _ lfs: [LabelingFunction<Record>], to records: [Record], classCount: Int
) throws -> LabelMatrix {
    let (n, m) = (records.count, lfs.count)
    var votes = [Int](repeating: LabelMatrix.abstain, count: n * m)
    let chunk = max(1, (n + 63) / 64)
    votes.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let output = buffer
        DispatchQueue.concurrentPerform(iterations: (n + chunk - 1) / chunk) { c in
            for i in (c * chunk)..<min(n, (c + 1) * chunk) {
                for j in 0..<m { output[i * m + j] = lfs[j](records[i]) }
            }
        }
    }
    if let bad = votes.firstIndex(where: { !(LabelMatrix.abstain..<classCount).contains($0) }) {
        throw LabelingFunctionError(lf: lfs[bad % m].name, row: bad / m, vote: votes[bad], classCount: classCount)
    }
    return LabelMatrix(rowCount: n, lfCount: m, votes: votes)
}
