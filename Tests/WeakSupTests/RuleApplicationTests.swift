import Autodiff
import Foundation
import Testing

@testable import WeakSup

/// The raw text dataset shipped in the repository (datasets/debian-packages).
let debianPackagesURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("datasets/debian-packages")

/// The shipped rules applied to the shipped Debian package descriptions (480 / 60 / 60 rows, 3 classes),
/// with hashed features of `featureDimension` columns.
func debianPackagesDataset(featureDimension: Int = 256) throws -> WeakDataset {
    let raw = try RawTable.load(debianPackagesURL.appendingPathComponent("packages.csv"))
    let rules = try RuleSet.load(debianPackagesURL.appendingPathComponent("rules.json"), columns: raw.columns)
    var options = RuleApplication.Options()
    options.featureDimension = featureDimension
    return try RuleApplication.dataset(name: "deb", rules: rules, table: raw, options: options)
}

private func table(_ columns: [String], _ rows: [[String?]]) -> RawTable {
    RawTable(file: "raw.csv", columns: columns, rows: rows, locations: rows.indices.map { "line \($0 + 2)" })
}

private func rules(_ json: String, columns: [String]) throws -> RuleSet {
    try RuleSet(
        json: try JSONSerialization.jsonObject(with: Data(json.utf8)), file: "rules.json", columns: columns)
}

private func ruleError(_ json: String, columns: [String] = ["text", "n"]) -> String {
    do {
        _ = try rules(json, columns: columns)
        return "no error"
    } catch { return "\(error)" }
}

