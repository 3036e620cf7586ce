import Autodiff
import Foundation
import Influence

/// The `weasel` command: every subcommand has `--help`; bad input or usage exits with code 1 and
/// one clear line on stderr.

// The CLI runs independent work concurrently on all cores (tuning candidates, seeds, parts of a
// file); OpenBLAS's own threads would then spin against it (sched_yield): `compare` on a 1024-feature
// set took 41 s with OpenBLAS's default 2 threads and 15 s with 1, the same numbers. So one BLAS
// thread unless the user chose a count.
let environment = ProcessInfo.processInfo.environment
if environment["OPENBLAS_NUM_THREADS"] == nil && environment["OMP_NUM_THREADS"] == nil { BLAS.setThreadCount(1) }

ignoreFileSizeLimitSignal()

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
