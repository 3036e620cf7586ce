import Foundation
import Testing

@testable import CLI

/// A clock the test moves by hand, and what the status line wrote.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var writes: [String] = []
    private var offset: Duration = .zero
    let origin = ContinuousClock.now
    func write(_ text: String) { lock.withLock { writes.append(text) } }
    func advance(_ seconds: Double) { lock.withLock { offset += .milliseconds(Int(seconds * 1000)) } }
    var now: ContinuousClock.Instant { lock.withLock { origin + offset } }
    var text: String { lock.withLock { writes.joined() } }
    var count: Int { lock.withLock { writes.count } }
}

private func statusLine(terminal: Bool) -> (StatusLine, Recorder) {
    let recorder = Recorder()
    let line = StatusLine(terminal: terminal, write: { recorder.write($0) }, now: { recorder.now }, width: { 200 })
    line.enable()
    return (line, recorder)
}

@Suite("Progress on stderr")
struct StatusLineTests {
    @Test("on a terminal: one line rewritten in place with count, rate and ETA; warnings above it")
    func terminal() {
        let (line, recorder) = statusLine(terminal: true)
        line.begin("compare", total: 4)
        recorder.advance(10)
        line.step("compare: weasel seed 0  accuracy 0.89")
        #expect(
            recorder.text
                == "\r\u{1B}[Kcompare 1/4 (25%)  0:10 elapsed  10.0 s/step  ETA 0:30  weasel seed 0  accuracy 0.89")
        recorder.advance(0.05)
        line.note("epoch 3")  // within 0.1 s of the last write: skipped
        #expect(recorder.count == 1)
        recorder.advance(0.1)
        line.note("epoch 4")
        let narrow = StatusLine(terminal: true, write: { recorder.write($0) }, now: { recorder.now }, width: { 30 })
        narrow.enable()
        narrow.note(String(repeating: "x", count: 100))  // never wider than the terminal (no wrapping)
        #expect(recorder.text.hasSuffix("\r\u{1B}[K0:00 elapsed  " + String(repeating: "x", count: 15)))
        line.permanent("warning: something")
        #expect(
            recorder.text.hasSuffix(
                "\r\u{1B}[Kwarning: something\ncompare 1/4 (25%)  0:10 elapsed  10.2 s/step  ETA 0:30  epoch 4"))
        line.finish()
        #expect(recorder.text.hasSuffix("epoch 4\n"))
    }

    @Test("elsewhere: plain lines — every step, notes at most every few seconds; nothing when not enabled")
    func plain() {
        let (line, recorder) = statusLine(terminal: false)
        line.begin("clean", total: nil)
        line.note("epoch 1")
        recorder.advance(1)
        line.note("epoch 2")  // 1 s after the last line: skipped
        recorder.advance(0.5)
        line.step("clean: round 1  test F1 0.80")
        recorder.advance(5)
        line.note("epoch 3")
        line.finish()
        #expect(
            recorder.text.split(separator: "\n") == [
                "clean  0:00 elapsed  epoch 1", "clean  0:02 elapsed  1.5 s/step  round 1  test F1 0.80",
                "clean  0:07 elapsed  6.5 s/step  epoch 3",
            ])
        let quiet = StatusLine(terminal: false, write: { _ in Issue.record("wrote while not enabled") })
        quiet.step("x")
        quiet.note("y")
    }
}
