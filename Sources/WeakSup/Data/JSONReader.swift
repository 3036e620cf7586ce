import Foundation

/// A pull parser over JSON bytes (typically a memory-mapped file), so large WRENCH files stream
/// into flat arrays without building an object tree — one copy of the data, not two.
/// Errors carry the line number; callers add the file, record and field. A UTF-8 byte-order mark
/// at the start is skipped; strings must be valid UTF-8; nesting deeper than `maximumDepth` is an
/// error (not a stack overflow).
struct JSONReader {
    /// Arrays and objects nested deeper than this are refused (WRENCH records nest three deep).
    static let maximumDepth = 128

    struct SyntaxError: Error {
        let line: Int
        let message: String
    }

    private let bytes: UnsafeRawBufferPointer
    /// Where the JSON text starts: after a byte-order mark, if there is one.
    private let textStart: Int
    private(set) var position = 0
    private var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        textStart = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        position = textStart
    }

    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maximumDepth else { throw error("nested deeper than \(Self.maximumDepth) levels") }
    }

    var line: Int { 1 + bytes[..<position].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }

    func error(_ message: String) -> SyntaxError { SyntaxError(line: line, message: message) }

    /// JSON's whitespace: space, line feed, carriage return, tab.
    @inline(__always)
    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    mutating func skipWhitespace() {
        while position < bytes.count && Self.isWhitespace(bytes[position]) { position += 1 }
    }

    mutating func peek() -> UInt8? {
        skipWhitespace()
        return position < bytes.count ? bytes[position] : nil
    }

    var isAtEnd: Bool { mutating get { peek() == nil } }

    mutating func expect(_ byte: UInt8) throws {
        guard peek() == byte else {
            throw error(
                position < bytes.count
                    ? "expected '\(Character(UnicodeScalar(byte)))'" : "unexpected end of file (truncated JSON?)")
        }
        position += 1
    }

    /// Iterates the members of an object, calling `body` with each key; `body` must consume the value.
    mutating func readObject(_ body: (inout JSONReader, String) throws -> Void) throws {
        _ = try readObject(stoppingAfterCommaAt: nil, body)
    }

    /// `readObject`, except that it returns true as soon as a `,` between two of the object's members
    /// ends at `stop` (the next member starts there: where another reader took over); false when the
    /// object ended before.
    mutating func readObject(stoppingAfterCommaAt stop: Int?, _ body: (inout JSONReader, String) throws -> Void)
        throws -> Bool
    {
        try expect(UInt8(ascii: "{"))
        try enter()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "}") {
            position += 1
            return false
        }
        return try readMembers(stoppingAfterCommaAt: stop, body)
    }

    /// The members of an object whose `{` and earlier members another reader consumed, from the
    /// key at the current position to the closing `}`.
    mutating func readRemainingMembers(_ body: (inout JSONReader, String) throws -> Void) throws {
        try enter()
        defer { depth -= 1 }
        _ = try readMembers(stoppingAfterCommaAt: nil, body)
    }

    private mutating func readMembers(
        stoppingAfterCommaAt stop: Int?, _ body: (inout JSONReader, String) throws -> Void
    ) throws -> Bool {
        while true {
            let key = try readString()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            guard let next = peek() else { throw error("unexpected end of file (truncated JSON?)") }
            position += 1
            if next == UInt8(ascii: "}") { return false }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or '}'") }
            if position == stop { return true }
        }
    }

    /// Where a member of a top-level object of records probably starts, searching forward from
    /// `offset`: just after a `,` that follows a `}` and precedes `"key": {` (whitespace allowed).
    /// A guess — the same bytes can occur inside a record (a nested object, or strings such as
    /// `["a}, ", ": {"]`) — that the reader which parsed up to it confirms.
    func recordBoundary(after offset: Int) -> Int? {
        var brace = offset
        while brace < bytes.count {
            if bytes[brace] == UInt8(ascii: "}"), let start = memberStart(afterBrace: brace) { return start }
            brace += 1
        }
        return nil
    }

    /// Just after the `,` of `}, "key": {` when those bytes follow the brace at `brace`, else nil.
    private func memberStart(afterBrace brace: Int) -> Int? {
        func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }
        func skippingSpace(_ i: Int) -> Int {
            var i = i
            while let b = byte(i), Self.isWhitespace(b) { i += 1 }
            return i
        }
        var i = skippingSpace(brace + 1)
        guard byte(i) == UInt8(ascii: ",") else { return nil }
        let start = i + 1
        i = skippingSpace(start)
        guard byte(i) == UInt8(ascii: "\"") else { return nil }
        i += 1
        while let b = byte(i), b != UInt8(ascii: "\""), b != UInt8(ascii: "\\"), b >= 0x20 { i += 1 }  // a plain key
        guard byte(i) == UInt8(ascii: "\"") else { return nil }
        i = skippingSpace(i + 1)
        guard byte(i) == UInt8(ascii: ":") else { return nil }
        return byte(skippingSpace(i + 1)) == UInt8(ascii: "{") ? start : nil
    }

    /// A reader over the same bytes, starting at `offset` (never inside a byte-order mark).
    func reader(at offset: Int) -> JSONReader {
        var other = self
        other.position = max(offset, textStart)
        other.depth = 0
        return other
    }

    /// Iterates the elements of an array; `body` must consume each element.
    mutating func readArray(_ body: (inout JSONReader) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        try enter()
        defer { depth -= 1 }
        if peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try body(&self)
            guard let next = peek() else { throw error("unexpected end of file (truncated JSON?)") }
            position += 1
            if next == UInt8(ascii: "]") { return }
            guard next == UInt8(ascii: ",") else { throw error("expected ',' or ']'") }
        }
    }

    mutating func readString() throws -> String {
        try expect(UInt8(ascii: "\""))
        // Most strings (keys, ids) have no escapes: one validated copy of their bytes.
        var end = position
        var highBits: UInt8 = 0
        var lowest: UInt8 = 0xFF
        while end < bytes.count && bytes[end] != UInt8(ascii: "\"") && bytes[end] != UInt8(ascii: "\\") {
            highBits |= bytes[end]
            lowest = min(lowest, bytes[end])
            end += 1
        }
        // JSON strings hold control characters only escaped (Python's json refuses them raw too).
        guard lowest >= 0x20 else {
            position = bytes[position..<end].firstIndex { $0 < 0x20 }!
            throw controlCharacterError(bytes[position])
        }
        if end < bytes.count && bytes[end] == UInt8(ascii: "\"") {
            let run = UnsafeRawBufferPointer(rebasing: bytes[position..<end])
            // ASCII is valid UTF-8 as it is; validating is for the rest (the generic validator
            // looked up type metadata on every call: a tenth of a WRENCH load).
            let text: String
            if highBits < 0x80 {
                text = String(decoding: run, as: UTF8.self)
            } else {
                guard let valid = String(validating: run.bindMemory(to: UInt8.self), as: UTF8.self) else {
                    throw error("a string is not valid UTF-8")
                }
                text = valid
            }
            position = end + 1
            return text
        }
        var scalars = String.UnicodeScalarView()
        var start = position
        var buffer: [UInt8] = []
        while true {
            guard position < bytes.count else { throw error("unterminated string (truncated JSON?)") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                buffer.append(contentsOf: bytes[start..<position])
                position += 1
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw error("a string is not valid UTF-8")
                }
                scalars.append(contentsOf: text.unicodeScalars)
                return String(scalars)
            }
            if byte == UInt8(ascii: "\\") {
                buffer.append(contentsOf: bytes[start..<position])
                position += 1
                guard position < bytes.count else { throw error("unterminated escape") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try readHex4()
                    if (0xD800..<0xDC00).contains(code), position + 1 < bytes.count,
                        bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try readHex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    buffer.append(contentsOf: Array(String(UnicodeScalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                default: throw error("invalid escape '\\\(Character(UnicodeScalar(escape)))'")
                }
                start = position
                continue
            }
            guard byte >= 0x20 else { throw controlCharacterError(byte) }
            position += 1
        }
    }

    /// A raw control character inside a string, at `position`: JSON escapes them (Python's json
    /// refuses them too); a line break there usually means the string was never closed.
    private func controlCharacterError(_ byte: UInt8) -> SyntaxError {
        error(
            byte == 0x0A || byte == 0x0D
                ? "a string runs past the end of its line (a missing closing quote?)"
                : "a string holds a raw control character (byte \(byte)); JSON writes it escaped")
    }

    private mutating func readHex4() throws -> UInt32 {
        guard position + 4 <= bytes.count,
            let value = UInt32(String(decoding: bytes[position..<position + 4], as: UTF8.self), radix: 16)
        else {
            throw error("invalid \\u escape")
        }
        position += 4
        return value
    }

    /// Whether `byte` can be part of a JSON number's spelling (as this reader delimits numbers).
    @inline(__always)
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default: return false
        }
    }

    /// Whether `bytes[start..<end]`, a run that the decimal scanner read as a number, is spelled as
    /// JSON allows (RFC 8259): no `+` sign, no leading zero before a digit, digits on both sides of
    /// a point. Python's `json` refuses `+1`, `01`, `1.` and `.5`, so a file holding them is not the
    /// JSON other tools read, and we refuse it too.
    @inline(__always)
    private func isJSONNumberSpelling(_ start: Int, _ end: Int) -> Bool {
        var i = start
        if i < end && bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end, bytes[i] &- UInt8(ascii: "0") < 10 else { return false }
        if bytes[i] == UInt8(ascii: "0") && i + 1 < end && bytes[i + 1] &- UInt8(ascii: "0") < 10 { return false }
        while i < end && bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            guard i + 1 < end, bytes[i + 1] &- UInt8(ascii: "0") < 10 else { return false }
        }
        return true
    }

    private func notJSONNumber(_ start: Int, _ end: Int) -> SyntaxError {
        error(
            "'\(String(decoding: bytes[start..<end], as: UTF8.self))' is not a JSON number "
                + "(JSON has no '+' sign, no leading zeros, and digits on both sides of a '.')")
    }

    mutating func readNumber() throws -> Double {
        skipWhitespace()
        // The exact fast path, when the number it reads is the whole run of number bytes.
        if let (value, stop) = DecimalParsing.scanDouble(bytes, position, bytes.count),
            stop == bytes.count || !Self.isNumberByte(bytes[stop])
        {
            guard isJSONNumberSpelling(position, stop) else { throw notJSONNumber(position, stop) }
            position = stop
            return value
        }
        let start = position
        numberBytes: while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "e"), UInt8(ascii: "E"):
                position += 1
            default: break numberBytes
            }
        }
        guard position > start else {
            if position < bytes.count, bytes[position] == UInt8(ascii: "N") || bytes[position] == UInt8(ascii: "I") {
                throw error("non-finite number (NaN/Infinity)")
            }
            throw error(position < bytes.count ? "expected a number" : "unexpected end of file (truncated JSON?)")
        }
        guard isJSONNumberSpelling(start, position) else { throw notJSONNumber(start, position) }
        guard let value = DecimalParsing.parseDouble(bytes, start, position) else {
            throw error("malformed number '\(String(decoding: bytes[start..<position], as: UTF8.self))'")
        }
        return value
    }

    /// An integer, or nil for JSON `null`.
    mutating func readOptionalInt() throws -> Int? {
        skipWhitespace()
        if let (value, stop) = DecimalParsing.scanInt(bytes, position, bytes.count),
            stop == bytes.count || !Self.isNumberByte(bytes[stop]), isJSONNumberSpelling(position, stop)
        {
            position = stop
            return value
        }
        if try readNull() { return nil }
        let value = try readNumber()
        guard value == value.rounded(), abs(value) < 1e15 else { throw error("expected an integer, got \(value)") }
        return Int(value)
    }

    mutating func readNull() throws -> Bool {
        guard peek() == UInt8(ascii: "n") else { return false }
        guard position + 4 <= bytes.count, String(decoding: bytes[position..<position + 4], as: UTF8.self) == "null"
        else {
            throw error("invalid literal")
        }
        position += 4
        return true
    }

    /// Skips any value.
    mutating func skipValue() throws {
        switch peek() {
        case UInt8(ascii: "{"): try readObject { reader, _ in try reader.skipValue() }
        case UInt8(ascii: "["): try readArray { try $0.skipValue() }
        case UInt8(ascii: "\""): _ = try readString()
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            while position < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[position]) {
                position += 1
            }
        case nil: throw error("unexpected end of file (truncated JSON?)")
        default: _ = try readNumber()
        }
    }
}
