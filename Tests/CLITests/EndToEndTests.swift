import Foundation
import Influence
import TestSupport
import Testing

@testable import CLI

/// Collects what a command emits.
final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ text: String) { lock.withLock { lines.append(text) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }
}

/// Runs `weasel ARGUMENTS` in process and returns what it printed on stdout.
func weasel(_ arguments: [String]) throws -> String {
    let buffer = OutputBuffer()
    try Output.$write.withValue({ buffer.append($0) }) { _ = try root.dispatch(arguments, path: ["weasel"]) }
    return buffer.text
}

func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// A small seeded binary dataset written as a WRENCH folder in a fresh temporary directory.
func temporaryDataset(seed: UInt64 = 5) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-cli-\(UUID().uuidString)")
    let dataset = SyntheticWeakSupervision(
        accuracies: [0.85, 0.75, 0.7, 0.3], propensities: [0.6, 0.5, 0.6, 0.5], featureCount: 3
    )
    .makeDataset(trainCount: 160, validCount: 60, testCount: 60, seed: seed)
    try dataset.writeWRENCH(to: directory.appendingPathComponent("toy"))
    return directory
}

/// A toy dataset and a majority-vote model trained on it with `weasel train --out`; the options
/// every influence subcommand needs to read them.
func trainedToyModel() throws -> (directory: URL, model: String, common: [String]) {
    let directory = try temporaryDataset()
    let data = directory.appendingPathComponent("toy").path
    let model = directory.appendingPathComponent("mv.json").path
    let trained = try weasel([
        "train", "--data", data, "--method", "majority", "--epochs", "4", "--quiet", "--out", model,
    ])
    #expect(trained.contains("method majority"))
    return (directory, model, ["--model", model, "--data", data, "--damping", "1"])
}

@Suite("Commands end to end")
struct CommandEndToEndTests {
    @Test("train --out, then every influence subcommand on the model; relative methods need no --solver")
    func influenceSubcommands() throws {
        let (directory, model, common) = try trainedToyModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try TrainedModelFile.load(from: URL(fileURLWithPath: model))
        #expect(
            file.method == .majority && file.labelModel == .majority
                && file.weightDecay == TrainingOptions().weightDecay)

