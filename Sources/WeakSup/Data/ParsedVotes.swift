/// Votes as the loaders read them: one byte each (what `LabelMatrix` stores), and a vote that
/// does not fit a byte — never a valid one — kept exactly beside them, so validation can name it.
struct ParsedVotes {
    /// The votes, a wide one stored as `Int8.max` (never a valid vote: classes are fewer than 127).
    private(set) var bytes: [Int8] = []
    private var wide: [Int: Int] = [:]

    var count: Int { bytes.count }

    mutating func reserveCapacity(_ capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func append(_ vote: Int) {
        if let narrow = Int8(exactly: vote), narrow != Int8.max {
            bytes.append(narrow)
        } else {
            wide[bytes.count] = vote
            bytes.append(Int8.max)
        }
    }

    /// Drops the votes from index `start` on.
    mutating func removeAll(from start: Int) {
        bytes.removeSubrange(start...)
        wide = wide.filter { $0.key < start }
    }

    /// Appends votes that each fit a byte and none of which is `Int8.max`.
    mutating func append(narrow votes: UnsafeBufferPointer<Int8>) { bytes.append(contentsOf: votes) }

    mutating func append(contentsOf other: ParsedVotes) {
        for (index, value) in other.wide { wide[index + bytes.count] = value }
        bytes += other.bytes
    }

    subscript(index: Int) -> Int { wide[index] ?? Int(bytes[index]) }

    /// The largest vote, exactly.
    var largest: Int? {
        let narrow = bytes.lazy.filter { $0 != Int8.max }.max().map(Int.init)
        return [narrow, wide.values.max()].compactMap { $0 }.max()
    }
}

/// The number of classes of a dataset: its class names, else the largest gold label, else the
/// largest vote (at least 2) — refused above `LabelMatrix.maximumClassCount`.
func inferredClassCount(classNames: [String]?, labels: [Int], largestVote: Int?, directory: String) throws -> Int {
    let classCount = classNames?.count ?? max(2, (labels.max() ?? largestVote ?? 1) + 1)
    guard classCount <= LabelMatrix.maximumClassCount else {
        throw DataError(
            file: directory,
            "has \(classCount) classes; at most \(LabelMatrix.maximumClassCount) are supported (votes are stored in a byte)"
        )
    }
    return classCount
}
