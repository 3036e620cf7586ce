import Foundation

/// Formats rows as columns separated by two spaces, with a rule under the header.
public func alignedTable(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
    let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        let text = cells.enumerated().map { c, cell in
            let pad = String(repeating: " ", count: widths[c] - cell.count)
            return rightAligned.contains(c) ? pad + cell : cell + pad
        }.joined(separator: "  ")
        // Trailing blanks dropped in one backward scan (a `\s+$` regex restarts at every blank of a
        // long run: quadratic, 26 s for one 16,000-character LF name).
        let end = text.lastIndex { !$0.isWhitespace }.map { text.index(after: $0) } ?? text.startIndex
        return String(text[..<end])
    }
    return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
        .joined(separator: "\n")
}
