import Foundation
import TestSupport
import Testing
import WeakSup

/// The spambase folder shipped in the repository (datasets/spambase).
let spambaseURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("datasets/spambase")

/// A temporary WRENCH folder holding `files` (name → content).
func wrenchFolder(_ files: [String: String]) throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-data-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    for (name, content) in files { try Data(content.utf8).write(to: directory.appendingPathComponent(name)) }
    return directory
}

let goodRecord =
    #"{"0": {"label": 1, "weak_labels": [1, -1], "data": {"feature": [0.5, 1.0]}}, "1": {"label": 0, "weak_labels": [0, 0], "data": {"feature": [0.1, 2.0]}}}"#
let labelNames = #"{"0": "no", "1": "yes"}"#

@Suite("Dataset loaders")
struct LoaderTests {
    @Test("spambase loads with its shape, labels, LF descriptions and votes")
    func spambase() throws {
        let dataset = try WeakDataset.load(from: spambaseURL)
        #expect(dataset.classNames == ["ham", "spam"])
        #expect(dataset.lfCount == 28 && dataset.featureCount == 57)
        #expect(dataset.train.count == 3681 && dataset.valid.count == 460 && dataset.test.count == 460)
        #expect(dataset.train.goldLabels?.filter { $0 == 0 }.count == 2230)
        #expect(dataset.train.ids.prefix(3) == ["0", "1", "2"])
        #expect(dataset.lfDescriptions[1] == "if (num1999 > 0.11) then ham")
        let analysis = LFAnalysis(
            labelMatrix: dataset.train.labelMatrix, lfNames: dataset.lfNames, goldLabels: dataset.train.goldLabels)
        #expect(abs(analysis.totalCoverage - 0.9364) < 5e-4)  // stats.json: lf_total_coverage_train
        #expect(
            abs(analysis.lfs[0].coverage - 0.3619) < 5e-4 && abs(analysis.lfs[0].empiricalAccuracy! - 0.8574) < 5e-4)
    }

    @Test(
        "a corpus of broken inputs is rejected with messages naming file, record and field",
        arguments: [
            (
                "wrong LF count",
                #"{"0": {"label": 1, "weak_labels": [1, -1], "data": {"feature": [0.5, 1.0]}}, "7": {"label": 0, "weak_labels": [0], "data": {"feature": [0.1, 2.0]}}}"#,
                "record 7, field 'weak_labels': has 1 votes, expected 2 (as in record 0)"
            ),
            (
                "vote 7 in a binary task",
                #"{"0": {"label": 1, "weak_labels": [7, -1], "data": {"feature": [0.5, 1.0]}}}"#,
                "record 0, field 'weak_labels': vote 7 of LF 0 is not in -1..<2 (-1 = abstain)"
            ),
            (
                "NaN feature", #"{"0": {"label": 1, "weak_labels": [1, -1], "data": {"feature": [NaN, 1.0]}}}"#,
                "record 0, field 'data.feature': non-finite number (NaN/Infinity) (line 1)"
            ),
            (
                "truncated JSON", #"{"0": {"label": 1, "weak_labels": [1, -1], "data": {"feature": [0.5, 1.0"#,
                "record 0, field 'data.feature': unexpected end of file (truncated JSON?) (line 1)"
            ),
            (
                "unequal feature width",
                #"{"0": {"label": 1, "weak_labels": [1, -1], "data": {"feature": [0.5, 1.0]}}, "1": {"label": 1, "weak_labels": [1, -1], "data": {"feature": [0.5]}}}"#,
                "record 1, field 'data.feature': has 1 values, expected 2 (as in record 0)"
            ),
            (
                "label out of range", #"{"0": {"label": 4, "weak_labels": [1, -1], "data": {"feature": [0.5, 1.0]}}}"#,
                "record 0, field 'label': label 4 is not in 0..<2"
            ),
        ])
    func brokenTrainFile(_ testCase: (String, String, String)) throws {
        let (_, train, expected) = testCase
        let folder = try wrenchFolder([
            "train.json": train, "valid.json": goodRecord, "test.json": goodRecord, "label.json": labelNames,
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("train.json").path
        #expect(throws: DataError.self) { try WeakDataset.load(from: folder) }
        do { _ = try WeakDataset.load(from: folder) } catch let error as DataError {
            #expect(error.description == "\(file), \(expected)")
        }
    }

    @Test("a missing split is named")
    func missingSplit() throws {
        let folder = try wrenchFolder(["train.json": goodRecord, "test.json": goodRecord])
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(
            throws: DataError(
                file: folder.appendingPathComponent("valid.json").path,
                "missing split file (a WRENCH folder needs train.json, valid.json and test.json)")
        ) {
            try WeakDataset.load(from: folder)
        }
    }

    @Test("text records are tokenized with a vocabulary built on train (unknown = 1)")
    func text() throws {
        let train =
            #"{"0": {"label": 1, "weak_labels": [1], "data": {"text": "free money now"}}, "1": {"label": 0, "weak_labels": [-1], "data": {"text": "hello \"friend\" now"}}}"#
        let test = #"{"0": {"label": 1, "weak_labels": [1], "data": {"text": "money unseen"}}}"#
        let folder = try wrenchFolder(["train.json": train, "valid.json": test, "test.json": test])
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try WeakDataset.load(from: folder)
        #expect(dataset.train.tokens! == [[2, 3, 4], [5, 6, 4]])
        #expect(dataset.test.tokens! == [[3, 1]])
        #expect(dataset.train.texts![1] == "hello \"friend\" now")
        #expect(dataset.vocabularySize == 7)
        #expect(dataset.train.tokenTensor(length: 4)!.scalars == [2, 3, 4, 0, 5, 6, 4, 0])
    }

    @Test("CSV folders: features, a label column, LF columns by prefix; errors name line and column")
    func csv() throws {
        let header = "id,f1,f2,label,lf_a,lf_b\n"
        let good = header + "r1,0.5,1,1,1,-1\nr2,\"2.5\",3,0,0,0\n"
        let folder = try wrenchFolder(["train.csv": good, "valid.csv": good, "test.csv": good])
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataset = try WeakDataset.load(from: folder)
        #expect(dataset.lfNames == ["a", "b"] && dataset.featureCount == 2)
        #expect(dataset.train.ids == ["r1", "r2"] && dataset.train.goldLabels == [1, 0])
        #expect(dataset.train.features!.scalars == [0.5, 1, 2.5, 3])
        try Data((header + "r1,0.5,x,1,1,-1\n").utf8).write(to: folder.appendingPathComponent("valid.csv"))
        #expect(
            throws: DataError(
                file: folder.appendingPathComponent("valid.csv").path, record: "line 2", field: "f2",
                "'x' is not a finite number")
        ) {
            try WeakDataset.load(from: folder)
        }
        try Data((header + "r1,0.5,1,1,3,-1\n").utf8).write(to: folder.appendingPathComponent("valid.csv"))
        #expect(
            throws: DataError(
                file: folder.appendingPathComponent("valid.csv").path, record: "line 2", field: "a",
                "vote 3 is not in -1..<2 (-1 = abstain)")
        ) {
            try WeakDataset.load(from: folder)
        }
    }
}
