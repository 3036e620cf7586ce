import Foundation

/// Where a JSON text first breaks the grammar (RFC 8259), or holds a number no Double can hold.
/// Foundation's parsers only say "not valid JSON"; readers that use them ask for this when they
/// fail, so a message can name the line and the field (`configuration.learningRate`,
/// `rules.3.keywords`).
public struct JSONProblem: Equatable, Sendable, CustomStringConvertible {
    /// 1-based line of the offending byte.
    public let line: Int
    /// Keys and array indices from the top level to the value at fault, joined by '.'; nil at the top level.
    public let field: String?
    public let message: String

    /// "line 3, field 'a.b': message" (the field only when there is one).
    public var description: String {
        "line \(line)" + (field.map { ", field '\($0)'" } ?? "") + ": \(message)"
    }

    /// The first problem of `data` as JSON, or nil if it is a valid JSON text whose numbers are all
    /// finite Doubles. One leading UTF-8 byte-order mark is allowed unless the caller removed it
    /// already (`allowingByteOrderMark: false`: a second one is not JSON).
    public static func first(in data: Data, allowingByteOrderMark: Bool = true) -> JSONProblem? {
        var scan = Scan(bytes: [UInt8](data))
        if allowingByteOrderMark && scan.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { scan.position = 3 }
        do {
            try scan.value(depth: 0)
            scan.skipWhitespace()
            if scan.position < scan.bytes.count {
                scan.path = []
                throw scan.problem("unexpected content after the top-level value")
            }
            return nil
        } catch {
            return error as? JSONProblem
        }
    }
}

extension JSONProblem: Error {}

/// A recursive-descent walk that checks the grammar and keeps the path to the current value.
private struct Scan {
    static let maximumDepth = 512
    let bytes: [UInt8]
    var position = 0
    var path: [String] = []

    func problem(_ message: String) -> JSONProblem {
        let line = 1 + bytes[..<min(position, bytes.count)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return JSONProblem(line: line, field: path.isEmpty ? nil : path.joined(separator: "."), message: message)
    }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    mutating func value(depth: Int) throws {
        guard depth < Self.maximumDepth else { throw problem("nested deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        guard let byte = current else { throw problem("unexpected end of file (truncated JSON?)") }
        switch byte {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw problem("unexpected character '\(printable(byte))' where a value should start")
        }
    }

    mutating func object(depth: Int) throws {
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw problem("expected a key (a string in double quotes)") }
            let key = try string()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw problem("expected ':' after the key '\(key)'") }
            position += 1
            path.append(key)
            try value(depth: depth + 1)
            path.removeLast()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            case nil: throw problem("unexpected end of file (truncated JSON?)")
            default: throw problem("expected ',' or '}'")
            }
        }
    }

    mutating func array(depth: Int) throws {
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return
        }
        var index = 0
        while true {
            path.append(String(index))
            try value(depth: depth + 1)
            path.removeLast()
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return
            case nil: throw problem("unexpected end of file (truncated JSON?)")
            default: throw problem("expected ',' or ']'")
            }
            index += 1
        }
    }

    mutating func string() throws -> String {
        position += 1
        let start = position
        while let byte = current, byte != UInt8(ascii: "\"") {
            if byte < 0x20 { throw problem("a control character (byte \(byte)) inside a string") }
            if byte == UInt8(ascii: "\\") {
                position += 1
                guard let escape = current else { break }
                if escape == UInt8(ascii: "u") {
                    let hex = bytes[(position + 1)..<min(position + 5, bytes.count)]
                    guard hex.count == 4,
                        hex.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
                    else { throw problem("invalid \\u escape") }
                    position += 4
                } else if !Array("\"\\/bfnrt".utf8).contains(escape) {
                    throw problem("invalid escape '\\\(printable(escape))'")
                }
            }
            position += 1
        }
        guard current != nil else { throw problem("unterminated string (truncated JSON?)") }
        position += 1
        guard let text = String(validating: bytes[start..<(position - 1)], as: UTF8.self) else {
            throw problem("a string is not valid UTF-8")
        }
        return text
    }

    mutating func literal(_ word: String) throws {
        let spelling = Array(word.utf8)
        guard bytes[position...].starts(with: spelling) else { throw problem("invalid literal (expected '\(word)')") }
        position += spelling.count
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`, and finite as a Double.
    mutating func number() throws {
        let start = position
        func digits() -> Int {
            let first = position
            while let byte = current, byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { position += 1 }
            return position - first
        }
        if current == UInt8(ascii: "-") { position += 1 }
        let leadingZero = current == UInt8(ascii: "0")
        let integerDigits = digits()
        var valid = integerDigits > 0 && !(leadingZero && integerDigits > 1)
        if current == UInt8(ascii: ".") {
            position += 1
            valid = digits() > 0 && valid
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            valid = digits() > 0 && valid
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard valid else {
            position = start
            throw problem("malformed number '\(text)'")
        }
        guard let value = Double(text), value.isFinite else {
            position = start
            throw problem("the number \(text) is out of range (beyond ±\(Double.greatestFiniteMagnitude))")
        }
    }

    func printable(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "byte \(byte)"
    }
}
