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
    /// 10^e for 0 ≤ e ≤ 22, exactly (every such power is a Double). Literals, so the table is
    /// built at compile time: no loop per number and no lazy-initialization check per access.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]

    /// The number spelled by `bytes[start..<end]` (no surrounding whitespace), as `Double(String)` reads it.
    /// A NUL byte anywhere makes it no number: `Double(String)` reads through a C string, which
    /// would end at the NUL (`5\00` read as 5).
    static func parseDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Double? {
        if let (value, stop) = scanDouble(bytes, start, end), stop == end { return value }
        guard end > start, memchr(bytes.baseAddress! + start, 0, end - start) == nil else { return nil }
        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }

    /// The decimal number `[+-]digits[.digits][(e|E)[+-]digits]` at `start` and where it ends — nil
    /// when there is none or Clinger's fast path does not apply (then use `parseDouble`).
    @inline(__always)
    static func scanDouble(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> (Double, Int)? {
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
        scanDigits(bytes, &i, end, &mantissa, &significantDigits, &digits, &exponent, fraction: false)
        guard significantDigits <= 19 else { return nil }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i += 1
            scanDigits(bytes, &i, end, &mantissa, &significantDigits, &digits, &exponent, fraction: true)
            guard significantDigits <= 19 else { return nil }
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
        if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
        guard mantissa <= 1 << 53, (-22...22).contains(exponent) else { return nil }
        let magnitude =
            exponent >= 0
            ? Double(mantissa) * exactPowersOfTen[exponent] : Double(mantissa) / exactPowersOfTen[-exponent]
        return (negative ? -magnitude : magnitude, i)
    }

    /// Accumulates a run of digits into `mantissa` (leading zeros are not significant); digits after
    /// the point lower the exponent. More than 19 significant digits leave `significantDigits` at 20.
    @inline(__always)
    private static func scanDigits(
        _ bytes: UnsafeRawBufferPointer, _ i: inout Int, _ end: Int, _ mantissa: inout UInt64,
        _ significantDigits: inout Int, _ digits: inout Int, _ exponent: inout Int, fraction: Bool
    ) {
        // Up to eight digits at once (fast_float's SWAR step, generalized to a run of k ≤ 8 digits:
        // the word is shifted so the run ends it, and the vacated low bytes read as leading zeros).
        while i + 8 <= end && significantDigits <= 11 {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let notDigit =
                ((word & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
                | (((word &+ 0x0606_0606_0606_0606) & 0xF0F0_F0F0_F0F0_F0F0) ^ 0x3030_3030_3030_3030)
            let k = notDigit == 0 ? 8 : notDigit.trailingZeroBitCount >> 3
            guard k > 0 else { return }
            let run = k == 8 ? word : (word << (64 - 8 * k)) | (0x3030_3030_3030_3030 >> (8 * k))
            let value = eightDigitValue(run)
            if mantissa == 0 {
                // The run's digits, low byte first: the first non-zero one starts the significant digits.
                let digitValues = run &- 0x3030_3030_3030_3030
                significantDigits = digitValues == 0 ? 0 : 8 - (digitValues.trailingZeroBitCount >> 3)
                mantissa = value
            } else {
                significantDigits += k
                mantissa = mantissa &* powersOfTenUInt64[k] &+ value
            }
            digits += k
            if fraction { exponent -= k }
            i += k
            if k < 8 { return }
        }
        while true {
            guard i < end, case let digit = bytes[i] &- UInt8(ascii: "0"), digit < 10 else { return }
            if mantissa != 0 || digit != 0 {
                guard significantDigits < 19 else {
                    significantDigits = 20
                    return
                }
                mantissa = mantissa &* 10 &+ UInt64(digit)
                significantDigits += 1
            }
            if fraction { exponent -= 1 }
            digits += 1
            i += 1
        }
    }

    private static let powersOfTenUInt64: [UInt64] = [
        1, 10, 100, 1000, 10000, 100_000, 1_000_000, 10_000_000, 100_000_000,
    ]

    /// The value of eight ASCII digits loaded little-endian (the caller checked they are digits).
    @inline(__always)
    private static func eightDigitValue(_ word: UInt64) -> UInt64 {
        var value = word &- 0x3030_3030_3030_3030
        value = (value &* 10) &+ (value >> 8)  // pairs
        let low = (value & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32))
        let upper = ((value >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32))
        return (low &+ upper) >> 32
    }

    /// The integer spelled by `bytes[start..<end]`, as `Int(String)` reads it.
    static func parseInt(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        if let (value, stop) = scanInt(bytes, start, end), stop == end { return value }
        return Int(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
    }

    /// The integer `[+-]digits` (at most 18 digits) at `start` and where it ends, or nil.
    @inline(__always)
    static func scanInt(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> (Int, Int)? {
        var i = start
        var negative = false
        if i < end && (bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+")) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        let first = i
        var value = 0
        while i < end, case let digit = bytes[i] &- UInt8(ascii: "0"), digit < 10 {
            guard i - first < 18 else { return nil }
            value = value * 10 + Int(digit)
            i += 1
        }
        guard i > first else { return nil }
        return (negative ? -value : value, i)
    }
}
