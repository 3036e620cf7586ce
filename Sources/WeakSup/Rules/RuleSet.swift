import Foundation

/// Declarative labeling functions read from a JSON file — the way to write LFs without Swift:
///
///     {"classes": ["ham", "spam"],
///      "rules": [
///        {"name": "offer", "class": "spam", "keywords": ["free offer", "winner"], "field": "text"},
///        {"name": "link", "class": "spam", "regex": "https?://", "field": "text"},
///        {"name": "short", "class": "ham", "column": "length", "<": 20},
///        {"name": "known", "class": "ham", "column": "sender", "equals": "alice"},
///        {"name": "both", "class": "spam", "all": [{"keywords": ["money"]}, {"column": "links", ">=": 2}]},
///        {"name": "night", "class": "spam", "any": [{"column": "hour", ">=": 22}, {"column": "hour", "<": 3}]},
///        {"name": "not_reply", "class": "ham", "not": {"column": "is_reply", "equals": true}}]}
///
/// A rule votes its class when its condition holds and abstains otherwise. `field` defaults to
/// `text`; thresholds take any of `>`, `>=`, `<`, `<=` (two of them make a range); `all`, `any`
/// and `not` combine conditions; `equals: true/false` matches boolean cells in any case (pandas
/// writes `True`); `"ignore_case": true` makes a regex or an `equals` text case-insensitive. Every
/// mistake — an unknown key, a class not in `classes`, a column the data does not have, a bad
/// regular expression — is an error naming the rule and the field.
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
    /// What is legal but probably not meant, one line each (a keyword whose punctuation the
    /// tokenizer drops); `apply` prints them.
    public var warnings: [String] = []

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
        warnings = parser.warnings
    }
}

/// Turns one rule's condition keys into a `RuleCondition` and its one-line reading, and notes
/// what is legal but probably not what the author meant (`warnings`).
private final class ConditionParser {
    let file: String
    let columns: [String]
    var warnings: [String] = []
    static let comparisons = [">", ">=", "<", "<="]

    init(file: String, columns: [String]) {
        self.file = file
        self.columns = columns
    }

    /// An optional boolean key (`ignore_case`), false when absent.
    private func flag(_ object: [String: Any], _ key: String, rule: String) throws -> Bool {
        guard let value = object[key] else { return false }
        guard let flag = jsonBoolean(value) else {
            throw RuleError(file: file, rule: rule, field: key, "expected true or false")
        }
        return flag
    }

    /// What each rule's condition can be (a comparison stands for `>`, `>=`, `<`, `<=`).
    static let kinds = ["keywords", "regex", "equals", "all", "any", "not"]

    func parse(_ object: [String: Any], rule: String) throws -> (RuleCondition, String) {
        let kinds = Self.kinds.filter { object[$0] != nil }
        let hasThreshold = Self.comparisons.contains { object[$0] != nil }
        let count = kinds.count + (hasThreshold ? 1 : 0)
        guard count == 1 else {
            let described = "keywords, regex, a comparison (>, >=, <, <=), equals, all, any or not"
            if count == 0, let unknown = object.keys.sorted().first {
                throw RuleError(
                    file: file, rule: rule, field: unknown, "unknown key: a condition is one of \(described)")
            }
            throw RuleError(
                file: file, rule: rule,
                count == 0
                    ? "needs one condition: \(described)"
                    : "has more than one condition (\((kinds + (hasThreshold ? ["comparison"] : [])).joined(separator: ", "))); combine them with 'all' or 'any'"
            )
        }
        let kind = kinds.first ?? "threshold"
        let allowed: [String]
        switch kind {
        case "keywords": allowed = [kind, "field"]
        case "regex": allowed = [kind, "field", "ignore_case"]
        case "equals": allowed = ["equals", "column", "ignore_case"]
        case "all", "any", "not": allowed = [kind]
        default: allowed = Self.comparisons + ["column"]
        }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw RuleError(
                file: file, rule: rule, field: unknown,
                "unknown key for a \(kind) condition (allowed: \(allowed.joined(separator: ", ")))")
        }
        let ignoringCase = try flag(object, "ignore_case", rule: rule)
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
            for (word, phrase) in zip(words, phrases)
            where word.unicodeScalars.contains(where: {
                !CharacterSet.alphanumerics.contains($0) && !CharacterSet.whitespaces.contains($0)
            }) {
                warnings.append(
                    "rule \(rule), field 'keywords': '\(word)' is matched as the words '\(phrase.joined(separator: " "))' "
                        + "(keywords are whole words of letters and digits; its other characters are ignored — "
                        + "use a regex to match them)")
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
                return (
                    .regex(column: column, expression: try SendableRegex(pattern, ignoringCase: ignoringCase)),
                    "\(field) matches /\(pattern)/\(ignoringCase ? "i" : "")"
                )
            } catch {
                throw RuleError(
                    file: file, rule: rule, field: "regex", "'\(pattern)' is not a valid regular expression")
            }
        case "equals":
            let (column, name) = try namedColumn(object, rule: rule)
            let caseNote = ignoringCase ? " (any case)" : ""
            switch object["equals"] {
            case let text as String:
                return (
                    .equals(column: column, text: text, number: nil, ignoringCase: ignoringCase),
                    "\(name) = \"\(text)\"\(caseNote)"
                )
            case let value? where jsonBoolean(value) != nil:
                // A boolean cell as pandas writes it ("True"/"False") or as JSON does ("true"/"false").
                let text = jsonBoolean(value)! ? "true" : "false"
                return (.equals(column: column, text: text, number: nil, ignoringCase: true), "\(name) is \(text)")
            case let value? where jsonNumber(value) != nil:
                let number = jsonNumber(value)!
                return (
                    .equals(column: column, text: "\(value)", number: number, ignoringCase: ignoringCase),
                    "\(name) = \(value)"
                )
            default:
                throw RuleError(file: file, rule: rule, field: "equals", "expected a string, a number or a boolean")
            }
        case "all", "any":
            guard let parts = object[kind] as? [Any], !parts.isEmpty else {
                throw RuleError(file: file, rule: rule, field: kind, "expected a non-empty list of conditions")
            }
            var conditions: [RuleCondition] = []
            var summaries: [String] = []
            for (index, part) in parts.enumerated() {
                guard let partObject = part as? [String: Any] else {
                    throw RuleError(file: file, rule: rule, field: "\(kind)[\(index)]", "is not an object")
                }
                let (condition, summary) = try parse(partObject, rule: "\(rule) \(kind)[\(index)]")
                conditions.append(condition)
                summaries.append(summary)
            }
            let joined = summaries.map { "(\($0))" }.joined(separator: kind == "all" ? " and " : " or ")
            return (kind == "all" ? .all(conditions) : .any(conditions), joined)
        case "not":
            guard let inner = object["not"] as? [String: Any] else {
                throw RuleError(file: file, rule: rule, field: "not", "expected one condition (an object)")
            }
            let (condition, summary) = try parse(inner, rule: "\(rule) not")
            return (.not(condition), "not (\(summary))")
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

/// A JSON `true` or `false` as parsed by `JSONSerialization` (an `NSNumber` of type char), not 0 or 1.
private func jsonBoolean(_ value: Any) -> Bool? {
    guard let number = value as? NSNumber, String(cString: number.objCType) == "c" else { return nil }
    return number.boolValue
}
