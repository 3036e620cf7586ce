/// Why data could not be loaded: names the file and, where known, the record (WRENCH id or CSV
/// row) and the field, so a user can go straight to the problem.
public struct DataError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let record: String?
    public let field: String?
    public let problem: String

    public init(file: String, record: String? = nil, field: String? = nil, _ problem: String) {
        self.file = file
        self.record = record
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let record { location += ", record \(record)" }
        if let field { location += ", field '\(field)'" }
        return "\(location): \(problem)"
    }
}

extension String {
    /// Control characters (a line break, a tab, a NUL) spelled out as `\u{a}`, so a message quoting
    /// input stays one line and shows what is really there.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return self }
        return unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
    }

    /// Input text as an error message quotes it: at most 80 characters, control characters escaped.
    public var quotable: String {
        (count > 80 ? String(prefix(80)) + "…" : self).escapingControlCharacters
    }
}
