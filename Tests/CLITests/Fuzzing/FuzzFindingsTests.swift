import Foundation
import Influence
import TestSupport
import Testing

@testable import CLI
@testable import WeakSup

/// Replaces the first occurrence of `old` in the file at `url`.
private func edit(_ url: URL, replacing old: String, with new: String) throws {
    let text = try String(contentsOf: url, encoding: .utf8)
    let range = try #require(text.range(of: old), "'\(old)' is not in \(url.lastPathComponent)")
    try Data(text.replacingCharacters(in: range, with: new).utf8).write(to: url)
}

@Suite("What the fuzzer found")
struct FuzzFindingsTests {
    @Test("tables render in linear time: a 20,000-character LF name takes milliseconds, not minutes")
    func longNames() {
        let name = String(repeating: "x", count: 20_000)
        let started = DispatchTime.now().uptimeNanoseconds
        let table = alignedTable(header: ["j", "name", "coverage"], rows: [["0", name, "0.5"], ["1", "b", "0.25"]])
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        // A `\s+$` regex per line took 26 s at 16,000 characters (quadratic); one backward scan is linear.
        #expect(seconds < 1, "rendering took \(seconds) s")
        #expect(table.split(separator: "\n").allSatisfy { $0.last != " " })
        #expect(table.hasSuffix("1  b" + String(repeating: " ", count: 19_999) + "  0.25"))
    }

    @Test(
        "every record must have the split's fields, the first one too; a split without features beside others is refused"
    )
    func firstRecordDecidesNothing() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let toy = directory.appendingPathComponent("toy")
        let train = toy.appendingPathComponent("train.json")
        let original = try Data(contentsOf: train)
        // Record 0's "feature" key damaged (a byte flip): record 0 is the one at fault.
        try edit(train, replacing: #""feature""#, with: #""veature""#)
        let message = failure(["train", "--data", toy.path, "--method", "majority"])
        #expect(
            message.contains(
                "train.json, record 0, field 'data.feature': is missing, but record 1 has 3 values (every record of a split has the same fields)"
            ), "\(message)")
        #expect(failure(["lfs", "--data", toy.path]).contains("record 0, field 'data.feature': is missing"))
        try original.write(to: train)
        // A whole split without features beside a training split with them.
        let valid = toy.appendingPathComponent("valid.json")
        let text = try String(contentsOf: valid, encoding: .utf8)
        try Data(text.replacingOccurrences(of: #""feature""#, with: #""unused""#).utf8).write(to: valid)
        #expect(
            failure(["lfs", "--data", toy.path]).contains(
                "valid.json, record 0, field 'data.feature': has 0 features, train.json has 3"))
    }

    @Test("a NUL byte inside a CSV number is refused, naming line and column, not read as the digits before it")
    func nulInNumber() throws {
        for cell in ["5\u{0}0", "-0.\u{0}36657"] {
            let csv = try csvDataset(["a,1,\(cell),1.0,1,-1", "b,0,0.1,2.0,0,0"])
            defer { try? FileManager.default.removeItem(at: csv) }
            let message = failure(["lfs", "--data", csv.path])
            #expect(message.contains("train.csv, record line 2, field 'f0': '"), "\(message)")
            #expect(message.contains("\\u{0}") && message.contains("is not a finite number"), "\(message)")
        }
    }

    @Test(
        "WRENCH files are JSON as Python reads it: +1, 01, 1. and .5 and raw control characters in strings are refused")
    func strictJSON() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let toy = directory.appendingPathComponent("toy")
        let train = toy.appendingPathComponent("train.json")
        let original = try Data(contentsOf: train)
        let firstVote = try #require(
            try String(contentsOf: train, encoding: .utf8).firstMatch(of: /"weak_labels": \[(-?[0-9]+)/)?.output.0)
        for spelling in ["+1", "01", "1.", ".5"] {
            try original.write(to: train)
            try edit(train, replacing: String(firstVote), with: #""weak_labels": ["# + spelling)
            #expect(
                failure(["lfs", "--data", toy.path]).contains(
                    "'\(spelling)' is not a JSON number (JSON has no '+' sign, no leading zeros, and digits on both sides of a '.')"
                ))
        }
        try original.write(to: train)
        try edit(train, replacing: #"": {"#, with: "\u{9}\": {")  // a raw tab inside the first id
        #expect(failure(["lfs", "--data", toy.path]).contains("a string holds a raw control character (byte 9)"))
        // -0 and exponents are JSON: still read.
        try original.write(to: train)
        try edit(train, replacing: String(firstVote), with: #""weak_labels": [-0"#)
        #expect(try weasel(["lfs", "--data", toy.path]).contains("toy / train"))
    }

    @Test(
        "small JSON files (rules, label.json, model files) are refused with a trailing comma or a second BOM, as Python's json does"
    )
    func strictSmallJSON() throws {
        let directory = try temporaryDataset()
        defer { try? FileManager.default.removeItem(at: directory) }
        let toy = directory.appendingPathComponent("toy")
        try Data(#"{"0": "ham", "1": "spam",}"#.utf8).write(to: toy.appendingPathComponent("label.json"))
        #expect(failure(["lfs", "--data", toy.path]).contains("label.json: line 1: expected a key"))
        try Data([0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + Array(#"{"0": "ham", "1": "spam"}"#.utf8)).write(
            to: toy.appendingPathComponent("label.json"))
        #expect(failure(["lfs", "--data", toy.path]).contains("label.json: line 1: unexpected character 'byte 239'"))
        try Data(#"{"0": "ham", "1": "spam"}"#.utf8).write(to: toy.appendingPathComponent("label.json"))
        let model = directory.appendingPathComponent("model.json")
        _ = try weasel([
            "train", "--data", toy.path, "--method", "majority", "--epochs", "1", "--no-tune", "--quiet", "--out",
            model.path,
        ])
        try edit(model, replacing: "}", with: ",}")
        #expect(
            failure(["predict", "--model", model.path, "--data", toy.path, "--out", model.path + ".csv"]).contains(
                "model.json: line 1"))
    }

    @Test("an error quoting a cell with a line break stays on one line")
    func oneLineErrors() throws {
        let raw = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-raw-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: raw) }
        try Data("text,label\ngood,\"two\nlines\"\n".utf8).write(to: raw)
        let rules = raw.deletingPathExtension().appendingPathExtension("json")
        defer { try? FileManager.default.removeItem(at: rules) }
        try Data(#"{"classes": ["a", "b"], "rules": [{"name": "g", "class": "a", "keywords": ["good"]}]}"#.utf8).write(
            to: rules)
        let message = failure(["apply", "--lfs", rules.path, "--data", raw.path, "--out", raw.path + ".out"])
        #expect(message.contains("'two\\u{a}lines' is not one of the classes") && !message.contains("\n"), "\(message)")
    }
}
