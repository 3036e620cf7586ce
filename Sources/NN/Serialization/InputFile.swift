import Foundation

/// Why an input file could not be read whole or parsed as JSON; domain errors (`DataError`,
/// `RuleError`, `ModelFileError`) carry `problem` under their own names.
public struct InputFileError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Reason: Equatable, Sendable {
        case missing
        case directory
        /// The operating system's reason.
        case unreadable(String)
        /// Where the JSON breaks, when that could be found.
        case invalidJSON(JSONProblem?)
    }

    public let path: String
    public let reason: Reason

    /// What is wrong, as the rest of a sentence that starts with the file's name.
    public var problem: String {
        switch reason {
        case .missing: return "does not exist"
        case .directory: return "is a directory, not a file"
        case .unreadable(let why): return "cannot be read (\(why))"
        case .invalidJSON(let problem): return problem.map { "\($0)" } ?? "is not valid JSON"
        }
    }

    public var description: String { "\(path): \(problem)" }
}

/// Reading small input files whole (model files, rules, `label.json`): one place that refuses a
/// missing file or a directory with a clear reason, drops a UTF-8 byte-order mark, and, when the
/// JSON does not parse, says on which line and in which field (`JSONProblem`).
public enum InputFile {
    /// The bytes of the file at `path`, a leading UTF-8 byte-order mark removed.
    public static func contents(_ path: String) throws(InputFileError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputFileError(path: path, reason: .missing)
        }
        guard !isDirectory.boolValue else { throw InputFileError(path: path, reason: .directory) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputFileError(path: path, reason: .unreadable(String(cString: strerror(errno))))
        }
        return data.starts(with: [0xEF, 0xBB, 0xBF]) ? Data(data.dropFirst(3)) : data
    }

    /// The file's JSON as Foundation objects (`JSONSerialization`), after checking it is JSON as
    /// RFC 8259 and Python's `json` define it: Foundation also takes a trailing comma.
    public static func jsonObject(_ path: String) throws(InputFileError) -> Any {
        let data = try contents(path)
        if let problem = JSONProblem.first(in: data, allowingByteOrderMark: false) {
            throw InputFileError(path: path, reason: .invalidJSON(problem))
        }
        do { return try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw InputFileError(path: path, reason: .invalidJSON(nil))
        }
    }
}