@Suite("Declarative labeling rules")
struct RuleApplicationTests {
    @Test("each rule kind votes its class exactly when its condition holds")
    func ruleKinds() throws {
        let columns = ["text", "n", "who"]
        let set = try rules(
            """
            {"classes": ["a", "b"], "rules": [
              {"name": "kw", "class": "b", "keywords": ["free offer", "WIN"]},
              {"name": "re", "class": "a", "regex": "^Re:", "field": "text"},
              {"name": "range", "class": "b", "column": "n", ">": 2, "<=": 5},
              {"name": "eq", "class": "a", "column": "who", "equals": "alice"},
              {"name": "eqnum", "class": "b", "column": "n", "equals": 7},
              {"name": "both", "class": "a", "all": [{"keywords": ["hello"]}, {"column": "n", "<": 0}]}]}
            """, columns: columns)
        let data = table(
            columns,
            [
                ["Re: a FREE offer inside", "2", "alice"],  // kw (phrase, any case), re, eq; n = 2 is outside (2, 5]
                ["winner winner", "5", " bob "],  // "win" is not a whole word of "winner"; n = 5 in (2, 5]
                ["we WIN! re: hello", "-1", nil],  // kw; "^Re:" is case-sensitive; both
                ["hello", "x", "alice"],  // n is not a number: range and both abstain
                ["free the offer", "7.0", "carol"],  // the phrase needs adjacent words; 7.0 equals 7
                [nil, "3", "bob"],
            ])
        let votes = RuleApplication.votes(set, on: data)
        #expect(
            (0..<6).map { Array(votes.row($0)) } == [
                [1, 0, -1, 0, -1, -1],
                [-1, -1, 1, -1, -1, -1],
                [1, -1, -1, -1, -1, 0],
                [-1, -1, -1, 0, -1, -1],
                [-1, -1, -1, -1, 1, -1],
                [-1, -1, 1, -1, -1, -1],
            ])
        #expect(set.rules[2].summary == "if n > 2 and n <= 5 then b")
        #expect(set.rules[0].summary == "if text has any of [free offer, WIN] then b")
    }

    @Test("any, not, booleans and ignore_case: a wrapping hour range, an exception, pandas' True, case-free regexes")
    func combinators() throws {
        let columns = ["text", "hour", "is_reply", "who"]
        let set = try rules(
            """
            {"classes": ["a", "b"], "rules": [
              {"name": "night", "class": "b", "any": [{"column": "hour", ">=": 22}, {"column": "hour", "<": 3}]},
              {"name": "not_reply", "class": "a", "not": {"column": "is_reply", "equals": true}},
              {"name": "reply", "class": "b", "column": "is_reply", "equals": true},
              {"name": "re", "class": "a", "regex": "^re:", "ignore_case": true},
              {"name": "who", "class": "b", "column": "who", "equals": "alice", "ignore_case": true},
              {"name": "except", "class": "a", "all": [{"keywords": ["sale"]}, {"not": {"keywords": ["spam"]}}]}]}
            """, columns: columns)
        let data = table(
            columns,
            [
                ["RE: sale", "23", "True", "ALICE"],  // night (≥ 22); pandas' True; any-case regex and equals
                ["sale spam", "2", "false", "bob"],  // night (< 3); not a reply; the exception excludes it
                ["sale", "12", "TRUE", nil],  // a reply in capitals; sale without spam
                ["re: x", "x", nil, "alice "],  // hour not a number; is_reply missing: not(reply) holds
            ])
        let votes = RuleApplication.votes(set, on: data)
        #expect(
            (0..<4).map { Array(votes.row($0)) } == [
                [1, -1, 1, 0, 1, 0],
                [1, 0, -1, -1, -1, -1],
                [-1, -1, 1, -1, -1, 0],
                [-1, 0, -1, 0, 1, -1],
            ])
        #expect(set.rules[0].summary == "if (hour >= 22) or (hour < 3) then b")
        #expect(set.rules[1].summary == "if not (is_reply is true) then a")
        #expect(set.rules[3].summary == "if text matches /^re:/i then a")
    }

    @Test(
        "warnings: a keyword whose punctuation is dropped, a rule that fires on no (or few) training rows, a value in another case"
    )
    func warnings() throws {
        let columns = ["text", "who"]
        let set = try rules(
            """
            {"classes": ["a", "b"], "rules": [
              {"name": "sad", "class": "a", "keywords": ["sad!", "so sad", "C++"]},
              {"name": "bob", "class": "b", "column": "who", "equals": "Bob"},
              {"name": "never", "class": "b", "regex": "zzz"},
              {"name": "rare", "class": "a", "keywords": ["once"]}]}
            """, columns: columns)
        #expect(set.warnings.count == 2)
        #expect(set.warnings[0].contains("rule 'sad' (#1), field 'keywords': 'sad!' is matched as the words 'sad'"))
        #expect(set.warnings[1].contains("'C++' is matched as the words 'c'"))
        let rows: [[String?]] = (0..<40).map { i in [i == 0 ? "once sad" : "so sad", i % 2 == 0 ? "bob" : "BOB"] }
        let data = table(columns, rows)
        let votes = RuleApplication.votes(set, on: data)
        let warnings = RuleApplication.coverageWarnings(set, table: data, trainVotes: votes)
        #expect(warnings.count == 3)
        #expect(
            warnings[0]
                == "rule 'bob' fires on no training row; 40 rows hold 'bob' in column 'who', another case of 'Bob' (equals compares case; \"ignore_case\": true does not)"
        )
        #expect(warnings[1] == "rule 'never' fires on no training row")
        #expect(warnings[2] == "rule 'rare' fires on only 1 of 40 training rows")
    }

    @Test("words: the ASCII fast path splits and lowercases exactly as the Unicode path")
    func tokenizer() {
        var generator = SeededGenerator(seed: 9)
        let alphabet = Array("aZz09 -_.,!'\"\t\nAbC[]{}@`~/:;?^")
        for _ in 0..<2000 {
            let text = String(
                (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(WordTokenizer.words(text) == WordTokenizer.unicodeWords(text), "\(text)")
        }
        #expect(WordTokenizer.words("Real-time strategy GAME!") == ["real", "time", "strategy", "game"])
        #expect(WordTokenizer.words("Ärger über 3D-Grafik") == ["ärger", "über", "3d", "grafik"])
    }

    @Test("mistakes in a rules file name the rule and the field")
    func ruleErrors() {
        let cases: [(String, String)] = [
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "keyword": ["x"]}]}"#,
                "rule 'r' (#1), field 'keyword': unknown key: a condition is one of keywords, regex"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "or": [{"keywords": ["x"]}]}]}"#,
                "rule 'r' (#1), field 'or': unknown key: a condition is one of keywords, regex, a comparison (>, >=, <, <=), equals, all, any or not"
            ),
            (#"{"classes": ["a"], "rules": [{"name": "r", "class": "a"}]}"#, "rule 'r' (#1): needs one condition"),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "regex": "x", "ignore_case": "yes"}]}"#,
                "rule 'r' (#1), field 'ignore_case': expected true or false"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "keywords": ["x"], "ignore_case": true}]}"#,
                "field 'ignore_case': unknown key for a keywords condition"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "not": [{"keywords": ["x"]}]}]}"#,
                "rule 'r' (#1), field 'not': expected one condition (an object)"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "any": [{"keywords": ["x"]}, {"regx": "y"}]}]}"#,
                "rule 'r' (#1) any[1], field 'regx': unknown key"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "keywords": ["x"], "fild": "text"}]}"#,
                "rule 'r' (#1), field 'fild': unknown key"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "c", "keywords": ["x"]}]}"#,
                "rule 'r' (#1), field 'class': 'c' is not one of the classes (a)"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "keywords": ["x"], "field": "body"}]}"#,
                "rule 'r' (#1), field 'field': 'body' is not a column of the data (columns: text, n)"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "regex": "(unclosed"}]}"#,
                "field 'regex': '(unclosed' is not a valid regular expression"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "column": "n", ">": 5, "<": 1}]}"#,
                "rule 'r' (#1): the range is empty"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "column": "n", ">": "5"}]}"#,
                "rule 'r' (#1), field '>': expected a finite number"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "column": "n", ">": true}]}"#,
                "field '>': expected a finite number"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "keywords": ["x"], "regex": "y"}]}"#,
                "has more than one condition (keywords, regex)"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "keywords": ["--"]}]}"#,
                "field 'keywords': '--' has no letters or digits"
            ),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "all": [{"column": "n", "equals": [1]}]}]}"#,
                "rule 'r' (#1) all[0], field 'equals': expected a string, a number or a boolean"
            ),
            (#"{"classes": ["a"], "rules": [{"class": "a", "keywords": ["x"]}]}"#, "rule #1, field 'name'"),
            (
                #"{"classes": ["a"], "rules": [{"name": "r", "class": "a", "keywords": ["x"]}, {"name": "r", "class": "a", "keywords": ["y"]}]}"#,
                "rule 'r' (#2), field 'name': another rule has this name"
            ),
            (#"{"classes": ["a", "a"], "rules": []}"#, "field 'classes': class 'a' is listed twice"),
            (#"{"classes": ["a"], "rules": [], "extra": 1}"#, "field 'extra': unknown key"),
        ]
        for (json, expected) in cases {
            let message = ruleError(json)
            #expect(message.hasPrefix("rules.json") && message.contains(expected), "\(json) → \(message)")
        }
    }

    @Test("votes computed on all cores equal a one-row-at-a-time pass")
    func parallelVotesAreDeterministic() throws {
        var generator = SeededGenerator(seed: 3)
        let words = ["alpha", "beta", "gamma", "delta", "free", "offer", "win", "hello"]
        let rows: [[String?]] = (0..<5000).map { _ in
            let text = (0..<Int.random(in: 1...8, using: &generator)).map { _ in words.randomElement(using: &generator)!
            }
            return [text.joined(separator: " "), "\(Double.random(in: -10...10, using: &generator))"]
        }
        let set = try rules(
            """
            {"classes": ["a", "b", "c"], "rules": [
              {"name": "k1", "class": "a", "keywords": ["alpha", "free offer"]},
              {"name": "k2", "class": "b", "keywords": ["win"]},
              {"name": "r", "class": "c", "regex": "gamma\\\\s+delta"},
              {"name": "t", "class": "a", "column": "n", ">=": 3},
              {"name": "and", "class": "b", "all": [{"keywords": ["hello"]}, {"column": "n", "<": -2}]}]}
            """, columns: ["text", "n"])
        let data = table(["text", "n"], rows)
        let votes = RuleApplication.votes(set, on: data)
        var expected: [Int8] = []
        for row in rows {
            let tokens = [0: WordTokenizer.words(row[0]!)]
            for rule in set.rules {
                expected.append(rule.condition.holds(row, words: tokens) ? Int8(rule.classIndex) : -1)
            }
        }
        #expect(votes.compactVotes == expected)
        #expect(votes.voteCount > 2000)
    }

    @Test("the shipped rules on the shipped Debian package descriptions: a dataset that round-trips through WRENCH")
    func debianPackagesDataset() throws {
        let raw = try RawTable.load(debianPackagesURL.appendingPathComponent("packages.csv"))
        #expect(raw.rows.count == 600 && raw.columns == ["id", "text", "maintainer", "installed_size", "label"])
        let set = try RuleSet.load(debianPackagesURL.appendingPathComponent("rules.json"), columns: raw.columns)
        var options = RuleApplication.Options()
        options.featureDimension = 256
        let dataset = try RuleApplication.dataset(name: "deb", rules: set, table: raw, options: options)
        #expect([dataset.train.count, dataset.valid.count, dataset.test.count] as [Int] == [480, 60, 60])
        // Stratified: each split holds the classes in the file's proportions (200 each).
        for split in [dataset.valid, dataset.test] {
            #expect((0..<3).map { c in split.goldLabels!.filter { $0 == c }.count } as [Int] == [20, 20, 20])
        }
        // Seeded: the same seed gives the same split, another seed another one.
        #expect(
            try RuleApplication.dataset(name: "deb", rules: set, table: raw, options: options).test.ids
                == dataset.test.ids)
        options.seed = 1
        #expect(
            try RuleApplication.dataset(name: "deb", rules: set, table: raw, options: options).test.ids
                != dataset.test.ids)
        // Features: unit rows; tokens: train words are known, so no train token is 1 (unknown).
        let features = try #require(dataset.train.features)
        #expect(features.shape == [480, 256])
        for i in 0..<10 {
            let row = features.scalars[(i * 256)..<((i + 1) * 256)]
            #expect(abs(row.map { $0 * $0 }.reduce(0, +) - 1) < 1e-5)
        }
        #expect(dataset.train.tokens!.allSatisfy { !$0.contains(1) })
        #expect(dataset.test.tokens!.contains { $0.contains(1) })
        // Majority vote of the rules beats chance by far on the gold labels (a real task).
        let analysis = LFAnalysis(
            labelMatrix: dataset.train.labelMatrix, lfNames: dataset.lfNames, goldLabels: dataset.train.goldLabels)
        #expect(analysis.totalCoverage > 0.8)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try dataset.writeWRENCHFolder(atPath: folder.path, lfDetails: set.rules.map { ["definition": $0.definition] })
        let loaded = try WeakDataset.load(from: folder)
        for split in WeakDataset.Split.allCases {
            // The loader orders rows by id.
            let position = Dictionary(uniqueKeysWithValues: dataset[split].ids.enumerated().map { ($1, $0) })
            let written = dataset[split].subset(loaded[split].ids.map { position[$0]! })
            #expect(Set(loaded[split].ids) == Set(dataset[split].ids))
            #expect(loaded[split].features!.floats == written.features!.floats)
            #expect(loaded[split].tokens! == written.tokens!)
            #expect(loaded[split].texts! == written.texts!)
            #expect(loaded[split].labelMatrix == written.labelMatrix)
            #expect(loaded[split].goldLabels! == written.goldLabels!)
        }
        #expect(loaded.lfNames == set.rules.map(\.name) && loaded.lfDescriptions == set.rules.map(\.summary))
        #expect(loaded.vocabularySize == dataset.vocabularySize)
    }

    @Test("JSON lines input, a split column, rows without gold labels, and data errors naming line and field")
    func jsonLinesAndSplitColumn() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("raw.jsonl")
        let lines = [
            #"{"text": "free money", "split": "train", "label": "spam", "n": 3}"#,
            #"{"text": "hello there", "split": "train", "label": null, "n": 1}"#,
            "",
            #"{"text": "see you", "split": "valid", "label": "ham", "n": 0.5}"#,
            #"{"text": "win money", "split": "test", "label": "spam", "flag": true}"#,
        ]
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let raw = try RawTable.load(file)
        #expect(raw.columns == ["label", "n", "split", "text", "flag"])
        #expect(raw.rows[3] == ["spam", nil, "test", "win money", "true"] && raw.locations[3] == "line 5")
        let set = try rules(
            #"{"classes": ["ham", "spam"], "rules": [{"name": "money", "class": "spam", "keywords": ["money"]}, {"name": "big", "class": "spam", "column": "n", ">": 2}]}"#,
            columns: raw.columns)
        let dataset = try RuleApplication.dataset(name: "tiny", rules: set, table: raw)
        #expect(dataset.train.ids == ["0", "1"] && dataset.valid.ids == ["2"] && dataset.test.ids == ["3"])
        #expect(dataset.train.goldLabels == nil && dataset.valid.goldLabels == [0])
        #expect(
            Array(dataset.train.labelMatrix.row(0)) == [1, 1] && Array(dataset.test.labelMatrix.row(0)) == [1, -1])

        var bad = raw
        bad.rows[1][2] = "dev"
        #expect(
            throws: DataError(
                file: raw.file, record: "line 2", field: "split", "'dev' is not a split (train, valid or test)")
        ) {
            try RuleApplication.dataset(name: "tiny", rules: set, table: bad)
        }
        bad = raw
        bad.rows[0][0] = "eggs"
        #expect(
            throws: DataError(
                file: raw.file, record: "line 1", field: "label", "'eggs' is not one of the classes (ham, spam)")
        ) {
            try RuleApplication.dataset(name: "tiny", rules: set, table: bad)
        }
        try "{\"text\": [1]}\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(
            throws: DataError(
                file: file.path, record: "line 1", field: "text",
                "is a list or an object (rules read text, numbers and booleans)")
        ) {
            try RawTable.load(file)
        }
    }

    @Test("a dataset folder is replaced whole; a folder that is not a dataset is never touched")
    func folderReplacement() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: parent) }
        let small = SyntheticWeakSupervision(accuracies: [0.8, 0.7], propensities: [0.5, 0.5], featureCount: 2)
            .makeDataset(trainCount: 20, validCount: 10, testCount: 10, seed: 1)
        let target = parent.appendingPathComponent("out")
        try small.writeWRENCHFolder(atPath: target.path)
        try "old".write(to: target.appendingPathComponent("extra.txt"), atomically: true, encoding: .utf8)
        try small.writeWRENCHFolder(atPath: target.path)
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("extra.txt").path))
        #expect(try WeakDataset.load(from: target).train.ids == small.train.ids)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["out"])

        let notes = parent.appendingPathComponent("notes")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        try "keep".write(to: notes.appendingPathComponent("a.txt"), atomically: true, encoding: .utf8)
        #expect(throws: DataError.self) { try small.writeWRENCHFolder(atPath: notes.path) }
        #expect(try String(contentsOf: notes.appendingPathComponent("a.txt"), encoding: .utf8) == "keep")
    }
}
