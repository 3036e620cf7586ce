import Autodiff
import Foundation
import WeakSup

/// The steps `bench scale` times, each as a child process running a real command, so that each
/// step's peak RSS is its own.
enum ScaleStep: String, CaseIterable, ArgumentValue {
    case load
    case lfs
    case labelMajority = "label_majority"
    case labelDawidSkene = "label_dawid_skene"
    case labelSnorkel = "label_snorkel"
    case weaselEpoch = "weasel_epoch"
    case twoStageEpoch = "two_stage_epoch"

    /// The `weasel` command line of this step; `weasel` (WeaSEL switches) goes to `weasel_epoch`.
    func arguments(data: String, scratch: URL, epochs: Int, weasel: [String]) -> [String] {
        switch self {
        case .load: return ["bench", "load", "--data", data]
        case .lfs: return ["lfs", "--data", data]
        case .labelMajority, .labelDawidSkene, .labelSnorkel:
            let model: LabelModelKind =
                self == .labelMajority ? .majority : self == .labelSnorkel ? .snorkel : .dawidSkene
            return [
                "label", "--data", data, "--label-model", model.rawValue, "--out",
                scratch.appendingPathComponent("labels-\(model.rawValue).csv").path,
            ]
        case .weaselEpoch, .twoStageEpoch:
            return [
                "bench", "epochs", "--data", data, "--method", self == .weaselEpoch ? "weasel" : "majority",
                "--epochs", "\(epochs)",
            ] + (self == .weaselEpoch ? weasel : [])
        }
    }
}

let benchScaleCommand = Command(
    name: "scale",
    summary: "generate a seeded synthetic dataset of N rows and time load, lfs, label and training epochs on it",
    options: [
        .value("rows", placeholder: "N", help: "training rows", default: "1000000"),
        .value("features", placeholder: "F", help: "float features", default: "16"),
        .value("lfs", placeholder: "M", help: "labeling functions", default: "30"),
        .choice("format", of: ScaleDataset.Format.self, help: "file format of the dataset", default: .csv),
        .choices("steps", of: ScaleStep.self, help: "the steps to time (default: all)"),
        .value("epochs", placeholder: "E", help: "epochs run by the training steps (≥ 2)", default: "3"),
        .value(
            "dir", placeholder: "DIR",
            help: "write the dataset here and keep it (default: a temporary folder, removed afterwards)"),
        seedOption(),
    ] + weaselOptionSpecs,
    run: { arguments in
        let positive = { (value: Int) in value >= 1 }
        _ = try weaselOptions(arguments)  // a bad switch is a usage error before any data is written
        // The WeaSEL switches given, passed on to the weasel_epoch step (`--preset paper`: W1's model).
        let weaselSwitches = weaselOptionSpecs.flatMap { spec -> [String] in
            if arguments.flag(spec.name) { return ["--\(spec.name)"] }
            guard arguments.isGiven(spec.name), let value = arguments.values[spec.name] else { return [] }
            return ["--\(spec.name)", value]
        }
        let scale = ScaleDataset(
            rows: try arguments.required("rows", as: Int.self, where: positive, expected: "a positive integer"),
            features: try arguments.required(
                "features", as: Int.self, where: positive, expected: "a positive integer"),
            lfs: try arguments.required("lfs", as: Int.self, where: positive, expected: "a positive integer"),
            seed: try seed(arguments))
        let format = try arguments.required("format", as: ScaleDataset.Format.self)
        let epochs = try arguments.required("epochs", as: Int.self, where: { $0 >= 2 }, expected: "at least 2")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
            "weasel-scale-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let kept = try arguments.value("dir", as: String.self)
        var isDirectory: ObjCBool = false
        if let kept, FileManager.default.fileExists(atPath: kept, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CLIError.usage("--dir \(kept) is a file; give a folder (created if missing)")
        }
        let directory = kept.map { URL(fileURLWithPath: $0) } ?? scratch.appendingPathComponent("data")

        printError("bench scale: writing \(scale.rows) rows (\(format.rawValue)) to \(directory.path)…")
        let bytes = try scale.write(to: directory, format: format)
        var results: [String: Any] = [:]
        let executable = currentExecutablePath()
        for step in try arguments.list("steps", of: ScaleStep.self) ?? ScaleStep.allCases {
            printError("bench scale: \(step.rawValue)…")
            let run = try runMeasured(
                executable,
                step.arguments(data: directory.path, scratch: scratch, epochs: epochs, weasel: weaselSwitches),
                scratch: scratch)
            guard run.exitCode == 0 else {
                throw CLIError.failure(
                    "step \(step.rawValue) exited with \(run.exitCode): \(run.standardError.suffix(2000))")
            }
            var entry: [String: Any] = ["seconds": run.seconds, "peak_rss_mb": Double(run.peakRSSBytes) / 1e6]
            if step == .load || step == .weaselEpoch || step == .twoStageEpoch,
                let inner = try? JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any]
            {
                entry.merge(inner) { outer, _ in outer }
            }
            results[step.rawValue] = entry
        }
        var output = benchmarkHeader(suite: "scale", dtype: .float32)
        output["rows"] = scale.rows
        output["features"] = scale.features
        output["lfs"] = scale.lfs
        output["format"] = format.rawValue
        output["file_mb"] = Double(bytes) / 1e6
        output["results"] = results
        if let kept { output["dir"] = kept }
        emit(try jsonString(output))
    }
)

