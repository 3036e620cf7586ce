import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What one child process cost: wall-clock seconds, and the peak resident set size the kernel
/// recorded for it (`wait4`'s `ru_maxrss`), with its exit status and what it printed.
struct MeasuredRun {
    var seconds: Double
    var peakRSSBytes: Int
    var exitCode: Int32
    var standardOutput: String
    var standardError: String
}

/// This executable's path (`/proc/self/exe`), so a benchmark can time the real commands as children.
func currentExecutablePath() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

/// Runs `executable arguments…` as a child process with stdout and stderr captured in files under
/// `scratch`, and measures it. The peak RSS is the child's own (not this process's), read from the OS.
func runMeasured(_ executable: String, _ arguments: [String], scratch: URL) throws -> MeasuredRun {
    let outputFile = scratch.appendingPathComponent("child.stdout").path
    let errorFile = scratch.appendingPathComponent("child.stderr").path
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, outputFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, errorFile, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([executable] + arguments).map { strdup($0) }
    defer { argv.forEach { free($0) } }
    let clock = ContinuousClock()
    let start = clock.now
    var pid = pid_t()
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv + [nil], environ)
    guard spawned == 0 else {
        throw CLIError.failure("cannot start \(executable): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 {
        guard errno == EINTR else { throw CLIError.failure("waiting for \(executable) failed (errno \(errno))") }
    }
    let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    // Exited normally: the exit code; killed by a signal: 128 + the signal, as shells report it.
    let signal = status & 0x7F
    return MeasuredRun(
        seconds: seconds(start.duration(to: clock.now)),
        peakRSSBytes: Int(usage.ru_maxrss) * 1024, exitCode: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
        standardOutput: read(outputFile), standardError: read(errorFile))
}

/// This process's resident set size now (`VmRSS` of `/proc/self/status`), in bytes; nil where
/// the file does not exist.
func currentRSSBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
        let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return nil }
    return kilobytes * 1024
}
