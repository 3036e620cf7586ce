import Foundation
import Influence
import TestSupport
import Testing

@testable import CLI
@testable import WeakSup

/// The raw rows shipped in the repository (datasets/debian-packages/packages.csv).
private let debianPackagesCSV = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("datasets/debian-packages/packages.csv")

/// Prepends a UTF-8 byte-order mark to the file at `url`.
private func addByteOrderMark(_ url: URL) throws {
    try Data([0xEF, 0xBB, 0xBF] + Array(try Data(contentsOf: url))).write(to: url)
}

/// A copy of `source` (a folder) in a fresh temporary folder.
private func copyOfFolder(_ source: URL) throws -> URL {
    let copy = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-copy-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: source, to: copy)
    return copy
}

@Suite("Input files as other tools write them")
struct InputFormatTests {
    @Test(
        "every reader skips a UTF-8 byte-order mark: WRENCH splits, label.json, lfs.json, CSV, rules, raw rows, model files"
    )
    func byteOrderMarkEverywhere() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let toy = directory.appendingPathComponent("toy")
        let plain = try WeakDataset.load(from: toy)
        let marked = try copyOfFolder(toy)
        defer { try? FileManager.default.removeItem(at: marked) }
        for name in ["train.json", "valid.json", "test.json", "label.json", "lfs.json"] {
            try addByteOrderMark(marked.appendingPathComponent(name))
        }
        let loaded = try WeakDataset.load(from: marked)
        #expect(loaded.train.ids == plain.train.ids && loaded.test.ids == plain.test.ids)
        #expect(loaded.train.labelMatrix == plain.train.labelMatrix)
        #expect(loaded.train.features!.scalars == plain.train.features!.scalars)
        #expect(loaded.classNames == plain.classNames && loaded.lfNames == plain.lfNames)

        // A file large enough for two readers (the second starts mid-file) reads the same with a BOM.
        let saved = CSVLoader.minimumBytesForParallelParsing
        CSVLoader.minimumBytesForParallelParsing = 64
        defer { CSVLoader.minimumBytesForParallelParsing = saved }
        #expect(try WeakDataset.load(from: marked).train.ids == plain.train.ids)

        // A CSV dataset with its votes in a separate _lfs.csv, each file with a BOM.
        let csv = try csvDataset(
            goodRows.map { $0.split(separator: ",").prefix(4).joined(separator: ",") }, header: "id,label,f0,f1")
        defer { try? FileManager.default.removeItem(at: csv) }
        let splits = ["train", "valid", "test"]
        for split in splits {
            try Data("a,b\n1,-1\n0,0\n1,1\n-1,0\n".utf8).write(to: csv.appendingPathComponent("\(split)_lfs.csv"))
        }
        let before = try WeakDataset.load(from: csv)
        for split in splits {
            try addByteOrderMark(csv.appendingPathComponent("\(split)_lfs.csv"))
            try addByteOrderMark(csv.appendingPathComponent("\(split).csv"))
        }
        let after = try WeakDataset.load(from: csv)
        #expect(after.lfNames == ["a", "b"] && after.train.labelMatrix == before.train.labelMatrix)
        #expect(after.train.features!.scalars == before.train.features!.scalars)

