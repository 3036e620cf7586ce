import Foundation

/// Writes one line to stderr (progress and diagnostics; stdout is for results).
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Serialises a JSON-compatible value with sorted keys, as one line.
func jsonString(_ value: Any) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    return String(decoding: data, as: UTF8.self)
}
