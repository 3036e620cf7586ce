/// The command-line parser: hand-written, in one place (no third-party packages).
///
/// Options are `--name value`, `--name=value` or boolean `--flag`. Unknown options, missing
/// values and malformed numbers are usage errors naming the option.

/// One option a command accepts; `valueName == nil` makes it a boolean flag.
struct OptionSpec: Sendable {
    let name: String
    let valueName: String?
    let help: String
    var defaultValue: String? = nil

    static func flag(_ name: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, help: help)
    }
    static func value(_ name: String, _ valueName: String, _ help: String, default defaultValue: String? = nil) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, help: help, defaultValue: defaultValue)
    }
}

/// Errors that end the CLI with exit code 1 and one line on stderr.
enum CLIError: Error, CustomStringConvertible, Equatable {
    case usage(String)
    case input(String)

    var description: String {
        switch self {
        case .usage(let message): return "usage error: \(message)"
        case .input(let message): return "error: \(message)"
        }
    }
}

/// Parsed options of one command.
struct ParsedArguments: Equatable {
    var values: [String: String] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var helpRequested = false

    func string(_ name: String) -> String? { values[name] }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func int(_ name: String, default fallback: Int) throws -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text) else { throw CLIError.usage("--\(name) expects an integer, got '\(text)'") }
        return value
    }

    func double(_ name: String, default fallback: Double) throws -> Double {
        guard let text = values[name] else { return fallback }
        guard let value = Double(text), value.isFinite else { throw CLIError.usage("--\(name) expects a number, got '\(text)'") }
        return value
    }

    /// A value that must be one of `choices`.
    func choice(_ name: String, _ choices: [String], default fallback: String) throws -> String {
        let value = values[name] ?? fallback
        guard choices.contains(value) else {
            throw CLIError.usage("--\(name) must be one of \(choices.joined(separator: ", ")), got '\(value)'")
        }
        return value
    }
}

/// Parses `arguments` against `options`; `maxPositionals` bounds the bare words accepted.
func parseArguments(_ arguments: [String], options: [OptionSpec], maxPositionals: Int = 0) throws -> ParsedArguments {
    var result = ParsedArguments()
    let byName = Dictionary(uniqueKeysWithValues: options.map { ($0.name, $0) })
    var index = 0
    while index < arguments.count {
        let argument = arguments[index]
        index += 1
        if argument == "--help" || argument == "-h" { result.helpRequested = true; continue }
        guard argument.hasPrefix("--") else {
            guard result.positionals.count < maxPositionals else { throw CLIError.usage("unexpected argument '\(argument)'") }
            result.positionals.append(argument)
            continue
        }
        var name = String(argument.dropFirst(2)), inlineValue: String?
        if let equals = name.firstIndex(of: "=") {
            inlineValue = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        }
        guard let spec = byName[name] else { throw CLIError.usage("unknown option '--\(name)'") }
        if spec.valueName == nil {
            guard inlineValue == nil else { throw CLIError.usage("--\(name) is a flag and takes no value") }
            result.flags.insert(name)
        } else if let inlineValue {
            result.values[name] = inlineValue
        } else {
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw CLIError.usage("--\(name) needs a value (\(spec.valueName!))")
            }
            result.values[name] = arguments[index]
            index += 1
        }
    }
    for spec in options where spec.valueName != nil && result.values[spec.name] == nil {
        if let value = spec.defaultValue { result.values[spec.name] = value }
    }
    return result
}