let benchLoadCommand = Command(
    name: "load",
    summary: "load a dataset folder and print the seconds it took and the rows it holds (a bench scale step)",
    options: [dataOption],
    run: { arguments in
        let clock = ContinuousClock()
        let start = clock.now
        let dataset = try loadDataset(arguments)
        emit(
            try jsonString([
                "load_seconds": seconds(start.duration(to: clock.now)), "rows": dataset.train.count,
                "lf_votes": dataset.train.labelMatrix.voteCount,
            ]))
    }
)

let benchEpochsCommand = Command(
    name: "epochs",
    summary: "train a method for a fixed number of epochs and print each epoch's seconds and RSS (a bench scale step)",
    options: [
        dataOption,
        .choice("method", of: TrainingMethod.self, help: "weasel or a two-stage method", default: .weasel),
        .value("epochs", placeholder: "E", help: "epochs to run", default: "3"),
    ] + weaselOptionSpecs,
    run: { arguments in
        let method = try arguments.required("method", as: TrainingMethod.self)
        guard method.hasTrainingRowObjective, method.isWeaklySupervised else {
            throw CLIError.usage("--method must be weasel or a two-stage method, not \(method.rawValue)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let dataset = try loadDataset(arguments)
        let loaded = clock.now
        let epochs = EpochRecorder(clock: clock)
        var options = TrainingOptions()
        options.maxEpochs = try arguments.required("epochs", as: Int.self, where: { $0 >= 1 }, expected: "positive")
        options.maxSteps = nil
        options.earlyStopping = false
        options.progress = { _ in epochs.record() }
        _ = try method.run(dataset: dataset, options: options, weasel: try weaselOptions(arguments))
        let marks = epochs.marks
        // Epoch k's time is between the ends of epochs k-1 and k; the first also holds the setup.
        let epochSeconds = zip(marks.dropFirst(), marks).map { seconds($0.0.time - $0.1.time) }
        emit(
            try jsonString([
                "load_seconds": seconds(loaded - start),
                "first_epoch_with_setup_seconds": seconds(marks[0].time - loaded),
                "epoch_seconds": epochSeconds,
                "rss_mb_after_epoch": marks.map { Double($0.rss ?? 0) / 1e6 },
            ]))
    }
)

/// The end time and RSS of each epoch (training reports progress once per epoch).
private final class EpochRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private let clock: ContinuousClock
    private(set) var marks: [(time: ContinuousClock.Instant, rss: Int?)] = []
    init(clock: ContinuousClock) { self.clock = clock }
    func record() { lock.withLock { marks.append((clock.now, currentRSSBytes())) } }
}
