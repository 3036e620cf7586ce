import Foundation
import Influence
import TestSupport
import Testing

@testable import CLI

/// Runs `weasel ARGUMENTS`, expects it to fail, and returns the one line the CLI would print.
func failure(_ arguments: [String]) -> String {
    do {
        _ = try weasel(arguments)
        return "(no error)"
    } catch {
        return errorMessage(for: error)
    }
}

/// Files in a folder whose names look like our temporary files.
func temporaryFiles(in directory: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".tmp") }
}

/// A CSV dataset folder: header `id,label,f0,f1,lf_a,lf_b` and the given rows for every split.
func csvDataset(_ rows: [String], header: String = "id,label,f0,f1,lf_a,lf_b", prefix: [UInt8] = []) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for split in ["train", "valid", "test"] {
        let text = ([header] + rows).joined(separator: "\n") + "\n"
        try Data(prefix + Array(text.utf8)).write(to: directory.appendingPathComponent("\(split).csv"))
    }
    return directory
}

let goodRows = ["a,1,0.5,1.0,1,-1", "b,0,0.1,2.0,0,0", "c,1,0.7,0.2,1,1", "d,0,0.3,1.5,-1,0"]

@Suite("Reliability: files are never lost")
struct OutputFileTests {
    @Test(
        "a second run to the same --out replaces the file; directories, '.', '' and missing folders are refused and survive"
    )
    func outputPaths() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("toy").path
        let out = directory.appendingPathComponent("labels.csv").path
        for _ in 0..<2 { _ = try weasel(["label", "--data", data, "--label-model", "majority", "--out", out]) }
        let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 161 && lines[0] == "id,p0,p1")
        let folder = directory.appendingPathComponent("toy")
        let before = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(failure(["label", "--data", data, "--out", folder.path]).contains("is a directory, not a file"))
        #expect(failure(["label", "--data", data, "--out", folder.path + "/"]).contains("is a directory"))
        #expect(failure(["label", "--data", data, "--out", "."]).contains("output . is a directory"))
        #expect(failure(["label", "--data", data, "--out", ""]).contains("the output path is empty"))
        #expect(
            failure(["predict", "--model", "m.json", "--data", data, "--out", "/nonexistent-dir/p.csv"])
                .contains("output /nonexistent-dir/p.csv: the directory '/nonexistent-dir' does not exist"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == before)
        #expect(temporaryFiles(in: directory).isEmpty)
    }

    @Test("results are written only when every number is finite, and a failed write to stdout is an error")
    func standardOutput() throws {
        #expect(throws: CLIError.self) { try jsonString(["auc": Double.nan]) }
        let message = (try? jsonString(["rows": [["score": 1.0], ["score": -Double.infinity]]])) == nil
        #expect(message)
        let output = StandardOutput()
        output.append("ok")
        let full = open("/dev/full", O_WRONLY)
        defer { close(full) }
        #expect(throws: CLIError.output("cannot write to standard output (No space left on device)")) {
            try output.flush(to: full)
        }
        let nonFinite = StandardOutput()
        nonFinite.append("value " + String(Double.nan))
        nonFinite.recordNonFinite()
        let devNull = open("/dev/null", O_WRONLY)
        defer { close(devNull) }
        #expect(throws: CLIError.self) { try nonFinite.flush(to: devNull) }
    }

    @Test("a write past the file-size limit (ulimit -f) is a clear error, not a kill by SIGXFSZ; no file is left")
    func fileSizeLimit() async {
        await #expect(processExitsWith: .success) {
            let directory = try? temporaryDataset()
            guard let directory else { exit(2) }
            defer { try? FileManager.default.removeItem(at: directory) }
            // As a shell starts a command: SIGXFSZ delivered and fatal (the test runner may block it).
            signal(SIGXFSZ, SIG_DFL)
            var signals = sigset_t()
            sigemptyset(&signals)
            sigaddset(&signals, SIGXFSZ)
            sigprocmask(SIG_UNBLOCK, &signals, nil)
            ignoreFileSizeLimitSignal()  // what the weasel command does first
            var limit = rlimit(rlim_cur: 2048, rlim_max: 2048)
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
            let message = failure([
                "label", "--data", directory.appendingPathComponent("toy").path, "--label-model", "majority",
                "--out", directory.appendingPathComponent("labels.csv").path,
            ])
            let clean = message.contains("File too large") && temporaryFiles(in: directory).isEmpty
            exit(
                clean && !FileManager.default.fileExists(atPath: directory.appendingPathComponent("labels.csv").path)
                    ? 0 : 1)
        }
    }
}

