import Foundation
import WeakSup

/// `--data DIR`, which nearly every command takes.
let dataOption = OptionSpec.value("data", placeholder: "DIR", help: "WRENCH or CSV dataset folder")

/// Loads the dataset named by `--data`.
func loadDataset(_ arguments: ParsedArguments) throws -> WeakDataset {
    try WeakDataset.load(from: URL(fileURLWithPath: try arguments.required("data", as: String.self)))
}

/// `--seed S`: a non-negative integer.
func seedOption(help: String = "random seed") -> OptionSpec {
    .value("seed", placeholder: "S", help: help, default: "\(TrainingOptions().seed)")
}

func seed(_ arguments: ParsedArguments) throws -> UInt64 {
    try arguments.value("seed", as: UInt64.self) ?? TrainingOptions().seed
}

/// `--seeds N`: runs over seeds 0..<N.
func seedsOption(default count: Int) -> OptionSpec {
    .value("seeds", placeholder: "N", help: "seeds 0..<N", default: "\(count)")
}

func seedCount(_ arguments: ParsedArguments) throws -> Int {
    try arguments.required("seeds", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
}

/// `--json` and `--quiet`, shared by the commands that print tables and progress.
let jsonOption = OptionSpec.flag("json", help: "print one JSON object instead of the table")
let quietOption = OptionSpec.flag("quiet", help: "no progress on stderr")

/// Progress notes (epochs, iterations: `StatusLine.note`) unless `--quiet`.
func progressPrinter(_ arguments: ParsedArguments) -> (@Sendable (String) -> Void)? {
    guard !arguments.flag("quiet") else { return nil }
    StatusLine.shared.enable()
    return { @Sendable message in StatusLine.shared.note(message) }
}

/// Progress of work counted in `total` steps (`StatusLine.step`, with rate and ETA) unless `--quiet`.
func progressSteps(_ arguments: ParsedArguments, _ label: String, total: Int?) -> (@Sendable (String) -> Void)? {
    guard !arguments.flag("quiet") else { return nil }
    StatusLine.shared.enable()
    StatusLine.shared.begin(label, total: total)
    return { @Sendable message in StatusLine.shared.step(message) }
}

/// An output file path (`--out`, `--csv`), checked before any work is done: not empty, not a
/// directory, in a directory that exists.
func outputPath(_ arguments: ParsedArguments, _ name: String) throws -> String? {
    guard let path = try arguments.value(name, as: String.self) else { return nil }
    try checkOutputPath(path)
    return path
}