        // The defaults (Gauss–Newton curvature, automatic damping) just work on a network.
        let defaults = try jsonObject(try weasel(["influence", "scores", "--json"] + Array(common.prefix(4))))
        let solve = try #require(defaults["solver"] as? [String: Any])
        #expect(solve["curvature"] as? String == "gauss-newton" && (solve["damping"] as? Double ?? 0) > 0)
        #expect((defaults["gradient_norm_ratio"] as? Double ?? 0) > 0)
        // A bare `influence` is `influence scores`.
        #expect(try weasel(["influence"] + common) == (try weasel(["influence", "scores"] + common)))
        let rw = try jsonObject(try weasel(["influence", "scores", "--json"] + common))
        #expect((rw["rows"] as? [Any])?.count == file.trainingRows?.count)
        #expect((rw["lfs"] as? [Any])?.count == 4)
        for method in ["relatif", "r-rw", "r-wm"] {
            let scores = try jsonObject(
                try weasel(["influence", "scores", "--json", "--method", method, "--last-layer"] + common))
            #expect((scores["solver"] as? [String: Any])?["name"] as? String == "exact", "\(method)")
        }
        #expect(try weasel(["influence", "explain", "--count", "2"] + common).contains("most harmful LF"))
        let mislabels = try jsonObject(try weasel(["influence", "mislabels", "--json"] + common))
        #expect(
            (mislabels["methods"] as? [[String: Any]])?.map { $0["name"] as? String }.contains("source-aware RW")
                == true)
        let similarity = try jsonObject(
            try weasel(["influence", "similarity", "--similarity", "gd", "--json"] + common))
        #expect((similarity["rows"] as? [Any])?.count == file.trainingRows?.count)
        let validate = try jsonObject(
            try weasel(["influence", "validate", "--groups", "lfs", "--count", "3", "--quiet", "--json"] + common))
        #expect(validate["groups"] as? Int == 3)
        let predictors = try #require(validate["predictors"] as? [[String: Any]])
        #expect(predictors.map { $0["predictor"] as? String } == ["first-order", "newton (3 steps)"])
        // influence lfs: every LF with its estimate; --remove estimates a group jointly, --verify adds
        // the exact effect (a network's: retraining over seeds, with its spread).
        let lfs = try jsonObject(try weasel(["influence", "lfs", "--quiet", "--json"] + common))
        let rows = try #require(lfs["lfs"] as? [[String: Any]])
        #expect(rows.count == 4 && lfs["estimator"] as? String == "newton" && lfs["removal"] as? String == "refit")
        let joint = try jsonObject(
            try weasel(["influence", "lfs", "--remove", "lf0,lf3", "--verify", "--quiet", "--json"] + common))
        let group = try #require((joint["lfs"] as? [[String: Any]])?.first)
        #expect(group["lfs"] as? [String] == ["lf0", "lf3"])
        #expect((group["exact"] as? [String: Any])?["spread"] as? Double != nil)
        #expect(
            failure(["influence", "lfs", "--remove", "lf9"] + common).contains("--remove: 'lf9' is not an LF"))
        #expect(
            failure(["influence", "validate", "--estimator", "exact"] + common).contains(
                "--estimator exact is what validate measures against"))
        let triples = try jsonObject(
            try weasel(
                ["influence", "validate", "--groups", "lf-triples", "--count", "3", "--quiet", "--json"] + common))
        #expect(
            (triples["predictors"] as? [[String: Any]])?.first?["predictor"] as? String == "summed first-order")
    }

    @Test(
        "influence improve retrains without what hurts and reports the trained model first", .tags(.slow),
        .enabled(if: slowTestsEnabled, "set WEASEL_SLOW_TESTS=1"))
    func improve() throws {
        let (directory, _, common) = try trainedToyModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let improve = try jsonObject(try weasel(["influence", "improve", "--json"] + common))
        let lines = try #require(improve["lines"] as? [[String: Any]])
        #expect(lines.first?["name"] as? String == "ERM" && lines.count >= 2)
    }

    @Test("predict, label, lfs and compare write and print what they document")
    func dataCommands() throws {
        let directory = try temporaryDataset(seed: 6)
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("toy").path
        let model = directory.appendingPathComponent("m.json").path
        let out = directory.appendingPathComponent("p.csv").path
        _ = try weasel(["train", "--data", data, "--method", "snorkel", "--epochs", "2", "--quiet", "--out", model])
        _ = try weasel(["predict", "--model", model, "--data", data, "--split", "valid", "--out", out])
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "id,p0,p1" && lines.count == 61)
        // Calibrated on the validation labels: rows still sum to 1, and P(class 1) orders the rows
        // as before (the fitted scale is positive).
        let calibrated = directory.appendingPathComponent("c.csv").path
        _ = try weasel([
            "predict", "--model", model, "--data", data, "--split", "valid", "--out", calibrated, "--calibrate",
        ])
        func rows(_ path: String) throws -> [(id: String, p: [Double])] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
                let cells = line.split(separator: ",")
                return (String(cells[0]), cells.dropFirst().map { Double($0)! })
            }
        }
        let (raw, scaled) = (try rows(out), try rows(calibrated))
        #expect(raw.map(\.id) == scaled.map(\.id))
        #expect(scaled.allSatisfy { abs($0.p.reduce(0, +) - 1) < 1e-9 })
        let byRaw = raw.indices.sorted { raw[$0].p[1] < raw[$1].p[1] }
        #expect(
            zip(byRaw, byRaw.dropFirst()).allSatisfy { i, j in
                raw[i].p[1] == raw[j].p[1] || scaled[i].p[1] <= scaled[j].p[1] + 1e-12
            })
        let labels = directory.appendingPathComponent("labels.json").path
        _ = try weasel(["label", "--data", data, "--label-model", "dawid-skene", "--out", labels])
        let written = try jsonObject(try String(contentsOfFile: labels, encoding: .utf8))
        #expect(written["label_model"] as? String == "dawid-skene" && (written["rows"] as? [Any])?.count == 160)
        let analysis = try jsonObject(try weasel(["lfs", "--data", data, "--split", "test", "--json"]))
        #expect(analysis["rows"] as? Int == 60)
        let compared = try jsonObject(
            try weasel([
                "compare", "--data", data, "--methods", "majority,supervised", "--seeds", "2",
                "--epochs", "2", "--quiet", "--json",
            ]))
        #expect(
            (compared["results"] as? [[String: Any]])?.map { $0["method"] as? String } == ["majority", "supervised"])
    }
}

