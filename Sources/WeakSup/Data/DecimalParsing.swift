import Foundation

/// Number parsing straight from bytes, for loaders that read millions of cells.
///
/// `parseDouble` is exact — the same Double as `Double(String)` — because it only answers where
/// the answer is provably the correctly rounded value: up to 19 significant digits and a decimal
/// exponent within ±22, where `mantissa · 10^e` (or `/ 10^-e`) is one correctly rounded IEEE
/// operation on exact operands (Clinger's fast path; it covers `%.9g`, shortest round-trip and
/// fixed-point output). Anything else (more digits, huge exponents, `inf`, hex, stray bytes) goes
/// to the standard parser, so the result never differs from it.
enum DecimalParsing {
    private static let exactPowersOfTen: [Double] = (0...22).map { Double("1e\($0)")! }

    /// The number spelled by `bytes[start..<end]` (no surrounding whitespace), as `Double(String)` reads it.
    static func parseDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        if let value = fastDouble(bytes, start, end) { return value }
        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }

    /// Clinger's fast path, or nil when it does not apply.
    @inline(__always)
    private static func fastDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        var mantissa: UInt64 = 0
        var significantDigits = 0
        var digits = 0
        var exponent = 0
        while i < end, case let digit = bytes[i] &- UInt8(ascii: "0"), digit < 10 {
            if mantissa != 0 || digit != 0 {
                guard significantDigits < 19 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                significantDigits += 1
            }
            digits += 1
            i += 1
        }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < end, case let digit = bytes[i] &- UInt8(ascii: "0"), digit < 10 {
                if mantissa != 0 || digit != 0 {
                    guard significantDigits < 19 else { return nil }
                    mantissa = mantissa &* 10 &+ UInt64(digit)
                    significantDigits += 1
                }
                exponent -= 1
                digits += 1
                i += 1
            }
        }
        guard digits > 0 else { return nil }
        if i < end && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            var exponentNegative = false
            if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            var written = 0
            var exponentDigits = 0
            while i < end, case let digit = bytes[i] &- UInt8(ascii: "0"), digit < 10 {
                guard written < 10_000 else { return nil }
                written = written * 10 + Int(digit)
                exponentDigits += 1
                i += 1
            }
            guard exponentDigits > 0 else { return nil }
            exponent += exponentNegative ? -written : written
        }
        guard i == end else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard mantissa <= 1 << 53, (-22...22).contains(exponent) else { return nil }
        let magnitude =
            exponent >= 0
            ? Double(mantissa) * exactPowersOfTen[exponent] : Double(mantissa) / exactPowersOfTen[-exponent]
        return negative ? -magnitude : magnitude
    }

    /// The integer spelled by `bytes[start..<end]`, as `Int(String)` reads it.
    static func parseInt(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        var negative = false
        if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < end, end - i <= 18 else {
            return Int(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
        }
        var value = 0
        while i < end {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
            i += 1
        }
        return negative ? -value : value
    }
}