        // Rules and the raw rows they read (CSV and JSON lines).
        let rules = directory.appendingPathComponent("rules.json")
        try Data(#"{"classes": ["no", "yes"], "rules": [{"name": "y", "class": "yes", "keywords": ["good"]}]}"#.utf8)
            .write(to: rules)
        let raw = directory.appendingPathComponent("raw.csv")
        try Data("text,label\ngood day,yes\nbad day,no\ngood one,yes\nso so,no\n".utf8).write(to: raw)
        let lines = directory.appendingPathComponent("raw.jsonl")
        try Data(#"{"text": "good day"}\#n{"text": "bad"}\#n"#.utf8).write(to: lines)
        let tablesBefore = try [RawTable.load(raw), RawTable.load(lines)]
        let rulesBefore = try RuleSet.load(rules, columns: tablesBefore[0].columns)
        for file in [rules, raw, lines] { try addByteOrderMark(file) }
        let tablesAfter = try [RawTable.load(raw), RawTable.load(lines)]
        #expect(zip(tablesBefore, tablesAfter).allSatisfy { $0.columns == $1.columns && $0.rows == $1.rows })
        #expect(try RuleSet.load(rules, columns: tablesAfter[0].columns).rules.count == rulesBefore.rules.count)

        // A trained model file.
        let model = directory.appendingPathComponent("model.json")
        _ = try weasel([
            "train", "--data", toy.path, "--method", "majority", "--epochs", "2", "--no-tune", "--quiet", "--out",
            model.path,
        ])
        try addByteOrderMark(model)
        #expect(try TrainedModelFile.load(from: model).dataset.trainRows == 160)
    }

    @Test("a directory where a file belongs, an overflowing number and trailing garbage name what is wrong")
    func preciseMessages() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let toy = directory.appendingPathComponent("toy")
        let model = directory.appendingPathComponent("model.json")
        _ = try weasel([
            "train", "--data", toy.path, "--method", "majority", "--epochs", "2", "--no-tune", "--quiet", "--out",
            model.path,
        ])
        let text = try String(contentsOf: model, encoding: .utf8)
        let out = directory.appendingPathComponent("p.csv").path
        func predict(_ edited: String) throws -> String {
            let file = directory.appendingPathComponent("edited.json")
            try Data(edited.utf8).write(to: file)
            return failure(["predict", "--model", file.path, "--data", toy.path, "--out", out])
        }
        #expect(
            try predict(text.replacingOccurrences(of: #""learningRate":0.0001"#, with: #""learningRate":1e999"#))
                .contains("line 1, field 'configuration.learningRate': the number 1e999 is out of range"))
        #expect(try predict(text + "\n} extra").contains("line 2: unexpected content after the top-level value"))

        // A directory where a split or a model file should be.
        let broken = try copyOfFolder(toy)
        defer { try? FileManager.default.removeItem(at: broken) }
        try FileManager.default.removeItem(at: broken.appendingPathComponent("valid.json"))
        try FileManager.default.createDirectory(
            at: broken.appendingPathComponent("valid.json"), withIntermediateDirectories: false)
        #expect(failure(["lfs", "--data", broken.path]).contains("valid.json: is a directory, not a file"))
        #expect(
            failure(["predict", "--model", toy.path, "--data", toy.path, "--out", out]).contains(
                "is a directory, not a trained model file"))
        let rulesFolder = directory.appendingPathComponent("rules.json")
        try FileManager.default.createDirectory(at: rulesFolder, withIntermediateDirectories: false)
        #expect(
            failure([
                "apply", "--lfs", rulesFolder.path, "--data", debianPackagesCSV.path, "--out",
                directory.appendingPathComponent("o").path,
            ]).contains("rules.json: is a directory, not a file"))

        // Garbage after a WRENCH split's top-level object names the line, not the last record.
        let split = toy.appendingPathComponent("test.json")
        try Data((try String(contentsOf: split, encoding: .utf8) + "\n, garbage").utf8).write(to: split)
        let message = failure(["lfs", "--data", toy.path])
        #expect(message.contains("test.json: unexpected content after the top-level object (line"))
        #expect(!message.contains("record"))
    }

    @Test("CSV rows may end in LF, CRLF or a lone CR (old Mac), as Python's csv and pandas read them")
    func lineEndings() throws {
        let plain = try csvDataset(goodRows)
        defer { try? FileManager.default.removeItem(at: plain) }
        let expected = try WeakDataset.load(from: plain)
        for ending in ["\r\n", "\r"] {
            let other = try csvDataset(goodRows)
            defer { try? FileManager.default.removeItem(at: other) }
            for split in ["train", "valid", "test"] {
                let file = other.appendingPathComponent("\(split).csv")
                let text = try String(contentsOf: file, encoding: .utf8)
                try Data(text.replacingOccurrences(of: "\n", with: ending).utf8).write(to: file)
            }
            let loaded = try WeakDataset.load(from: other)
            #expect(loaded.train.ids == expected.train.ids, "line ending \(ending.debugDescription)")
            #expect(loaded.train.features!.scalars == expected.train.features!.scalars)
            #expect(loaded.train.labelMatrix == expected.train.labelMatrix && loaded.lfNames == expected.lfNames)
            #expect(loaded.train.goldLabels == expected.train.goldLabels)
        }
        // A quoted cell keeps its line breaks of any kind; the lines after it are counted right.
        let quoted = try csvDataset(["\"x\ry\",1,0.5,1.0,1,-1", "b,0,zero,2.0,0,0"])
        defer { try? FileManager.default.removeItem(at: quoted) }
        #expect(failure(["lfs", "--data", quoted.path]).contains("line 4"))
    }
}
