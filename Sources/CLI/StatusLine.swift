import Foundation

/// Progress on stderr that a person can watch. On a terminal it is one line that rewrites itself
/// (`\r`, erase line), cut to the terminal's width so it never wraps, with the elapsed time and —
/// when the amount of work is known — the count, rate and ETA. Anywhere else (a log file, a pipe,
/// CI) it writes plain lines: every completed step, and intermediate notes at most every few
/// seconds. Commands turn it on unless `--quiet`; warnings pass through it so they never collide
/// with the status line.
final class StatusLine: @unchecked Sendable {
    static let shared = StatusLine(
        terminal: isatty(STDERR_FILENO) == 1 && ProcessInfo.processInfo.environment["TERM"] != "dumb")

    private let lock = NSLock()
    let terminal: Bool
    /// Off a terminal, notes closer together than this are not written.
    let noteInterval: Duration
    private let write: @Sendable (String) -> Void
    private let now: @Sendable () -> ContinuousClock.Instant
    private let width: @Sendable () -> Int
    private var enabled = false
    private var started: ContinuousClock.Instant
    private var label = ""
    private var total: Int?
    private var completed = 0
    /// The text on the terminal's status line now ("" when there is none).
    private var shown = ""
    private var lastWrite: ContinuousClock.Instant?

    init(
        terminal: Bool, noteInterval: Duration = .seconds(5),
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now },
        width: @escaping @Sendable () -> Int = terminalWidth
    ) {
        self.width = width
        self.terminal = terminal
        self.noteInterval = noteInterval
        self.write = write
        self.now = now
        started = now()
    }

    /// Turns progress on (commands call this unless `--quiet`).
    func enable() { lock.withLock { enabled = true } }

    /// Starts counting a piece of work of `total` steps (nil: unknown), e.g. `compare` runs.
    func begin(_ label: String, total: Int?) {
        lock.withLock {
            self.label = label
            self.total = total
            completed = 0
            started = now()
        }
    }

    /// One step of the current work is done; `message` says what it gave. Always shown.
    func step(_ message: String) {
        lock.withLock {
            guard enabled else { return }
            completed += 1
            show(message, always: true)
        }
    }

    /// What is happening within a step (an epoch, a solver iteration). On a terminal it replaces
    /// the line (at most ten times a second); elsewhere it is written at most every `noteInterval`.
    func note(_ message: String) {
        lock.withLock {
            guard enabled else { return }
            show(message, always: false)
        }
    }

    /// A line that stays (a warning): written above the status line, which is then redrawn.
    func permanent(_ line: String) {
        lock.withLock {
            if terminal && !shown.isEmpty {
                write("\r\u{1B}[K" + line + "\n" + shown)
            } else {
                write(line + "\n")
            }
        }
    }

    /// Ends the status line (the last state stays on screen); called once the command is over.
    func finish() {
        lock.withLock {
            if terminal && !shown.isEmpty { write("\n") }
            shown = ""
        }
    }

    private func show(_ message: String, always: Bool) {
        let time = now()
        if let lastWrite, !always, time - lastWrite < (terminal ? .milliseconds(100) : noteInterval) { return }
        lastWrite = time
        // "compare: weasel seed 0 …" under the label "compare" need not say "compare" twice.
        let text =
            status(at: time) + (message.hasPrefix(label + ": ") ? String(message.dropFirst(label.count + 2)) : message)
        if terminal {
            shown = String(text.prefix(max(width() - 1, 20)))
            write("\r\u{1B}[K" + shown)
        } else {
            write(text + "\n")
        }
    }

    /// `compare 3/24 (12%)  0:41 elapsed  4.4 s/step  ETA 4:47  ` — the parts that are known.
    private func status(at time: ContinuousClock.Instant) -> String {
        let elapsed = seconds(time - started)
        var head = label
        if let total, total > 0 {
            head += (head.isEmpty ? "" : " ") + "\(completed)/\(total) (\(100 * completed / total)%)"
        }
        var parts = head.isEmpty ? [] : [head]
        parts.append("\(clock(elapsed)) elapsed")
        if completed > 0 {
            let perStep = elapsed / Double(completed)
            parts.append(
                perStep >= 1 ? String(format: "%.1f s/step", perStep) : String(format: "%.1f steps/s", 1 / perStep))
            if let total, total > completed { parts.append("ETA \(clock(perStep * Double(total - completed)))") }
        }
        return parts.joined(separator: "  ") + "  "
    }

    private func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        return whole >= 3600
            ? String(format: "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
            : String(format: "%d:%02d", whole / 60, whole % 60)
    }
}

/// Columns of the terminal on stderr (80 when it cannot be asked).
private func terminalWidth() -> Int {
    var size = winsize()
    return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
}
