import Foundation
import WeakSup

/// Where command results go: standard output, or a buffer in tests (task-local, so parallel tests
/// each see their own).
enum Output {
    @TaskLocal static var write: @Sendable (String) -> Void = { Swift.print($0) }
}

/// Writes one result line (or block of lines) to the command's output.
func emit(_ text: String) { Output.write(text) }

/// Writes one line to stderr (progress and diagnostics; stdout is for results).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Serializes a JSON-compatible value with sorted keys, as one line.
func jsonString(_ value: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}

/// `mean ± std` with three decimals, as the comparison tables print it.
func formatted(_ summary: MeanAndDeviation) -> String {
    String(format: "%.3f ± %.3f", summary.mean, summary.standardDeviation)
}

/// A score in the tables' scientific format.
func formattedScore(_ score: Double) -> String { String(format: "%.3e", score) }

/// `id,p0,p1,…` rows of class probabilities `[n, C]`, one per id, with a header.
func probabilityCSV(ids: [String], probabilities: Tensor) -> String {
    let c = probabilities.shape[1]
    let p = probabilities.scalars
    var text = "id," + (0..<c).map { "p\($0)" }.joined(separator: ",") + "\n"
    for (i, id) in ids.enumerated() {
        text += id + "," + (0..<c).map { String(p[i * c + $0]) }.joined(separator: ",") + "\n"
    }
    return text
}

/// "1 seed" / "3 seeds".
func seedsText(_ count: Int) -> String { "\(count) seed\(count == 1 ? "" : "s")" }
