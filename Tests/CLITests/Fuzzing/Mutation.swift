import Autodiff
import Foundation

/// One seeded change to a file's bytes, of the kinds a user's broken file shows: bytes flipped or
/// cut off, lines duplicated, swapped or lost, JSON values replaced by huge, negative, non-finite or
/// wrongly typed ones, keys renamed or deleted, CSV cells, quotes and line endings garbled, a BOM or
/// a NUL byte inserted.
enum Mutation: CaseIterable {
    case flipByte, truncate, duplicateLine, swapLines, deleteLine, replaceJSONValue, renameKey, deleteMember
    case replaceCSVCell, insertQuote, lineEndings, byteOrderMark, insertNUL

    /// The mutations that make sense for a file of this kind.
    static func applicable(json: Bool) -> [Mutation] {
        json
            ? [
                .flipByte, .truncate, .duplicateLine, .swapLines, .deleteLine, .replaceJSONValue, .replaceJSONValue,
                .replaceJSONValue, .renameKey, .deleteMember, .deleteMember, .lineEndings, .byteOrderMark, .insertNUL,
            ]
            : [
                .flipByte, .truncate, .duplicateLine, .swapLines, .deleteLine, .replaceCSVCell, .replaceCSVCell,
                .replaceCSVCell, .insertQuote, .lineEndings, .byteOrderMark, .insertNUL,
            ]
    }

    /// Values a JSON scalar is replaced with: out of range, negative, non-finite (not JSON), the
    /// wrong type, numbers Python's json refuses, and harmless ones.
    static let jsonValues = [
        "1e999", "-1e999", "-1", "-2", "3", "1e38", "4e38", "99999999999999999999", "NaN", "Infinity", "\"x\"", "null",
        "[]", "{}", "true", "+1", "01", "1.", ".5", "0.5", "-0", "\"\"", "[1, 2]", "1e-400",
    ]

    /// Values a CSV cell is replaced with.
    static let csvCells = [
        "", "x", "1e999", "nan", "inf", "-2", "5\u{0}0", "\"", "\"a,b\"", " 7 ", "1,2", "0x1p3", "1e38", "4e38", "-1",
        "3", "\u{FEFF}1", "1\r2",
    ]

    func apply(to bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        var bytes = bytes
        // A quarter of the changes hit the first 512 bytes: the first record decides a split's
        // shape, the header a CSV's, so damage there finds what damage anywhere else does not.
        func position() -> Int {
            generator.nextInt(below: generator.nextInt(below: 4) == 0 ? min(bytes.count, 512) : bytes.count)
        }
        switch self {
        case .flipByte:
            bytes[position()] ^= UInt8(1 << generator.nextInt(below: 8))
        case .truncate:
            bytes.removeSubrange(position()...)
        case .duplicateLine, .swapLines, .deleteLine:
            var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            let a = generator.nextInt(below: lines.count)
            let b = generator.nextInt(below: lines.count)
            switch self {
            case .duplicateLine: lines.insert(lines[a], at: a)
            case .swapLines: lines.swapAt(a, b)
            default: lines.remove(at: a)
            }
            bytes = Array(lines.joined(separator: [0x0A]))
        case .replaceJSONValue:
            guard let (start, end) = scalarToken(in: bytes, near: position()) else { return bytes }
            let value = Self.jsonValues[generator.nextInt(below: Self.jsonValues.count)]
            bytes.replaceSubrange(start..<end, with: Array(value.utf8))
        case .renameKey:
            guard let (start, end) = key(in: bytes, near: position()), end - start > 2 else { return bytes }
            let k = start + 1 + generator.nextInt(below: end - start - 2)
            bytes[k] = bytes[k] == UInt8(ascii: "v") ? UInt8(ascii: "w") : UInt8(ascii: "v")
        case .deleteMember:
            // `"key": scalar` and the comma after it (or before it, at the end of an object).
            guard let (start, end) = key(in: bytes, near: position()),
                let colon = bytes[end...].firstIndex(where: { $0 != 0x20 }), bytes[colon] == UInt8(ascii: ":"),
                let (_, valueEnd) = scalarToken(in: bytes, near: colon + 1)
            else { return bytes }
            var (from, to) = (start, valueEnd)
            if to < bytes.count, bytes[to] == UInt8(ascii: ",") {
                to += 1
            } else if let comma = bytes[..<from].lastIndex(where: { $0 != 0x20 && $0 != 0x0A }),
                bytes[comma] == UInt8(ascii: ",")
            {
                from = comma
            }
            bytes.removeSubrange(from..<to)
        case .replaceCSVCell:
            let at = position()
            let start = (bytes[..<at].lastIndex { $0 == UInt8(ascii: ",") || $0 == 0x0A }).map { $0 + 1 } ?? 0
            let end = bytes[at...].firstIndex { $0 == UInt8(ascii: ",") || $0 == 0x0A || $0 == 0x0D } ?? bytes.count
            let value = Self.csvCells[generator.nextInt(below: Self.csvCells.count)]
            bytes.replaceSubrange(start..<max(start, end), with: Array(value.utf8))
        case .insertQuote:
            bytes.insert(UInt8(ascii: "\""), at: position())
        case .lineEndings:
            let ending: [UInt8] = [[0x0D, 0x0A], [0x0D], [0x0A, 0x0A]][generator.nextInt(below: 3)]
            let everywhere = generator.nextInt(below: 2) == 0
            var result: [UInt8] = []
            for byte in bytes {
                if byte == 0x0A && (everywhere || generator.nextInt(below: 4) == 0) {
                    result += ending
                } else {
                    result.append(byte)
                }
            }
            bytes = result
        case .byteOrderMark:
            bytes.insert(contentsOf: [0xEF, 0xBB, 0xBF], at: generator.nextInt(below: 4) == 0 ? position() : 0)
        case .insertNUL:
            bytes.insert(0, at: position())
        }
        return bytes
    }
}

/// The JSON scalar (number, string, literal) that starts at or after `offset`, as a byte range.
private func scalarToken(in bytes: [UInt8], near offset: Int) -> (Int, Int)? {
    var i = offset
    while i < bytes.count {
        let byte = bytes[i]
        if byte == UInt8(ascii: "\"") {
            var end = i + 1
            while end < bytes.count && bytes[end] != UInt8(ascii: "\"") { end += bytes[end] == 0x5C ? 2 : 1 }
            return end < bytes.count ? (i, end + 1) : nil
        }
        if byte == UInt8(ascii: "-") || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "t")
            || byte == UInt8(ascii: "f") || byte == UInt8(ascii: "n")
        {
            var end = i
            while end < bytes.count, !",]} \n\r:".utf8.contains(bytes[end]) { end += 1 }
            return (i, end)
        }
        i += 1
    }
    return nil
}

/// The quoted key (`"name"` followed by `:`) at or after `offset`, as the range of its quotes.
private func key(in bytes: [UInt8], near offset: Int) -> (Int, Int)? {
    var i = offset
    while let open = bytes[i...].firstIndex(of: UInt8(ascii: "\"")) {
        guard let close = bytes[(open + 1)...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        if let next = bytes[(close + 1)...].firstIndex(where: { $0 != 0x20 }), bytes[next] == UInt8(ascii: ":") {
            return (open, close + 1)
        }
        i = close + 1
        guard i < bytes.count else { return nil }
    }
    return nil
}
