/// Why a rules file cannot be used: names the file, the rule (by name, or by position when it has
/// none) and the field, so the user can go straight to the mistake.
public struct RuleError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    public let rule: String?
    public let field: String?
    public let problem: String

    public init(file: String, rule: String? = nil, field: String? = nil, _ problem: String) {
        self.file = file
        self.rule = rule
        self.field = field
        self.problem = problem
    }

    public var description: String {
        var location = file
        if let rule { location += ", rule \(rule)" }
        if let field { location += ", field '\(field)'" }
        return "\(location): \(problem)"
    }
}
