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
