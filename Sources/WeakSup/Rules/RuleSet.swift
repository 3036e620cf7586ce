import Foundation

/// Declarative labeling functions read from a JSON file — the way to write LFs without Swift:
///
///     {"classes": ["ham", "spam"],
///      "rules": [
///        {"name": "offer", "class": "spam", "keywords": ["free offer", "winner"], "field": "text"},
///        {"name": "link", "class": "spam", "regex": "https?://", "field": "text"},
///        {"name": "short", "class": "ham", "column": "length", "<": 20},
///        {"name": "known", "class": "ham", "column": "sender", "equals": "alice"},
///        {"name": "both", "class": "spam", "all": [{"keywords": ["money"]}, {"column": "links", ">=": 2}]}]}
///
/// A rule votes its class when its condition holds and abstains otherwise. `field` defaults to
/// `text`; thresholds take any of `>`, `>=`, `<`, `<=` (two of them make a range). Every mistake —
/// an unknown key, a class not in `classes`, a column the data does not have, a bad regular
/// expression — is an error naming the rule and the field.
public struct RuleSet: Sendable {
    public struct Rule: Sendable {
        public var name: String
        public var classIndex: Int
        public var condition: RuleCondition
        /// The rule as written in the file (JSON, keys sorted), kept in the output's `lfs.json`.
        public var definition: String
        /// A one-line reading of the rule, e.g. `if text has any of [game, arcade] then games`.
        public var summary: String
    }

    public var classNames: [String]
    public var rules: [Rule]

    /// Reads a rules file, resolving column names against `columns` (the raw table's header).
    public static func load(_ url: URL, columns: [String]) throws -> RuleSet {
        let file = url.path
        let object: Any
        do { object = try InputFile.jsonObject(file) } catch { throw RuleError(file: file, error.problem) }
        return try RuleSet(json: object, file: file, columns: columns)
    }

    /// Parses rules from a JSON object (see the type's documentation); `file` names it in errors.
    public init(json: Any, file: String, columns: [String]) throws {
        guard let top = json as? [String: Any] else {
            throw RuleError(file: file, "expected an object with 'classes' and 'rules'")
        }
        if let unknown = top.keys.sorted().first(where: { !["classes", "rules"].contains($0) }) {
            throw RuleError(file: file, field: unknown, "unknown key (expected 'classes' and 'rules')")
        }
        guard let classes = top["classes"] as? [String], !classes.isEmpty else {
            throw RuleError(file: file, field: "classes", "expected a non-empty list of class names")
        }
        if let repeated = classes.first(where: { name in classes.filter { $0 == name }.count > 1 }) {
            throw RuleError(file: file, field: "classes", "class '\(repeated)' is listed twice")
        }
        guard classes.count <= LabelMatrix.maximumClassCount else {
            throw RuleError(
                file: file, field: "classes", "at most \(LabelMatrix.maximumClassCount) classes are supported")
        }
        guard let ruleObjects = top["rules"] as? [Any], !ruleObjects.isEmpty else {
            throw RuleError(file: file, field: "rules", "expected a non-empty list of rules")
        }
        let parser = ConditionParser(file: file, columns: columns)
        var rules: [Rule] = []
        for (position, item) in ruleObjects.enumerated() {
            let label = "#\(position + 1)"
            guard let object = item as? [String: Any] else {
                throw RuleError(file: file, rule: label, "is not an object")
            }
            guard let name = object["name"] as? String, !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw RuleError(file: file, rule: label, field: "name", "every rule needs a non-empty name")
            }
            let ruleLabel = "'\(name)' (\(label))"
            guard !rules.contains(where: { $0.name == name }) else {
                throw RuleError(file: file, rule: ruleLabel, field: "name", "another rule has this name")
            }
            guard let className = object["class"] as? String else {
                throw RuleError(file: file, rule: ruleLabel, field: "class", "every rule names the class it votes")
            }
            guard let classIndex = classes.firstIndex(of: className) else {
                throw RuleError(
                    file: file, rule: ruleLabel, field: "class",
                    "'\(className)' is not one of the classes (\(classes.joined(separator: ", ")))")
            }
            var conditionObject = object
            conditionObject["name"] = nil
            conditionObject["class"] = nil
            let (condition, summary) = try parser.parse(conditionObject, rule: ruleLabel)
            let definition = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            rules.append(
                Rule(
                    name: name, classIndex: classIndex, condition: condition,
                    definition: String(decoding: definition, as: UTF8.self), summary: "if \(summary) then \(className)")
            )
        }
        classNames = classes
        self.rules = rules
    }
}

/// Turns one rule's condition keys into a `RuleCondition` and its one-line reading.
private struct ConditionParser {
    let file: String
    let columns: [String]
    static let comparisons = [">", ">=", "<", "<="]