@Suite("Reliability: wrong numbers never reach the user")
struct NonFiniteTests {
    @Test("a probability that is not a number is refused before the CSV is written")
    func nonFiniteProbability() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("p-\(UUID().uuidString).csv").path
        let probabilities = Tensor(shape: [2, 2], scalars: [0.5, 0.5, .nan, 1], dtype: .float64)
        #expect(
            throws: CLIError.output("row b, class 0: the probability is nan, not a number; \(path) was not written")
        ) {
            try writeProbabilityCSV(ids: ["a", "b"], probabilities: probabilities, toPath: path)
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test(
        "a feature beyond Float32's range is an input error naming file, record and field",
        arguments: ["1e39", "1e300", "-3.5e38"])
    func float32Overflow(_ value: String) throws {
        let csv = try csvDataset(goodRows + ["e,1,\(value),1.0,1,1"])
        defer { try? FileManager.default.removeItem(at: csv) }
        let message = failure(["lfs", "--data", csv.path])
        #expect(
            message.contains("train.csv, record line 6, field 'f0'") && message.contains("beyond Float32's range"),
            "\(message)")
        let wrench = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: wrench) }
        let train = wrench.appendingPathComponent("toy/train.json")
        let text = try String(contentsOf: train, encoding: .utf8)
        let first = try #require(text.range(of: "\"feature\": ["))
        try text.replacingCharacters(in: first, with: "\"feature\": [\(value), ").write(
            to: train, atomically: true, encoding: .utf8)
        let wrenchMessage = failure(["lfs", "--data", wrench.appendingPathComponent("toy").path])
        #expect(
            wrenchMessage.contains("field 'data.feature'") && wrenchMessage.contains("beyond Float32's range"),
            "\(wrenchMessage)")
    }

    @Test("training that produces a NaN loss stops with an error and writes no model")
    func divergence() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = directory.appendingPathComponent("w.json").path
        let message = failure([
            "train", "--data", directory.appendingPathComponent("toy").path, "--method", "weasel", "--tau1", "1e308",
            "--quiet",
            "--out", model,
        ])
        #expect(message.contains("training diverged at epoch 1, step 1: the loss is nan"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: model))
        #expect(temporaryFiles(in: directory).isEmpty)
    }
}

@Suite("Reliability: honest solvers and clear errors")
struct SolverAndErrorTests {
    @Test(
        "LiSSA that diverges fails; --target ',' and a negative damping are usage errors; missing checkpoints name the flag"
    )
    func solversAndMessages() throws {
        let (directory, _, common) = try trainedToyModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let base = Array(common.prefix(4))  // --model M --data D
        let diverged = failure(["influence"] + base + ["--solver", "lissa", "--damping", "0"])
        #expect(diverged.contains("the lissa solve did not converge"), "\(diverged)")
        #expect(
            failure(["influence"] + base + ["--target", ","]).contains(
                "--target expects valid, test or comma-separated test ids"))
        #expect(
            failure(["influence"] + base + ["--damping", "-1"]).contains(
                "--damping expects 'auto' or a non-negative number"))
        #expect(
            failure(["influence"] + base + ["--damping", "nan"]).contains(
                "--damping expects 'auto' or a non-negative number"))
        #expect(
            failure(["influence", "similarity"] + common + ["--similarity", "tracin"]).contains(
                "train with --checkpoints K"))
        #expect(failure(["influence"] + common + ["--method", "relatif"]).contains("use --last-layer"))
        #expect(failure(["influence"] + common + ["--target", "nope"]).contains("no test record has the id 'nope'"))
    }

    @Test("no input crashes: negative seeds and counts, unknown presets, and group counts beyond the data are errors")
    func usageErrors() throws {
        let (directory, _, common) = try trainedToyModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("toy").path
        #expect(
            failure(["train", "--data", data, "--seed", "-1"]).contains(
                "--seed expects a non-negative integer, got '-1'"))
        #expect(failure(["influence"] + common + ["--top", "-3"]).contains("--top expects a non-negative integer"))
        #expect(
            failure(["compare", "--data", data, "--preset", "nope"]).contains("--preset expects one of paper, official")
        )
        #expect(failure(["compare", "--data", data, "--weasel-presets", "paper,x"]).contains("got 'x'"))
        let count = failure(["influence", "validate"] + common + ["--groups", "top-harmful", "--count", "500"])
        #expect(
            count.contains("500 'top-harmful' groups were asked for, and the training data allows 100 distinct ones"),
            "\(count)")
        #expect(
            failure(["influence", "validate"] + common + ["--groups", "clusters", "--count", "100000"]).contains(
                "lower --count"))
    }
}

