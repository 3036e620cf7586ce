import Foundation
import Testing

extension Tag {
    /// Full runs on real data (spambase) or long training: skipped by a plain `swift test`, run by
    /// CI (`WEASEL_SLOW_TESTS=1 swift test`, the README's test command).
    @Tag public static var slow: Self
}

/// Whether the slow tests run: `WEASEL_SLOW_TESTS=1` in the environment.
public let slowTestsEnabled = ProcessInfo.processInfo.environment["WEASEL_SLOW_TESTS"] == "1"