    func parse(_ object: [String: Any], rule: String) throws -> (RuleCondition, String) {
        let kinds = ["keywords", "regex", "equals", "all"].filter { object[$0] != nil }
        let hasThreshold = Self.comparisons.contains { object[$0] != nil }
        guard kinds.count + (hasThreshold ? 1 : 0) == 1 else {
            throw RuleError(
                file: file, rule: rule,
                kinds.count + (hasThreshold ? 1 : 0) == 0
                    ? "needs one condition: keywords, regex, a comparison (>, >=, <, <=), equals or all"
                    : "has more than one condition (\((kinds + (hasThreshold ? ["comparison"] : [])).joined(separator: ", "))); combine them with 'all'"
            )
        }
        let kind = kinds.first ?? "threshold"
        let allowed: [String]
        switch kind {
        case "keywords", "regex": allowed = [kind, "field"]
        case "equals": allowed = ["equals", "column"]
        case "all": allowed = ["all"]
        default: allowed = Self.comparisons + ["column"]
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw RuleError(
                file: file, rule: rule, field: unknown,
                "unknown key for a \(kind) condition (allowed: \(allowed.joined(separator: ", ")))")
        }
        switch kind {
        case "keywords":
            let (column, field) = try textColumn(object, rule: rule)
            guard let words = object["keywords"] as? [String], !words.isEmpty else {
                throw RuleError(file: file, rule: rule, field: "keywords", "expected a non-empty list of strings")
            }
            let phrases = words.map(WordTokenizer.words)
            if let index = phrases.firstIndex(where: \.isEmpty) {
                throw RuleError(
                    file: file, rule: rule, field: "keywords", "'\(words[index])' has no letters or digits to match")
            }
            return (
                .keywords(column: column, phrases: phrases),
                "\(field) has any of [\(words.joined(separator: ", "))]"
            )
        case "regex":
            let (column, field) = try textColumn(object, rule: rule)
            guard let pattern = object["regex"] as? String, !pattern.isEmpty else {
                throw RuleError(file: file, rule: rule, field: "regex", "expected a non-empty string")
            }
            do {
                return (.regex(column: column, expression: try SendableRegex(pattern)), "\(field) matches /\(pattern)/")
            } catch {
                throw RuleError(
                    file: file, rule: rule, field: "regex", "'\(pattern)' is not a valid regular expression")
            }
        case "equals":
            let (column, name) = try namedColumn(object, rule: rule)
            switch object["equals"] {
            case let text as String: return (.equals(column: column, text: text, number: nil), "\(name) = \"\(text)\"")
            case let value? where jsonNumber(value) != nil:
                let number = jsonNumber(value)!
                return (.equals(column: column, text: "\(value)", number: number), "\(name) = \(value)")
            default:
                throw RuleError(file: file, rule: rule, field: "equals", "expected a string or a number")
            }
        case "all":
            guard let parts = object["all"] as? [Any], !parts.isEmpty else {
                throw RuleError(file: file, rule: rule, field: "all", "expected a non-empty list of conditions")
            }
            var conditions: [RuleCondition] = []
            var summaries: [String] = []
            for (index, part) in parts.enumerated() {
                guard let partObject = part as? [String: Any] else {
                    throw RuleError(file: file, rule: rule, field: "all[\(index)]", "is not an object")
                }
                let (condition, summary) = try parse(partObject, rule: "\(rule) all[\(index)]")
                conditions.append(condition)
                summaries.append(summary)
            }
            return (.all(conditions), summaries.map { "(\($0))" }.joined(separator: " and "))
        default:
            let (column, name) = try namedColumn(object, rule: rule)
            var lower: RuleCondition.Bound?
            var upper: RuleCondition.Bound?
            var parts: [String] = []
            for comparison in Self.comparisons where object[comparison] != nil {
                guard let value = object[comparison], let number = jsonNumber(value), number.isFinite else {
                    throw RuleError(file: file, rule: rule, field: comparison, "expected a finite number")
                }
                let bound = RuleCondition.Bound(value: number, inclusive: comparison.hasSuffix("="))
                if comparison.hasPrefix(">") {
                    guard lower == nil else {
                        throw RuleError(file: file, rule: rule, field: comparison, "gives a second lower bound")
                    }
                    lower = bound
                } else {
                    guard upper == nil else {
                        throw RuleError(file: file, rule: rule, field: comparison, "gives a second upper bound")
                    }
                    upper = bound
                }
                parts.append("\(name) \(comparison) \(value)")
            }
            if let lower, let upper,
                lower.value > upper.value || (lower.value == upper.value && !(lower.inclusive && upper.inclusive))
            {
                throw RuleError(file: file, rule: rule, "the range is empty (no number satisfies both bounds)")
            }
            return (.threshold(column: column, lower: lower, upper: upper), parts.joined(separator: " and "))
        }
    }

    private func textColumn(_ object: [String: Any], rule: String) throws -> (Int, String) {
        let name: String
        switch object["field"] {
        case nil: name = "text"
        case let text as String: name = text
        default: throw RuleError(file: file, rule: rule, field: "field", "expected a column name")
        }
        return (try index(of: name, rule: rule, field: "field"), name)
    }

    private func namedColumn(_ object: [String: Any], rule: String) throws -> (Int, String) {
        guard let name = object["column"] as? String else {
            throw RuleError(file: file, rule: rule, field: "column", "expected the name of a column")
        }
        return (try index(of: name, rule: rule, field: "column"), name)
    }

    private func index(of name: String, rule: String, field: String) throws -> Int {
        guard let index = columns.firstIndex(of: name) else {
            throw RuleError(
                file: file, rule: rule, field: field,
                "'\(name)' is not a column of the data (columns: \(columns.joined(separator: ", ")))")
        }
        return index
    }
}

/// A JSON number as parsed by `JSONSerialization` (not a boolean, which it also gives as `NSNumber`).
private func jsonNumber(_ value: Any) -> Double? {
    guard let number = value as? NSNumber, String(cString: number.objCType) != "c" else { return nil }
    return number.doubleValue
}
