import Foundation
import WeakSup

/// Where command results go: a buffer that `main` writes to standard output once the command has
/// succeeded (so a command that fails prints no half-finished result), or a test's buffer
/// (task-local, so parallel tests each see their own).
enum Output {
    @TaskLocal static var write: @Sendable (String) -> Void = { StandardOutput.shared.append($0) }
    /// Where diagnostics go (stderr above the progress line; a test may gather or drop them).
    @TaskLocal static var diagnostic: @Sendable (String) -> Void = { StatusLine.shared.permanent($0) }
}

/// Writes one result line (or block of lines) to the command's output.
func emit(_ text: String) { Output.write(text) }

/// Formats a result number with a printf format. A NaN or infinity is never a result: it is
/// recorded, and the command then fails instead of printing it.
func number(_ value: Double, _ format: String) -> String {
    if !value.isFinite { StandardOutput.shared.recordNonFinite() }
    return String(format: format, value)
}

/// The process's standard output: results gathered while a command runs, written at the end.
final class StandardOutput: @unchecked Sendable {
    static let shared = StandardOutput()
    private let lock = NSLock()
    private var text = ""
    private var nonFinite = false

    func append(_ line: String) { lock.withLock { text += line + "\n" } }
    func recordNonFinite() { lock.withLock { nonFinite = true } }

    /// Writes the gathered results to a file descriptor (standard output by default).
    /// - Throws: `CLIError.output` if a result was not finite (nothing is written then) or the
    ///   descriptor refused the bytes (e.g. a full disk, a closed pipe).
    func flush(to descriptor: Int32 = STDOUT_FILENO) throws {
        let (text, nonFinite) = lock.withLock { (self.text, self.nonFinite) }
        guard !nonFinite else {
            throw CLIError.output("a computed result is not a finite number (NaN or infinity); nothing was printed")
        }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBufferPointer {
                write(descriptor, $0.baseAddress! + offset, $0.count - offset)
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw CLIError.output("cannot write to standard output (\(String(cString: strerror(errno))))")
            }
            offset += written
        }
        lock.withLock { self.text = "" }
    }
}

/// Writes one line to stderr (diagnostics; stdout is for results), above any progress line.
func printError(_ message: String) {
    Output.diagnostic(message)
}

/// Serializes a JSON-compatible value with sorted keys, as one line. A NaN or infinite number is
/// an error naming where it is (JSON cannot hold it, and it would be a wrong result).
func jsonString(_ value: Any) throws -> String {
    try checkFinite(value, at: "")
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

private func checkFinite(_ value: Any, at path: String) throws {
    switch value {
    case let number as Double where !number.isFinite:
        throw CLIError.output(
            "the result '\(path.isEmpty ? "(top level)" : path)' is not a finite number (\(number)); nothing was printed"
        )
    case let object as [String: Any]:
        for (key, item) in object { try checkFinite(item, at: path.isEmpty ? key : "\(path).\(key)") }
    case let array as [Any]:
        for (index, item) in array.enumerated() { try checkFinite(item, at: "\(path)[\(index)]") }
    default: return
    }
}

/// `mean ± std` with three decimals, as the comparison tables print it.
func formatted(_ summary: MeanAndDeviation) -> String {
    number(summary.mean, "%.3f") + " ± " + number(summary.standardDeviation, "%.3f")
}

/// `mean ± std` of a metric that may be undefined for some runs (ROC-AUC on a single-class split):
/// `n/a` unless every run has it.
func formatted(_ values: [Double?]) -> String {
    let defined = values.compactMap { $0 }
    return defined.count == values.count ? formatted(MeanAndDeviation(defined)) : "n/a"
}

/// A score in the tables' scientific format.
func formattedScore(_ score: Double) -> String { number(score, "%.3e") }

/// `id,p0,p1,…` rows of class probabilities `[n, C]`, one per id, with a header.
/// A probability that is not finite is an error before anything is written.
func writeProbabilityCSV(ids: [String], probabilities: Tensor, toPath path: String) throws {
    let c = probabilities.shape[1]
    let p = probabilities.scalars
    if let bad = p.firstIndex(where: { !$0.isFinite }) {
        throw CLIError.output(
            "row \(ids[bad / c]), class \(bad % c): the probability is \(p[bad]), not a number; \(path) was not written"
        )
    }
    try writeAtomically(toPath: path) { write in
        var text = "id," + (0..<c).map { "p\($0)" }.joined(separator: ",") + "\n"
        for (i, id) in ids.enumerated() {
            text += csvField(id)
            for k in 0..<c { text += ",\(p[i * c + k])" }
            text += "\n"
            if text.utf8.count >= 1 << 20 {
                try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
                text = ""
            }
        }
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

/// A CSV field per RFC 4180: quoted (with doubled quotes) when it holds a comma, a quote or a line break.
func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// "1 seed" / "3 seeds".
func seedsText(_ count: Int) -> String { "\(count) seed\(count == 1 ? "" : "s")" }
