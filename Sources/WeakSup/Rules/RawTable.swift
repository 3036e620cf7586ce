import Foundation

/// Raw rows for declarative rules: a CSV file with a header, or JSON lines (one object per line).
/// Cells are kept as text (`nil` for a JSON `null` or an absent key); numbers and booleans in JSON
/// lines become their JSON spelling.
public struct RawTable: Sendable {
    public var file: String
    public var columns: [String]
    public var rows: [[String?]]
    /// Where each row is, for messages: "line 12".
    public var locations: [String]

    /// Reads `url` as JSON lines when its name ends in `.jsonl` or `.ndjson`, as CSV otherwise.
    public static func load(_ url: URL) throws -> RawTable {
        let name = url.lastPathComponent.lowercased()
        return name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") ? try loadJSONLines(url) : try loadCSV(url)
    }

    public static func loadCSV(_ url: URL) throws -> RawTable {
        let lines = try CSVLoader.readCSV(url)
        guard let header = lines.first else { throw DataError(file: url.path, "is empty (a header row is required)") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        if let repeated = columns.first(where: { name in columns.filter { $0 == name }.count > 1 }) {
            throw DataError(
                file: url.path, record: "line \(header.line)", "the header names column '\(repeated)' twice")
        }
        var rows: [[String?]] = []
        var locations: [String] = []
        for (line, fields) in lines.dropFirst() {
            guard fields.count == columns.count else {
                throw DataError(
                    file: url.path, record: "line \(line)",
                    "has \(fields.count) cells, the header has \(columns.count)")
            }
            rows.append(fields)
            locations.append("line \(line)")
        }
        return RawTable(file: url.path, columns: columns, rows: rows, locations: locations)
    }

    public static func loadJSONLines(_ url: URL) throws -> RawTable {
        let data: Data
        do { data = try InputFile.contents(url.path) } catch { throw DataError(file: url.path, error.problem) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError(file: url.path, "is not UTF-8 text")
        }
        var objects: [(line: Int, object: [String: Any])] = []
        var columns: [String] = []
        var known: Set<String> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw DataError(file: url.path, record: "line \(index + 1)", "is not a JSON object")
            }
            for key in object.keys.sorted() where !known.contains(key) {
                known.insert(key)
                columns.append(key)
            }
            objects.append((index + 1, object))
        }
        var rows: [[String?]] = []
        for (line, object) in objects {
            rows.append(
                try columns.map { column in
                    switch object[column] {
                    case nil, is NSNull: return nil
                    case let text as String: return text
                    case let number as NSNumber:
                        return String(cString: number.objCType) == "c"
                            ? (number.boolValue ? "true" : "false") : "\(number)"
                    default:
                        throw DataError(
                            file: url.path, record: "line \(line)", field: column,
                            "is a list or an object (rules read text, numbers and booleans)")
                    }
                })
        }
        return RawTable(file: url.path, columns: columns, rows: rows, locations: objects.map { "line \($0.line)" })
    }
}
