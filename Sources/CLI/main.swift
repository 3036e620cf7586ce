import Foundation
import Influence

/// The `weasel` command: every subcommand has `--help`; bad input or usage exits with code 1 and
/// one clear line on stderr.

do {
    // Conjugate-gradient iterations show on the progress line of commands that enabled it.
    SolverProgress.observer = { iteration, limit, residual in
        StatusLine.shared.note(String(format: "CG iteration %d (limit %d), residual %.2e", iteration, limit, residual))
    }
    let help = try root.dispatch(Array(CommandLine.arguments.dropFirst()), path: ["weasel"])
    StatusLine.shared.finish()
    if let help { emit(help) }
    try StandardOutput.shared.flush()
} catch {
    StatusLine.shared.finish()
    printError(errorMessage(for: error))
    exit(1)
}
