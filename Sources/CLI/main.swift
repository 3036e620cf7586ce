import Foundation

/// The `weasel` command: every subcommand has `--help`; bad input or usage exits with code 1 and
/// one clear line on stderr.

do {
    if let help = try root.dispatch(Array(CommandLine.arguments.dropFirst()), path: ["weasel"]) {
        print(help)
    }
} catch let error as CLIError {
    FileHandle.standardError.write(Data((error.description + "\n").utf8))
    exit(1)
} catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
