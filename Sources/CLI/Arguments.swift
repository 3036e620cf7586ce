/// The command-line parser: hand-written, in one place (no third-party packages).
///
/// Options are `--name value`, `--name=value` or boolean `--flag`. Unknown options, missing
/// values and malformed values are usage errors naming the option. Values are read typed
/// (`arguments.value("method", as: InfluenceMethod.self)`): an enum's choices are its `allCases`,
/// which the help text lists.

/// One option a command accepts; `placeholder == nil` makes it a boolean flag.
struct OptionSpec: Sendable {
    let name: String
    let placeholder: String?
    let help: String
    /// Shown in the help text and used when the option is absent.
    var defaultValue: String? = nil

    /// A boolean flag.
    static func flag(_ name: String, help: String) -> OptionSpec {
        OptionSpec(name: name, placeholder: nil, help: help)
    }

    /// An option with a value.
    static func value(_ name: String, placeholder: String, help: String, default defaultValue: String? = nil)
        -> OptionSpec
    {
        OptionSpec(name: name, placeholder: placeholder, help: help, defaultValue: defaultValue)
    }

    /// An option whose value is one of an enum's cases; the help lists them all.
    static func choice<T: ArgumentValue & CaseIterable>(
        _ name: String, of type: T.Type, help: String, default defaultValue: T? = nil
    )
        -> OptionSpec
    {
        OptionSpec(
            name: name, placeholder: type.allCases.map(\.argument).joined(separator: "|"), help: help,
            defaultValue: defaultValue?.argument)
    }

    /// A comma-separated list of an enum's cases.
    static func choices<T: ArgumentValue & CaseIterable>(_ name: String, of type: T.Type, help: String) -> OptionSpec {
        OptionSpec(
            name: name, placeholder: "LIST",
            help: "\(help); from \(type.allCases.map(\.argument).joined(separator: ","))")
    }
}

/// Errors that end the CLI with exit code 1 and one line on stderr.
enum CLIError: Error, CustomStringConvertible, Equatable {
    case usage(String)
    case input(String)
    /// The results could not be written (standard output refused them, or one was not finite).
    case output(String)
    /// A step the command ran (e.g. a benchmark's child process) failed.
    case failure(String)

    var description: String {
        switch self {
        case .usage(let message): return "usage error: \(message)"
        case .input(let message), .output(let message), .failure(let message): return "error: \(message)"
        }
    }
}

/// Parsed options of one command.
struct ParsedArguments: Equatable {
    /// Every option's value: as given, or its default.
    var values: [String: String] = [:]
    /// The options given on the command line (not filled in from a default).
    var given: Set<String> = []
    var flags: Set<String> = []
    var positionals: [String] = []
    var helpRequested = false

    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Whether the user gave the option (a default does not count): what a choice the user made
    /// must not be searched over.
    func isGiven(_ name: String) -> Bool { given.contains(name) }

    /// The option's value (or its default) as `T`, or nil when the option is absent and has no
    /// default. `valid` narrows the accepted values; `expected` says what they are.
    func value<T: ArgumentValue>(
        _ name: String, as type: T.Type, where valid: (T) -> Bool = { _ in true },
        expected: String? = nil
    ) throws -> T? {
        guard let text = values[name] else { return nil }
        guard let value = T(argument: text), valid(value) else {
            throw CLIError.usage("--\(name) expects \(expected ?? T.expectation), got '\(text)'")
        }
        return value
    }

    /// As `value(_:as:)`, for an option the command cannot run without.
    func required<T: ArgumentValue>(
        _ name: String, as type: T.Type, where valid: (T) -> Bool = { _ in true },
        expected: String? = nil
    ) throws -> T {
        guard let value = try value(name, as: type, where: valid, expected: expected) else {
            throw CLIError.usage("--\(name) is required")
        }
        return value
    }

    /// A comma-separated list, each element read as `T`; nil when the option is absent.
    func list<T: ArgumentValue>(
        _ name: String, of type: T.Type, where valid: (T) -> Bool = { _ in true },
        expected: String? = nil
    ) throws -> [T]? {
        guard let text = values[name] else { return nil }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !items.isEmpty, !text.isEmpty else {
            throw CLIError.usage("--\(name) expects a comma-separated list, got '\(text)'")
        }
        return try items.map { item in
            guard let value = T(argument: item), valid(value) else {
                throw CLIError.usage(
                    "--\(name) expects a list of \(expected ?? T.expectation), got '\(item)' in '\(text)'")
            }
            return value
        }
    }

    /// A comma-separated list of choices (an enum's cases): as `list(_:of:)`, and naming a choice
    /// twice is a usage error — it would run the same method, preset or step twice (and a table
    /// would show it tied with itself).
    func list<T: ArgumentValue & CaseIterable & Equatable>(_ name: String, of type: T.Type) throws -> [T]? {
        guard let values = try list(name, of: type, where: { _ in true }) else { return nil }
        for (k, value) in values.enumerated() where values[..<k].contains(value) {
            throw CLIError.usage("--\(name) names '\(value.argument)' twice; give each choice once")
        }
        return values
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
        if argument == "--help" || argument == "-h" {
            result.helpRequested = true
            continue
        }
        guard argument.hasPrefix("--") else {
            guard result.positionals.count < maxPositionals else {
                throw CLIError.usage("unexpected argument '\(argument)'")
            }
            result.positionals.append(argument)
            continue
        }
        var name = String(argument.dropFirst(2))
        var inlineValue: String?
        if let equals = name.firstIndex(of: "=") {
            inlineValue = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        }
        guard let spec = byName[name] else { throw CLIError.usage("unknown option '--\(name)'") }
        // A second value would silently replace the first (e.g. two `--models`): say so instead.
        if spec.placeholder != nil, result.values[name] != nil {
            throw CLIError.usage("--\(name) is given twice; give it once (lists are comma-separated)")
        }
        result.given.insert(name)
        if spec.placeholder == nil {
            guard inlineValue == nil else { throw CLIError.usage("--\(name) is a flag and takes no value") }
            result.flags.insert(name)
        } else if let inlineValue {
            result.values[name] = inlineValue
        } else {
            guard index < arguments.count, !arguments[index].hasPrefix("--") else {
                throw CLIError.usage("--\(name) needs a value (\(spec.placeholder!))")
            }
            result.values[name] = arguments[index]
            index += 1
        }
    }
    for spec in options where spec.placeholder != nil && result.values[spec.name] == nil {
        if let value = spec.defaultValue { result.values[spec.name] = value }
    }
    return result
}
