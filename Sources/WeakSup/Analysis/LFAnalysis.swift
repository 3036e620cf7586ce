import Foundation

/// Per-LF statistics of a label matrix, as Snorkel's `LFAnalysis` reports them.
public struct LFSummary: Codable, Equatable, Sendable {
    public var name: String
    /// The classes the LF votes for.
    public var polarity: [Int]
    /// Fraction of rows the LF votes on.
    public var coverage: Double
    /// Fraction of rows where it votes and at least one other LF votes.
    public var overlaps: Double
    /// Fraction of rows where it votes and another LF votes for a different class.
    public var conflicts: Double
    /// With gold labels: its correct and incorrect votes and their ratio.
    public var correct: Int?
    public var incorrect: Int?
    public var empiricalAccuracy: Double?
}

/// LF analysis of a label matrix: a summary per LF and totals for the matrix.
public struct LFAnalysis: Codable, Equatable, Sendable {
    public var rows: Int
    public var lfs: [LFSummary]
    /// Fraction of rows with at least one vote.
    public var totalCoverage: Double
    /// Fraction of rows with at least two votes.
    public var totalOverlap: Double
    /// Fraction of rows with votes for at least two different classes.
    public var totalConflict: Double
    /// Accuracy of all votes together, with gold labels.
    public var totalEmpiricalAccuracy: Double?

    public init(labelMatrix L: LabelMatrix, lfNames: [String], goldLabels: [Int]? = nil) {
        precondition(lfNames.count == L.lfCount, "LFAnalysis: \(lfNames.count) names for \(L.lfCount) LFs")
        precondition(
            goldLabels == nil || goldLabels!.count == L.rowCount,
            "LFAnalysis: gold labels for \(goldLabels!.count) rows, matrix has \(L.rowCount)")
        let n = max(L.rowCount, 1)
        var covered = 0
        var overlapped = 0
        var conflicted = 0
        var allCorrect = 0
        var allVotes = 0
        var summaries = lfNames.map { LFSummary(name: $0, polarity: [], coverage: 0, overlaps: 0, conflicts: 0) }
        var polarity = Array(repeating: Set<Int>(), count: L.lfCount)
        var counts = Array(repeating: (votes: 0, overlaps: 0, conflicts: 0, correct: 0), count: L.lfCount)
        for i in 0..<L.rowCount {
            let row = Array(L.row(i))
            let voting = row.indices.filter { row[$0] != LabelMatrix.abstain }
            let classes = Set(voting.map { row[$0] })
            if !voting.isEmpty { covered += 1 }
            if voting.count > 1 { overlapped += 1 }
            if classes.count > 1 { conflicted += 1 }
            for j in voting {
                polarity[j].insert(row[j])
                counts[j].votes += 1
                if voting.count > 1 { counts[j].overlaps += 1 }
                if voting.contains(where: { row[$0] != row[j] }) { counts[j].conflicts += 1 }
                if let gold = goldLabels?[i], gold == row[j] { counts[j].correct += 1 }
            }
            if let gold = goldLabels?[i] {
                allVotes += voting.count
                allCorrect += voting.filter { row[$0] == gold }.count
            }
        }
        for j in 0..<L.lfCount {
            summaries[j].polarity = polarity[j].sorted()
            summaries[j].coverage = Double(counts[j].votes) / Double(n)
            summaries[j].overlaps = Double(counts[j].overlaps) / Double(n)
            summaries[j].conflicts = Double(counts[j].conflicts) / Double(n)
            if goldLabels != nil {
                summaries[j].correct = counts[j].correct
                summaries[j].incorrect = counts[j].votes - counts[j].correct
                summaries[j].empiricalAccuracy =
                    counts[j].votes > 0 ? Double(counts[j].correct) / Double(counts[j].votes) : nil
            }
        }
        rows = L.rowCount
        lfs = summaries
        totalCoverage = Double(covered) / Double(n)
        totalOverlap = Double(overlapped) / Double(n)
        totalConflict = Double(conflicted) / Double(n)
        totalEmpiricalAccuracy = goldLabels != nil && allVotes > 0 ? Double(allCorrect) / Double(allVotes) : nil
    }

    /// The analysis as an aligned text table with a totals line.
    public func table() -> String {
        let hasGold = lfs.first?.correct != nil
        var header = ["j", "name", "polarity", "coverage", "overlaps", "conflicts"]
        if hasGold { header += ["correct", "incorrect", "emp. acc."] }
        var rowsText: [[String]] = lfs.enumerated().map { j, lf in
            var cells = [
                "\(j)", lf.name, lf.polarity.map(String.init).joined(separator: ","),
                format(lf.coverage), format(lf.overlaps), format(lf.conflicts),
            ]
            if hasGold {
                cells += ["\(lf.correct ?? 0)", "\(lf.incorrect ?? 0)", lf.empiricalAccuracy.map(format) ?? "-"]
            }
            return cells
        }
        var total = [
            "", "all \(lfs.count) LFs", "", format(totalCoverage), format(totalOverlap), format(totalConflict),
        ]
        if hasGold { total += ["", "", totalEmpiricalAccuracy.map(format) ?? "-"] }
        rowsText.append(total)
        return alignedTable(header: header, rows: rowsText, rightAligned: Set(header.indices).subtracting([1, 2]))
    }

    private func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
