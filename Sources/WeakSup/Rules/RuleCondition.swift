import Foundation

/// When a declarative labeling rule fires on a raw row. Conditions read cells by column index;
/// a missing cell (an absent JSON key or `null`) never satisfies a condition.
public indirect enum RuleCondition: Sendable {
    /// Any of the phrases occurs as whole words of the field (case-insensitive; each phrase is a
    /// sequence of `WordTokenizer` words).
    case keywords(column: Int, phrases: [[String]])
    /// The regular expression (ICU syntax, as `NSRegularExpression`) matches somewhere in the field.
    case regex(column: Int, expression: SendableRegex)
    /// The cell, read as a number, lies within the bounds (a cell that is not a number: no).
    case threshold(column: Int, lower: Bound?, upper: Bound?)
    /// The cell equals the text (both trimmed; ignoring case when asked), or — when the rule gave a
    /// number — the number.
    case equals(column: Int, text: String, number: Double?, ignoringCase: Bool)
    /// Every condition holds.
    case all([RuleCondition])
    /// At least one condition holds.
    case any([RuleCondition])
    /// The condition does not hold (a missing cell makes its inner condition false, so `not` true).
    case not(RuleCondition)

    public struct Bound: Sendable {
        public var value: Double
        public var inclusive: Bool
    }

    /// The columns whose words keyword conditions need.
    var keywordColumns: Set<Int> {
        switch self {
        case .keywords(let column, _): return [column]
        case .all(let conditions), .any(let conditions):
            return conditions.reduce(into: []) { $0.formUnion($1.keywordColumns) }
        case .not(let condition): return condition.keywordColumns
        default: return []
        }
    }

    /// The case-sensitive text comparisons inside the condition (`equals` with a string).
    var caseSensitiveEquals: [(column: Int, text: String)] {
        switch self {
        case .equals(let column, let text, nil, false): return [(column, text)]
        case .all(let conditions), .any(let conditions): return conditions.flatMap(\.caseSensitiveEquals)
        case .not(let condition): return condition.caseSensitiveEquals
        default: return []
        }
    }

    /// Whether the condition holds for a row; `words[c]` holds the words of column `c` for every
    /// column in `keywordColumns`.
    func holds(_ row: [String?], words: [Int: [String]]) -> Bool {
        switch self {
        case .keywords(let column, let phrases):
            guard let tokens = words[column], !tokens.isEmpty else { return false }
            return phrases.contains { phrase in Self.contains(tokens, phrase) }
        case .regex(let column, let expression):
            guard let cell = row[column] else { return false }
            return expression.matches(cell)
        case .threshold(let column, let lower, let upper):
            guard let cell = row[column], let value = Double(cell.trimmedCell),
                !value.isNaN
            else { return false }
            if let lower, lower.inclusive ? value < lower.value : value <= lower.value { return false }
            if let upper, upper.inclusive ? value > upper.value : value >= upper.value { return false }
            return true
        case .equals(let column, let text, let number, let ignoringCase):
            guard let cell = row[column]?.trimmedCell else { return false }
            if let number, let value = Double(cell) { return value == number }
            return ignoringCase ? cell.caseInsensitiveCompare(text) == .orderedSame : cell == text
        case .all(let conditions):
            return conditions.allSatisfy { $0.holds(row, words: words) }
        case .any(let conditions):
            return conditions.contains { $0.holds(row, words: words) }
        case .not(let condition):
            return !condition.holds(row, words: words)
        }
    }

    private static func contains(_ tokens: [String], _ phrase: [String]) -> Bool {
        guard let first = phrase.first, tokens.count >= phrase.count else { return false }
        if phrase.count == 1 { return tokens.contains(first) }
        for start in 0...(tokens.count - phrase.count) where tokens[start] == first {
            if zip(tokens[start...], phrase).allSatisfy({ $0 == $1 }) { return true }
        }
        return false
    }
}

/// A compiled regular expression that can be shared between threads (`NSRegularExpression` is
/// immutable and thread-safe, but not marked `Sendable`).
public struct SendableRegex: @unchecked Sendable {
    public let pattern: String
    let expression: NSRegularExpression

    public init(_ pattern: String, ignoringCase: Bool = false) throws {
        self.pattern = pattern
        expression = try NSRegularExpression(pattern: pattern, options: ignoringCase ? [.caseInsensitive] : [])
    }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

extension String {
    /// The text without spaces and tabs around it, as `trimmingCharacters(in: .whitespaces)` gives,
    /// without its cost when there is nothing to trim (the usual cell).
    var trimmedCell: String {
        guard let first = first, let last = last, first.isWhitespace || last.isWhitespace else { return self }
        return trimmingCharacters(in: .whitespaces)
    }
}
