import Autodiff
import Foundation
import Influence
import TestSupport
import Testing

@testable import CLI

/// One kind of input the fuzzer breaks: a folder of files, the files it mutates, the command that
/// reads them (in process), and the fuzzer's own objection to a mutated file, if any.
private struct FuzzTarget {
    var name: String
    /// The pristine folder; each iteration copies it, mutates one file and runs the command on it.
    var folder: URL
    var files: [String]
    /// The command's arguments for the copy at `folder`, writing `out`.
    var command: (_ folder: URL, _ out: URL) -> [String]
    /// Why the mutated copy is certainly invalid (nil: no objection).
    var objection: (_ folder: URL, _ file: String) -> String?
}

/// Seeds, budget and reproduction: `WEASEL_FUZZ_SEED` (default 1), `WEASEL_FUZZ_ITERATIONS`
/// (default 3000, about half a minute in a debug build), `WEASEL_FUZZ_START` (first iteration; with ITERATIONS=1 it reruns one failure).
private struct FuzzSettings {
    var seed: UInt64
    var start: Int
    var iterations: Int
    /// Longer than this is a hang (debug build; a valid input takes well under a second).
    var timeLimit = 10.0

    static var fromEnvironment: FuzzSettings {
        let environment = ProcessInfo.processInfo.environment
        return FuzzSettings(
            seed: environment["WEASEL_FUZZ_SEED"].flatMap { UInt64($0) } ?? 1,
            start: environment["WEASEL_FUZZ_START"].flatMap { Int($0) } ?? 0,
            iterations: environment["WEASEL_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? 3000)
    }
}

private func bytes(_ url: URL) -> [UInt8] { (try? Array(Data(contentsOf: url))) ?? [] }

/// The shipped data cut to a few rows, in each format the loaders read, plus a model file and a
/// rules file with its raw rows.
private func makeTargets(in root: URL) throws -> [FuzzTarget] {
    let fileManager = FileManager.default
    let spambase = try WeakDataset.load(from: spambaseURL)
    var small = spambase
    small.train = spambase.train.subset(Array(0..<40))
    small.valid = spambase.valid.subset(Array(0..<12))
    small.test = spambase.test.subset(Array(0..<12))
    let wrench = root.appendingPathComponent("wrench")
    try small.writeWRENCH(to: wrench)
    // The shipped files as Python wrote them (other spacing), cut to their first records.
    let shipped = root.appendingPathComponent("shipped")
    try fileManager.createDirectory(at: shipped, withIntermediateDirectories: true)
    for (split, count) in [("train", 30), ("valid", 10), ("test", 10)] {
        // One record per line: "{", then `"id": {…},` lines, then "}".
        let text = try String(contentsOf: spambaseURL.appendingPathComponent("\(split).json"), encoding: .utf8)
        var lines = text.split(separator: "\n").prefix(count + 1).map(String.init)
        if lines[count].hasSuffix(",") { lines[count].removeLast() }
        try Data((lines + ["}"]).joined(separator: "\n").utf8).write(
            to: shipped.appendingPathComponent("\(split).json"))
    }
    for file in ["label.json", "lfs.json"] {
        try fileManager.copyItem(at: spambaseURL.appendingPathComponent(file), to: shipped.appendingPathComponent(file))
    }
    _ = try WeakDataset.load(from: shipped)  // the cut is itself valid

    // CSV with LF columns, and CSV with the votes in *_lfs.csv files.
    let csv = root.appendingPathComponent("csv")
    let csvVotes = root.appendingPathComponent("csv-votes")
    for folder in [csv, csvVotes] { try fileManager.createDirectory(at: folder, withIntermediateDirectories: true) }
    let featureColumns = (0..<small.featureCount).map { "f\($0)" }
    for split in WeakDataset.Split.allCases {
        let part = small[split]
        let features = part.features!.scalars
        let d = small.featureCount
        var withVotes =
            "id,label," + featureColumns.joined(separator: ",") + ","
            + small.lfNames.map { "lf_\($0)" }.joined(separator: ",") + "\n"
        var plain = "id,label," + featureColumns.joined(separator: ",") + "\n"
        var votes = small.lfNames.joined(separator: ",") + "\n"
        for i in 0..<part.count {
            let row =
                "\(part.ids[i]),\(part.goldLabels![i]),"
                + features[(i * d)..<((i + 1) * d)].map { "\(Float($0))" }.joined(separator: ",")
            let rowVotes = part.labelMatrix.row(i).map(String.init).joined(separator: ",")
            withVotes += row + "," + rowVotes + "\n"
            plain += row + "\n"
            votes += rowVotes + "\n"
        }
        try Data(withVotes.utf8).write(to: csv.appendingPathComponent("\(split.rawValue).csv"))
        try Data(plain.utf8).write(to: csvVotes.appendingPathComponent("\(split.rawValue).csv"))
        try Data(votes.utf8).write(to: csvVotes.appendingPathComponent("\(split.rawValue)_lfs.csv"))
    }
    for folder in [csv, csvVotes] {
        try fileManager.copyItem(
            at: spambaseURL.appendingPathComponent("label.json"), to: folder.appendingPathComponent("label.json"))
        _ = try WeakDataset.load(from: folder)
    }

    // A model file trained on the small WRENCH folder, and the folder to predict on beside it.
    let modelFolder = root.appendingPathComponent("model")
    try fileManager.createDirectory(at: modelFolder, withIntermediateDirectories: true)
    _ = try weasel([
        "train", "--data", wrench.path, "--method", "majority", "--hidden", "8", "--epochs", "2", "--no-tune",
        "--quiet", "--out", modelFolder.appendingPathComponent("model.json").path,
    ])

    // Rules and the raw rows they read: the first 60 shipped package descriptions.
    let rules = root.appendingPathComponent("rules")
    try fileManager.createDirectory(at: rules, withIntermediateDirectories: true)
    try fileManager.copyItem(
        at: debianPackagesFolder.appendingPathComponent("rules.json"), to: rules.appendingPathComponent("rules.json"))
    let raw = try String(contentsOf: debianPackagesFolder.appendingPathComponent("packages.csv"), encoding: .utf8)
    try Data((raw.split(separator: "\n").prefix(61).joined(separator: "\n") + "\n").utf8).write(
        to: rules.appendingPathComponent("raw.csv"))

    let splitFiles = ["train", "valid", "test"]
    func wrenchObjection(_ folder: URL, _ file: String) -> String? {
        if file.hasSuffix(".json") && !splitFiles.contains(String(file.dropLast(5))) {
            return Validity.json(bytes(folder.appendingPathComponent(file)))
        }
        return Validity.wrench(
            Dictionary(
                uniqueKeysWithValues: splitFiles.map { ($0, bytes(folder.appendingPathComponent("\($0).json"))) }))
    }
    func csvObjection(_ folder: URL, _ file: String) -> String? {
        let content = bytes(folder.appendingPathComponent(file))
        if file.hasSuffix(".json") { return Validity.json(content) }
        return file.hasSuffix("_lfs.csv") ? Validity.csvVotes(content) : Validity.csvSplit(content)
    }
    let label = { (folder: URL, out: URL) in
        ["label", "--data", folder.path, "--label-model", "majority", "--out", out.appendingPathExtension("csv").path]
    }
    return [
        FuzzTarget(
            name: "wrench", folder: wrench, files: splitFiles.map { "\($0).json" } + ["label.json", "lfs.json"],
            command: label, objection: wrenchObjection),
        FuzzTarget(
            name: "wrench as shipped", folder: shipped, files: splitFiles.map { "\($0).json" } + ["label.json"],
            command: label, objection: wrenchObjection),
        FuzzTarget(
            name: "csv", folder: csv, files: splitFiles.map { "\($0).csv" } + ["label.json"], command: label,
            objection: csvObjection),
        FuzzTarget(
            name: "csv with _lfs.csv", folder: csvVotes,
            files: splitFiles.map { "\($0).csv" } + splitFiles.map { "\($0)_lfs.csv" }, command: label,
            objection: csvObjection),
        FuzzTarget(
            name: "model file", folder: modelFolder, files: ["model.json"],
            command: { folder, out in
                [
                    "predict", "--model", folder.appendingPathComponent("model.json").path, "--data", wrench.path,
                    "--out", out.appendingPathExtension("csv").path,
                ]
            },
            objection: { folder, _ in Validity.json(bytes(folder.appendingPathComponent("model.json"))) }),
        FuzzTarget(
            name: "rules", folder: rules, files: ["rules.json", "raw.csv"],
            command: { folder, out in
                [
                    "apply", "--lfs", folder.appendingPathComponent("rules.json").path, "--data",
                    folder.appendingPathComponent("raw.csv").path, "--out", out.path,
                ]
            },
            objection: { folder, file in
                let content = bytes(folder.appendingPathComponent(file))
                return file == "rules.json" ? Validity.json(content) : Validity.rawRows(content)
            }),
    ]
}

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
private let spambaseURL = repositoryRoot.appendingPathComponent("datasets/spambase")
private let debianPackagesFolder = repositoryRoot.appendingPathComponent("datasets/debian-packages")

@Suite("Fuzzing: seeded mutations of every input file")
struct FuzzTests {
    @Test(
        "mutated datasets, model files and rules: no crash, no hang, no partial output, nothing invalid accepted"
    )
    func mutations() throws {
        let settings = FuzzSettings.fromEnvironment
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let targets = try makeTargets(in: root)
        // A trap cannot be caught in process: the input being read is noted here first, so the
        // crash's log names the iteration to rerun.
        let breadcrumb = root.deletingLastPathComponent().appendingPathComponent("weasel-fuzz-current.txt")
        print(
            "fuzz: seed \(settings.seed), iterations \(settings.start)..<\(settings.start + settings.iterations); "
                + "after a crash, \(breadcrumb.path) names the input")
        var failures: [String] = []
        var (accepted, refused) = (0, 0)
        let work = root.appendingPathComponent("work")
        for iteration in settings.start..<(settings.start + settings.iterations) {
            var generator = SeededGenerator(seed: settings.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(iteration))
            let target = targets[iteration % targets.count]
            let file = target.files[generator.nextInt(below: target.files.count)]
            try? FileManager.default.removeItem(at: work)
            try FileManager.default.copyItem(at: target.folder, to: work)
            let path = work.appendingPathComponent(file)
            var content = bytes(path)
            var applied: [Mutation] = []
            for _ in 0..<(1 + generator.nextInt(below: 3)) {
                let choices = Mutation.applicable(json: file.hasSuffix(".json"))
                let mutation = choices[generator.nextInt(below: choices.count)]
                content = mutation.apply(to: content, using: &generator)
                applied.append(mutation)
            }
            try Data(content).write(to: path)
            let label =
                "seed \(settings.seed) iteration \(iteration): \(target.name) \(file) "
                + "\(applied.map { "\($0)" }.joined(separator: "+"))"
            try? Data(label.utf8).write(to: breadcrumb)
            let out = root.appendingPathComponent("out")
            let started = DispatchTime.now().uptimeNanoseconds
            var message: String?
            do {
                _ = try Output.$diagnostic.withValue({ _ in }) { try weasel(target.command(work, out)) }
            } catch { message = errorMessage(for: error) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            if seconds > settings.timeLimit { failures.append("\(label): took \(seconds) s") }
            let outputs = [out, out.appendingPathExtension("csv")].filter {
                FileManager.default.fileExists(atPath: $0.path)
            }
            let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
                $0.hasSuffix(".tmp") || $0.hasPrefix(".out")
            }
            if let message {
                refused += 1
                if !outputs.isEmpty || !leftovers.isEmpty {
                    failures.append(
                        "\(label): failed (\(message)) but left \(outputs.map(\.lastPathComponent) + leftovers)")
                }
                if message.contains("\n") || message.count < 10 {
                    failures.append("\(label): unclear message '\(message)'")
                }
            } else {
                accepted += 1
                if let objection = target.objection(work, file) {
                    failures.append("\(label): accepted an invalid input (\(objection))")
                }
            }
            for output in outputs { try? FileManager.default.removeItem(at: output) }
        }
        print(
            "fuzz: \(settings.iterations) mutations, \(accepted) accepted, \(refused) refused, \(failures.count) failures"
        )
        for failure in failures { print("fuzz failure: \(failure)") }
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
        try? FileManager.default.removeItem(at: breadcrumb)
    }
}
