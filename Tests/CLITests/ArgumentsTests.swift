import Testing
@testable import CLI

@Suite("Command-line parsing")
struct ArgumentsTests {
    let options: [OptionSpec] = [
        .value("seed", "S", "seed", default: "0"),
        .value("dtype", "T", "dtype"),
        .flag("json", "JSON output"),
    ]

    @Test("values, inline values, flags and defaults")
    func parsesOptions() throws {
        let parsed = try parseArguments(["--dtype", "float64", "--json"], options: options)
        #expect(parsed.string("dtype") == "float64")
        #expect(parsed.flag("json"))
        #expect(try parsed.int("seed", default: 9) == 0)  // the spec's default wins over the caller's fallback
        let inline = try parseArguments(["--seed=42"], options: options)
        #expect(try inline.int("seed", default: 0) == 42)
        #expect(!inline.flag("json"))
    }

    @Test("unknown options, missing values and bad numbers are usage errors naming the option")
    func rejectsBadInput() throws {
        #expect(throws: CLIError.usage("unknown option '--bogus'")) { try parseArguments(["--bogus"], options: options) }
        #expect(throws: CLIError.usage("--dtype needs a value (T)")) { try parseArguments(["--dtype"], options: options) }
        #expect(throws: CLIError.usage("--json is a flag and takes no value")) { try parseArguments(["--json=1"], options: options) }
        #expect(throws: CLIError.usage("unexpected argument 'extra'")) { try parseArguments(["extra"], options: options) }
        let parsed = try parseArguments(["--seed", "x1"], options: options)
        #expect(throws: CLIError.usage("--seed expects an integer, got 'x1'")) { try parsed.int("seed", default: 0) }
        let choice = try parseArguments(["--dtype", "half"], options: options)
        #expect(throws: CLIError.usage("--dtype must be one of float32, float64, got 'half'")) {
            try choice.choice("dtype", ["float32", "float64"], default: "float32")
        }
    }

    @Test("subcommands dispatch, --help prints help at every level, unknown subcommands fail")
    func dispatch() throws {
        #expect(try root.dispatch(["bench", "--help"], path: ["weasel"])?.contains("autodiff") == true)
        #expect(try root.dispatch(["bench", "autodiff", "--help"], path: ["weasel"])?.contains("--dtype") == true)
        #expect(try root.dispatch([], path: ["weasel"])?.contains("demo") == true)
        #expect(throws: CLIError.usage("unknown subcommand 'nope' for 'weasel'")) { try root.dispatch(["nope"], path: ["weasel"]) }
        #expect(throws: CLIError.usage("unknown option '--fast'")) { try root.dispatch(["demo", "--fast"], path: ["weasel"]) }
    }
}

@Suite("Command tree")
struct CommandTreeTests {
    @Test("every command has unique option names and help that documents each option")
    func uniqueOptions() throws {
        func visit(_ command: Command, path: [String]) throws {
            let names = command.options.map(\.name)
            #expect(Set(names).count == names.count, "duplicate options in \(path.joined(separator: " ")): \(names)")
            let help = command.help(path: path)
            for name in names { #expect(help.contains("--\(name)"), "\(path.joined(separator: " ")) --help lacks --\(name)") }
            for sub in command.subcommands { try visit(sub, path: path + [sub.name]) }
        }
        try visit(root, path: ["weasel"])
    }
}