@Suite("Reliability: input read as the user meant it, or refused")
struct InputTests {
    @Test("a byte-order mark is skipped and header cells are trimmed: the file loads as without them")
    func byteOrderMark() throws {
        let plain = try csvDataset(goodRows)
        let marked = try csvDataset(goodRows, header: " id , label,f0 ,f1,lf_a , lf_b", prefix: [0xEF, 0xBB, 0xBF])
        defer {
            try? FileManager.default.removeItem(at: plain)
            try? FileManager.default.removeItem(at: marked)
        }
        let a = try WeakDataset.load(from: plain)
        let b = try WeakDataset.load(from: marked)
        #expect(a.train.ids == b.train.ids && a.featureCount == 2 && b.featureCount == 2)
        #expect(a.train.features!.scalars == b.train.features!.scalars && a.lfNames == b.lfNames)
    }

    @Test("duplicate ids, invalid UTF-8, empty splits, zero LFs and a single class say exactly what is wrong")
    func refusals() throws {
        let duplicate = try csvDataset(goodRows + ["b,1,0.2,0.3,1,1"])
        defer { try? FileManager.default.removeItem(at: duplicate) }
        #expect(
            failure(["lfs", "--data", duplicate.path]).contains(
                "train.csv, record line 6, field 'id': id 'b' already appears on line 3"))

        let invalid = try csvDataset(goodRows)
        defer { try? FileManager.default.removeItem(at: invalid) }
        var bytes = Array(try Data(contentsOf: invalid.appendingPathComponent("train.csv")))
        bytes.insert(contentsOf: [0xFF, 0xFE], at: bytes.firstIndex(of: UInt8(ascii: "c"))!)
        try Data(bytes).write(to: invalid.appendingPathComponent("train.csv"))
        #expect(failure(["lfs", "--data", invalid.path]).contains("train.csv, record line 4: is not valid UTF-8 text"))

        let empty = try csvDataset([])
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(failure(["lfs", "--data", empty.path]).contains("train.csv: has a header but no rows"))

        let noLFs = try csvDataset(
            ["a,1,0.5,1.0", "b,0,0.1,2.0", "c,1,0.7,0.2", "d,0,0.3,1.5"], header: "id,label,f0,f1")
        defer { try? FileManager.default.removeItem(at: noLFs) }
        #expect(
            failure(["train", "--data", noLFs.path, "--method", "majority"]).contains(
                "the dataset has no labeling functions"))
        #expect(
            failure(["train", "--data", noLFs.path, "--method", "weasel"]).contains(
                "the dataset has no labeling functions"))

        let single = try csvDataset(goodRows)
        defer { try? FileManager.default.removeItem(at: single) }
        try Data(#"{"0": "only"}"#.utf8).write(to: single.appendingPathComponent("label.json"))
        #expect(
            failure(["lfs", "--data", single.path]).contains(
                "label.json: lists 1 class(es); a classification task needs at least 2"))

        let wrench = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: wrench) }
        try Data("{}".utf8).write(to: wrench.appendingPathComponent("toy/valid.json"))
        #expect(
            failure(["lfs", "--data", wrench.appendingPathComponent("toy").path]).contains("valid.json: has no records")
        )
        let train = wrench.appendingPathComponent("toy/train.json")
        let text = try String(contentsOf: train, encoding: .utf8)
        try text.replacingOccurrences(of: "\n\"1\": {", with: "\n\"0\": {").write(
            to: train, atomically: true, encoding: .utf8)
        #expect(
            failure(["lfs", "--data", wrench.appendingPathComponent("toy").path]).contains(
                "record 0: the id appears twice (records 1 and 2"))
    }

    @Test("JSON nested far deeper than any WRENCH record is refused, not a stack overflow")
    func deepNesting() throws {
        let wrench = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: wrench) }
        let deep =
            #"{"0": {"label": 1, "weak_labels": [1], "data": {"x": "# + String(repeating: "[", count: 200_000) + "}}}"
        try Data(deep.utf8).write(to: wrench.appendingPathComponent("toy/test.json"))
        #expect(
            failure(["lfs", "--data", wrench.appendingPathComponent("toy").path]).contains(
                "nested deeper than 128 levels"))
        let model = wrench.appendingPathComponent("deep.json")
        try Data((String(repeating: "[", count: 200_000) + String(repeating: "]", count: 200_000)).utf8).write(
            to: model)
        #expect(
            failure([
                "predict", "--model", model.path, "--data", wrench.appendingPathComponent("toy").path, "--out",
                "/tmp/x.csv",
            ])
            .contains("deep.json"))
    }

    @Test("ids with commas, quotes and line breaks round-trip through label and predict (RFC 4180)")
    func quotedIDs() throws {
        let csv = try csvDataset([
            "\"a,1\",1,0.5,1.0,1,-1", "\"say \"\"hi\"\"\",0,0.1,2.0,0,0", "\"two\nlines\",1,0.7,0.2,1,1",
            "d,0,0.3,1.5,-1,0",
        ])
        defer { try? FileManager.default.removeItem(at: csv) }
        let out = csv.appendingPathComponent("labels.csv").path
        _ = try weasel(["label", "--data", csv.path, "--label-model", "majority", "--out", out])
        let ids = try CSVLoader.readCSV(URL(fileURLWithPath: out)).dropFirst().map { $0.fields[0] }
        #expect(ids == (try WeakDataset.load(from: csv)).train.ids)
        #expect(Set(ids) == ["a,1", "say \"hi\"", "two\nlines", "d"])
        // The JSON output, written row by row, escapes them and parses back to the same ids and labels.
        let json = csv.appendingPathComponent("labels.json").path
        _ = try weasel(["label", "--data", csv.path, "--label-model", "majority", "--out", json])
        let written = try jsonObject(try String(contentsOfFile: json, encoding: .utf8))
        let rows = try #require(written["rows"] as? [[String: Any]])
        #expect(rows.map { $0["id"] as? String } == ids)
        #expect(rows.map { ($0["probabilities"] as? [Double])?.count } == [2, 2, 2, 2])
        #expect(written["classes"] as? [String] != nil && written["label_model"] as? String == "majority")
    }
}

