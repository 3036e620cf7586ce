/// A node of the `weasel` command tree: runs something, groups subcommands, or both (a command
/// with subcommands may also run by itself, as `weasel influence` runs `influence scores`).
struct Command: Sendable {
    /// The widest option label (`--name PLACEHOLDER`) that shares its line with the help text.
    static let helpLabelWidth = 32

    let name: String
    let summary: String
    var options: [OptionSpec] = []
    var subcommands: [Command] = []
    var run: (@Sendable (ParsedArguments) throws -> Void)? = nil

    /// The help text, which is the command's documentation.
    func help(path: [String]) -> String {
        let fullName = path.joined(separator: " ")
        var lines = ["\(fullName) — \(summary)", ""]
        let optionsText = options.isEmpty ? "" : " [options]"
        if subcommands.isEmpty {
            lines.append("usage: \(fullName)\(optionsText)")
        } else {
            lines.append("usage: \(fullName) <subcommand> [options]")
            if run != nil { lines.append("       \(fullName)\(optionsText)") }
            lines += ["", "subcommands:"]
            let width = subcommands.map(\.name.count).max() ?? 0
            for sub in subcommands {
                lines.append("  " + sub.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + sub.summary)
            }
        }
        if !options.isEmpty {
            lines += ["", "options:"]
            let labels = options.map { "--\($0.name)" + ($0.placeholder.map { " \($0)" } ?? "") }
            // As argparse does: help starts in one column, and a label too long for it (a choice
            // option listing its values) gets a line of its own, so it does not push every help right.
            let width = min(labels.map(\.count).max() ?? 0, Self.helpLabelWidth)
            for (label, spec) in zip(labels, options) {
                let help = spec.help + (spec.defaultValue.map { " (default: \($0))" } ?? "")
                if label.count > width {
                    lines += ["  " + label, String(repeating: " ", count: width + 4) + help]
                } else {
                    lines.append("  " + label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + help)
                }
            }
        }
        lines += ["", "Run '\(fullName)\(subcommands.isEmpty ? "" : " <subcommand>") --help' for details."]
        return lines.joined(separator: "\n")
    }

    /// Finds the subcommand named by the leading words of `arguments` and runs it.
    /// - Returns: the text to print when help was requested, otherwise nil.
    func dispatch(_ arguments: [String], path: [String]) throws -> String? {
        if let first = arguments.first, !first.hasPrefix("-"), !subcommands.isEmpty {
            guard let sub = subcommands.first(where: { $0.name == first }) else {
                throw CLIError.usage("unknown subcommand '\(first)' for '\(path.joined(separator: " "))'")
            }
            return try sub.dispatch(Array(arguments.dropFirst()), path: path + [first])
        }
        let parsed = try parseArguments(arguments, options: options)
        guard let run, !parsed.helpRequested else {
            if !parsed.helpRequested && !arguments.isEmpty {
                throw CLIError.usage("'\(path.joined(separator: " "))' needs a subcommand")
            }
            return help(path: path)
        }
        try run(parsed)
        return nil
    }
}
