import Foundation

/// The CSV loader as it was before loading was made fast — a `Character` state machine over a
/// `String`, then `Double(String)` / `Int(String)` per trimmed cell — kept as the reference the
/// fast loader must reproduce bit for bit, and as the fuzzer's independent reading of CSV rows.
/// Rows end at LF, CRLF or a lone CR (Python's csv module does the same).
public enum ReferenceCSVParser {
    public struct Table {
        public var header: [String]
        public var ids: [String]
        public var labels: [Int?]
        public var features: [Float]
        public var votes: [Int]
    }

    public static func parse(
        _ url: URL, idColumn: String = "id", labelColumn: String = "label", lfPrefix: String = "lf_"
    )
        throws -> Table
    {
        let rows = try readCSV(url)
        let header = rows[0].map { $0.trimmingCharacters(in: .whitespaces) }
        let idIndex = header.firstIndex(of: idColumn)
        let labelIndex = header.firstIndex(of: labelColumn)
        let lfIndices = header.indices.filter { header[$0].hasPrefix(lfPrefix) }
        let featureIndices = header.indices.filter { $0 != idIndex && $0 != labelIndex && !lfIndices.contains($0) }
        var table = Table(header: header, ids: [], labels: [], features: [], votes: [])
        for row in rows.dropFirst() {
            table.ids.append(idIndex.map { row[$0] } ?? "\(table.ids.count)")
            let cell = { (k: Int) in row[k].trimmingCharacters(in: .whitespaces) }
            table.labels.append(labelIndex.flatMap { cell($0).isEmpty ? nil : Int(cell($0))! })
            for k in featureIndices { table.features.append(Float(Double(cell(k))!)) }
            for k in lfIndices { table.votes.append(Int(cell(k))!) }
        }
        return table
    }

    public static func readCSV(_ url: URL) throws -> [[String]] {
        rows(try Data(contentsOf: url))
    }

    /// The rows of CSV bytes (a leading byte-order mark skipped, blank lines dropped).
    public static func rows(_ bytes: Data) -> [[String]] {
        var data = bytes
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data = Data(data.dropFirst(3)) }
        let text = String(decoding: data, as: UTF8.self)
        var rows: [[String]] = []
        var field = ""
        var fields: [String] = []
        var inQuotes = false
        var afterQuote = false
        for character in text {
            if inQuotes {
                if character == "\"" {
                    inQuotes = false
                    afterQuote = true
                } else {
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                if afterQuote { field.append("\"") }
                inQuotes = true
                afterQuote = false
            case ",":
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                fields.append(field)
                field = ""
                afterQuote = false
                if !(fields.count == 1 && fields[0].isEmpty) { rows.append(fields) }
                fields = []
            default:
                field.append(character)
                afterQuote = false
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            rows.append(fields)
        }
        return rows
    }
}
