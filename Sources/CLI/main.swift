import Foundation

/// The `weasel` command: every subcommand has `--help`; bad input or usage exits with code 1 and
/// one clear line on stderr.

do {
    if let help = try root.dispatch(Array(CommandLine.arguments.dropFirst()), path: ["weasel"]) {
        emit(help)
    }
    try StandardOutput.shared.flush()
} catch {
    printError(errorMessage(for: error))
    exit(1)
}