@Suite("bench scale's pieces")
struct BenchScaleTests {
    @Test("the scale dataset written as CSV and as WRENCH JSON loads to the same arrays")
    func csvAndWrenchAgree() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-scale-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let scale = ScaleDataset(rows: 3000, features: 5, lfs: 7, seed: 3)
        try scale.write(to: root.appendingPathComponent("csv"), format: .csv)
        try scale.write(to: root.appendingPathComponent("wrench"), format: .wrench)
        let csv = try WeakDataset.load(from: root.appendingPathComponent("csv"))
        let wrench = try WeakDataset.load(from: root.appendingPathComponent("wrench"))
        for split in WeakDataset.Split.allCases {
            #expect(csv[split].count == (split == .train ? 3000 : 500))
            #expect(csv[split].ids == wrench[split].ids)
            #expect(csv[split].goldLabels == wrench[split].goldLabels)
            #expect(csv[split].labelMatrix == wrench[split].labelMatrix)
            #expect(csv[split].features!.floats.map(\.bitPattern) == wrench[split].features!.floats.map(\.bitPattern))
        }
        #expect(csv.train.labelMatrix.voteCount > 3000)  // the LFs vote
    }

    @Test("a measured child process reports its exit code, output and a peak RSS from the OS")
    func measuredChild() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let run = try runMeasured("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"], scratch: scratch)
        #expect(run.exitCode == 3)
        #expect(run.standardOutput == "out\n" && run.standardError == "err\n")
        #expect(run.peakRSSBytes > 0 && run.seconds > 0)
    }

    @Test("with two LFs, label refuses Snorkel's model and compare's default methods leave its rows out")
    func snorkelNeedsThreeLFs() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-two-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        _ = try weasel([
            "synthetic", "--out", directory.path, "--lfs", "2", "--accuracy", "0.8,0.7", "--propensity", "0.9",
            "--rows", "200,60,60",
        ])
        let dataset = try WeakDataset.load(from: directory)
        #expect(dataset.lfCount == 2)
        #expect(
            failure(["label", "--data", directory.path, "--label-model", "snorkel", "--out", "/tmp/x.csv"])
                .contains("the snorkel label model needs at least 3 LFs and the dataset has 2"))
        #expect(
            failure(["synthetic", "--out", directory.path, "--lfs", "3", "--accuracy", "0.8,0.7"]).contains(
                "--accuracy expects one probability or one per LF (3), got 2"))
        let compared = try jsonObject(
            try weasel([
                "compare", "--data", directory.path, "--seeds", "1", "--no-tune", "--epochs", "1", "--json",
                "--methods", "majority,dawid-skene",
            ]))
        #expect((compared["results"] as? [[String: Any]])?.count == 2)
        let all = try jsonObject(
            try weasel(["compare", "--data", directory.path, "--seeds", "1", "--no-tune", "--epochs", "1", "--json"]))
        let methods = (all["results"] as? [[String: Any]] ?? []).compactMap { $0["method"] as? String }
        #expect(methods.count == TrainingMethod.allCases.count - 2 && !methods.contains { $0.hasPrefix("snorkel") })
    }
}