@Suite("Reliability: model files match their data")
struct ModelFileCheckTests {
    @Test("influence refuses changed features, predict refuses swapped class names, a renamed folder is accepted")
    func signatures() throws {
        let (directory, model, common) = try trainedToyModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let original = directory.appendingPathComponent("toy")
        var dataset = try WeakDataset.load(from: original)
        let renamed = directory.appendingPathComponent("same-data-other-name")
        try dataset.writeWRENCH(to: renamed)
        _ = try weasel(["influence", "--model", model, "--data", renamed.path, "--damping", "1"])

        let changed = directory.appendingPathComponent("changed")
        let features = dataset.train.features!.scalars
        dataset.train.features = Tensor(shape: dataset.train.features!.shape, scalars: features.map { $0 + 0.5 })
        try dataset.writeWRENCH(to: changed)
        let message = failure(["influence", "--model", model, "--data", changed.path, "--damping", "1"])
        #expect(message.contains("hash of the training features"), "\(message)")

        dataset = try WeakDataset.load(from: original)
        dataset.classNames = Array(dataset.classNames.reversed())
        let swapped = directory.appendingPathComponent("swapped")
        try dataset.writeWRENCH(to: swapped)
        let out = directory.appendingPathComponent("p.csv").path
        #expect(
            failure(["predict", "--model", model, "--data", swapped.path, "--out", out]).contains(
                "the model's classes are [class0, class1], the data's [class1, class0]"))
        #expect(!FileManager.default.fileExists(atPath: out))
        _ = common
    }

    @Test("edited model files with rows, decompositions or layers that do not fit are refused before use")
    func editedFiles() throws {
        let (directory, model, common) = try trainedToyModel()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("toy").path
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any])
        func edited(_ change: (inout [String: Any]) -> Void) throws -> String {
            var copy = json
            change(&copy)
            let path = directory.appendingPathComponent("edited-\(UUID().uuidString).json").path
            try JSONSerialization.data(withJSONObject: copy).write(to: URL(fileURLWithPath: path))
            return path
        }
        let rows = try edited { $0["trainingRows"] = [0, 1, 100_000] }
        #expect(
            failure(["influence", "--model", rows, "--data", data]).contains("'trainingRows' must be distinct rows"))
        let decomposition = try edited { file in
            var d = file["decomposition"] as! [String: Any]
            d["weights"] = [1.0, 2.0]
            file["decomposition"] = d
        }
        #expect(
            failure(["influence", "--model", decomposition, "--data", data]).contains(
                "the label-model decomposition does not fit"))
        let absurd = try edited { file in
            var end = file["endModel"] as! [String: Any]
            var architecture = end["architecture"] as! [String: Any]
            architecture["hiddenSizes"] = [4_000_000_000, 4_000_000_000]
            end["architecture"] = architecture
            file["endModel"] = end
        }
        let message = failure([
            "predict", "--model", absurd, "--data", data, "--out", directory.appendingPathComponent("p.csv").path,
        ])
        #expect(message.contains("is too large") || message.contains("only"), "\(message)")
        _ = common
    }
}
