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
        let (m, classSlots) = (L.lfCount, LabelMatrix.maximumClassCount + 1)
        var covered = 0
        var overlapped = 0
        var conflicted = 0
        var allCorrect = 0
        var allVotes = 0
        var summaries = lfNames.map { LFSummary(name: $0, polarity: [], coverage: 0, overlaps: 0, conflicts: 0) }
        // One pass over the votes with counters only (no per-row allocation): per LF its votes per
        // class (the polarity), overlaps, conflicts and correct votes.
        var votesPerClass = [Int](repeating: 0, count: m * classSlots)
        var overlaps = [Int](repeating: 0, count: m)
        var conflicts = [Int](repeating: 0, count: m)
        var correct = [Int](repeating: 0, count: m)
        var rowClassCounts = [Int](repeating: 0, count: classSlots)
        L.compactVotes.withUnsafeBufferPointer { votes in
            for i in 0..<L.rowCount {
                let row = votes.baseAddress! + i * m
                var voting = 0
                var distinct = 0
                for j in 0..<m where row[j] >= 0 {
                    voting += 1
                    if rowClassCounts[Int(row[j])] == 0 { distinct += 1 }
                    rowClassCounts[Int(row[j])] += 1
                }
                guard voting > 0 else { continue }
                covered += 1
                if voting > 1 { overlapped += 1 }
                if distinct > 1 { conflicted += 1 }
                let gold = goldLabels?[i]
                for j in 0..<m where row[j] >= 0 {
                    let vote = Int(row[j])
                    votesPerClass[j * classSlots + vote] += 1
                    if voting > 1 { overlaps[j] += 1 }
                    if rowClassCounts[vote] < voting { conflicts[j] += 1 }  // another LF voted another class
                    if gold == vote {
                        correct[j] += 1
                        allCorrect += 1
                    }
                }
                if gold != nil { allVotes += voting }
                for j in 0..<m where row[j] >= 0 { rowClassCounts[Int(row[j])] = 0 }
            }
        }
        for j in 0..<L.lfCount {
            let perClass = votesPerClass[(j * classSlots)..<((j + 1) * classSlots)]
            summaries[j].polarity = perClass.indices.filter { perClass[$0] > 0 }.map { $0 - j * classSlots }
            let lfVotes = perClass.reduce(0, +)
            summaries[j].coverage = Double(lfVotes) / Double(n)
            summaries[j].overlaps = Double(overlaps[j]) / Double(n)
            summaries[j].conflicts = Double(conflicts[j]) / Double(n)
            if goldLabels != nil {
                summaries[j].correct = correct[j]
                summaries[j].incorrect = lfVotes - correct[j]
                summaries[j].empiricalAccuracy = lfVotes > 0 ? Double(correct[j]) / Double(lfVotes) : nil
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

extension LFAnalysis {
    /// For every pair of LFs, the fraction of rows both vote on (`overlaps`) and the fraction where
    /// they vote different classes (`conflicts`); the diagonal holds each LF's coverage and zero.
    /// One pass over the votes (`coVoteCounts`).
    public static func pairwise(_ L: LabelMatrix, classCount c: Int) -> (overlaps: [[Double]], conflicts: [[Double]]) {
        let m = L.lfCount
        let counts = coVoteCounts(L, classCount: c)
        let d = m * c
        let n = Double(max(L.rowCount, 1))
        var overlaps = Array(repeating: Array(repeating: 0.0, count: m), count: m)
        var conflicts = overlaps
        for j in 0..<m {
            for k in 0..<m {
                var (both, different) = (0, 0)
                for a in 0..<c {
                    for b in 0..<c {
                        let count = counts[(j * c + a) * d + k * c + b]
                        both += count
                        if a != b { different += count }
                    }
                }
                overlaps[j][k] = Double(both) / n
                conflicts[j][k] = j == k ? 0 : Double(different) / n
            }
        }
        return (overlaps, conflicts)
    }
}
