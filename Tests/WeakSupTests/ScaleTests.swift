import Autodiff
import Foundation
import TestSupport
import Testing

@testable import WeakSup

@Suite("Loading and statistics at scale give exactly the old answers")
struct ScaleTests {
    @Test("the fast decimal parser reads every number exactly as Double(String) and Int(String) do")
    func decimalParsingMatchesTheStandardParser() {
        var generator = SeededGenerator(seed: 11)
        var texts = [
            "0", "-0", "+1", ".5", "5.", "-.5", "1e5", "1E-5", "1e+22", "1e23", "9007199254740993", "1e", "e5", "-", "",
            "+", ".", "inf", "-infinity", "nan", "0x1p3", "1_0", "00012.5000", "123456789012345678901234",
            "0.1234567890123456789012", "1e400", "4.9e-324", "1.7976931348623157e308", "3.4028235e38", "1e-30",
            "0.000000000000000000001", "1.5e-7", "12345678.87654321", "1..2", "1e5e5", "--1", "1-", "١",
        ]
        for _ in 0..<4000 {
            let magnitude = Foundation.pow(10, Double(generator.nextInt(below: 30)) - 15)
            let value = (generator.nextUniform() * 2 - 1) * magnitude
            texts += [
                "\(Float(value))", "\(value)", String(format: "%.9g", value), String(format: "%.6f", value),
                String(format: "%e", value), String(format: "%.17g", value), String(format: "%.3E", value),
            ]
        }
        // Random spellings: leading zeros, runs of 0–24 digits on either side of the point, exponents.
        let digitString = { (generator: inout SeededGenerator, count: Int) in
            String((0..<count).map { _ in Character("\(generator.nextInt(below: 10))") })
        }
        for _ in 0..<6000 {
            var text = ["", "-", "+"][generator.nextInt(below: 3)]
            text += String(repeating: "0", count: generator.nextInt(below: 3))
            text += digitString(&generator, generator.nextInt(below: 13))
            if generator.nextInt(below: 4) > 0 { text += "." + digitString(&generator, generator.nextInt(below: 25)) }
            if generator.nextInt(below: 3) == 0 { text += "e\(generator.nextInt(below: 61) - 30)" }
            texts.append(text)
        }
        for text in texts {
            var copy = text
            let fast = copy.withUTF8 { DecimalParsing.parseDouble(UnsafeRawBufferPointer($0), 0, $0.count) }
            #expect(fast?.bitPattern == Double(text)?.bitPattern, "\(text)")
        }
        for text in ["0", "-1", "+7", "007", "", "-", "+", "1.0", "99999999999999999999", "-9223372036854775808", " 1"]
        {
            var copy = text
            let fast = copy.withUTF8 { DecimalParsing.parseInt(UnsafeRawBufferPointer($0), 0, $0.count) }
            #expect(fast == Int(text), "\(text)")
        }
    }

    @Test(
        "CSV splits load bit-identically to the old parser: plain and quoted files, odd spellings, both in parts",
        arguments: [false, true])
    func csvMatchesTheReferenceParser(quoted: Bool) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (seed, split) in ["train", "valid", "test"].enumerated() {
            try Data(messyCSV(rows: split == "train" ? 3000 : 200, seed: UInt64(seed), quoted: quoted).utf8)
                .write(to: directory.appendingPathComponent("\(split).csv"))
        }
        let threshold = CSVLoader.minimumBytesForParallelParsing
        CSVLoader.minimumBytesForParallelParsing = 4096  // two parts for the plain file
        defer { CSVLoader.minimumBytesForParallelParsing = threshold }
        let dataset = try CSVLoader.load(directory: directory)
        for split in WeakDataset.Split.allCases {
            let reference = try ReferenceCSVParser.parse(directory.appendingPathComponent("\(split.rawValue).csv"))
            let loaded = dataset[split]
            #expect(loaded.ids.elementsEqual(reference.ids))
            #expect(loaded.goldLabels!.elementsEqual(reference.labels.map { $0! }))
            #expect(loaded.features!.floats.map(\.bitPattern).elementsEqual(reference.features.map(\.bitPattern)))
            #expect(loaded.labelMatrix.votes.elementsEqual(reference.votes))
        }
    }

    @Test("an error in the second part of a file parsed in parallel names its exact line, field and value")
    func errorsInTheSecondPartNameTheirLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var lines = messyCSV(rows: 3000, seed: 1, quoted: false).components(separatedBy: "\n")
        let bad = (2500...).first { lines[$0].count > 10 }!  // a data line in the second half
        var cells = lines[bad].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        cells[3] = "1.2.3"
        lines[bad] = cells.joined(separator: ",")
        let text = Data(lines.joined(separator: "\n").utf8)
        try text.write(to: directory.appendingPathComponent("train.csv"))
        // The line of the bad cell, counted in the file's bytes.
        let offset = text.firstRange(of: Data("1.2.3".utf8))!.lowerBound
        let badLine = 1 + text[..<offset].filter { $0 == 0x0A }.count
        for split in ["valid", "test"] {
            try Data(messyCSV(rows: 50, seed: 2, quoted: false).utf8).write(
                to: directory.appendingPathComponent("\(split).csv"))
        }
        let threshold = CSVLoader.minimumBytesForParallelParsing
        CSVLoader.minimumBytesForParallelParsing = 4096
        defer { CSVLoader.minimumBytesForParallelParsing = threshold }
        #expect(throws: DataError.self) { try CSVLoader.load(directory: directory) }
        do { _ = try CSVLoader.load(directory: directory) } catch let error as DataError {
            #expect(error.record == "line \(badLine)")
            #expect(error.field == "f1")
            #expect(error.problem == "'1.2.3' is not a finite number")
        }
    }

    @Test("WRENCH features are the Float32 of each JSON number, as JSONSerialization reads it")
    func wrenchNumbersAreExact() throws {
        let dataset = try WrenchLoader.load(directory: spambaseURL)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: spambaseURL.appendingPathComponent("valid.json")))
                as? [String: [String: Any]])
        let ids = object.keys.sorted { Int($0)! < Int($1)! }
        let expected = ids.flatMap { id in
            ((object[id]!["data"] as! [String: Any])["feature"] as! [NSNumber]).map { Float($0.doubleValue) }
        }
        #expect(dataset.valid.ids == ids)
        #expect(dataset.valid.features!.floats.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test(
        "WRENCH strings with escapes, integers spelled as 1.0 or 1e0, and numbers the fast path declines read as before"
    )
    func wrenchSpellings() throws {
        let record = { (id: String, text: String, label: String, votes: String, feature: String) in
            #""\#(id)": {"label": \#(label), "weak_labels": [\#(votes)], "data": {"text": "\#(text)", "feature": [\#(feature)]}}"#
        }
        let train =
            "{" + record("0", #"a \"quoted\" caf\u00e9 \\ tab\t"#, "1.0", "1e0, -1", "0.1, 1e-30")
            + ", " + record("1", "plain é", "0", "0, 0", "123456789012345678901234, -0.0") + "}"
        let directory = try wrenchFolder([
            "train.json": train, "valid.json": goodRecordWithText, "test.json": goodRecordWithText,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataset = try WrenchLoader.load(directory: directory)
        #expect(dataset.train.texts == ["a \"quoted\" café \\ tab\t", "plain é"])
        #expect(dataset.train.goldLabels == [1, 0])
        #expect(dataset.train.labelMatrix.votes == [1, -1, 0, 0])
        let expected: [Float] = [
            Float(Double("0.1")!), Float(Double("1e-30")!), Float(Double("123456789012345678901234")!), -0.0,
        ]
        #expect(dataset.train.features!.floats.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test(
        "WRENCH JSON read by two readers (the second from a guessed record boundary) gives what one reader gives",
        arguments: [
            "good", "guess at depth 2", "bad vote in the second half", "feature missing in the second half",
            "vote count in the second half", "content after the object",
        ])
    func wrenchInTwoPartsMatchesOneReader(variant: String) throws {
        let count = 3000
        var records: [String] = []
        for i in 0..<count {
            var votes = ["\(i % 3 - 1)", "\(i % 2)"]
            var data = #""text": "row \#(i) }, \"k\": {", "feature": [\#(Float(i) / 7), -\#(i)e-3]"#
            var extra = ""
            switch variant {
            case "guess at depth 2":
                // Every record ends with a nested object after `data`, and the record at the middle is
                // long, so the first `}, "key": {` after the middle of the file is inside a record.
                extra = #", "meta": {"source": "s\#(i)"}"#
                if i == count / 2 { data = #""text": "\#(String(repeating: "a", count: 400_000))", "feature": [1, 2]"# }
            case "bad vote in the second half" where i == count * 3 / 4: votes[1] = #""x""#
            case "feature missing in the second half" where i == count * 3 / 4: data = #""text": "t""#
            case "vote count in the second half" where i == count * 3 / 4: votes.removeLast()
            default: break
            }
            records.append(
                #""\#(i)": {"label": \#(i % 2), "weak_labels": [\#(votes.joined(separator: ", "))], "data": {\#(data)}\#(extra)}"#
            )
        }
        let train =
            "{"
            + records.enumerated().map { $0.offset % 2 == 0 ? $0.element : "\n" + $0.element }.joined(separator: ",")
            + "}" + (variant == "content after the object" ? " x" : "")
        let directory = try wrenchFolder([
            "train.json": train, "valid.json": goodRecordWithText, "test.json": goodRecordWithText,
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        func outcome() -> String {
            do {
                let split = try WrenchLoader.load(directory: directory).train
                return "\(split.ids) \(split.goldLabels!) \(split.labelMatrix.votes) \(split.texts!) "
                    + "\(split.features!.floats.map(\.bitPattern))"
            } catch { return "\(error)" }
        }
        let oneReader = outcome()
        let threshold = CSVLoader.minimumBytesForParallelParsing
        CSVLoader.minimumBytesForParallelParsing = 4096
        defer { CSVLoader.minimumBytesForParallelParsing = threshold }
        #expect(outcome() == oneReader)
        #expect(
            oneReader.hasPrefix("[\"0\", ") == ["good", "guess at depth 2"].contains(variant),
            "\(oneReader.prefix(300))")
        // The guess lands on a record in the good file and inside one in the other.
        let bytes = Array(train.utf8)
        let guess = bytes.withUnsafeBytes { JSONReader(bytes: $0).recordBoundary(after: $0.count / 2) }
        let next = String(decoding: bytes[guess!...].prefix(12), as: UTF8.self).trimmingCharacters(in: .whitespaces)
        #expect(next.hasPrefix("\"meta\"") == (variant == "guess at depth 2"), "\(next)")
    }

    @Test("LF analysis in one pass equals counting row by row")
    func lfAnalysisMatchesNaiveCounts() {
        var generator = SeededGenerator(seed: 5)
        let (n, m, c) = (500, 7, 3)
        let votes = (0..<(n * m)).map { _ in generator.nextUniform() < 0.5 ? -1 : generator.nextInt(below: c) }
        let gold = (0..<n).map { _ in generator.nextInt(below: c) }
        let L = LabelMatrix(rowCount: n, lfCount: m, votes: votes)
        let analysis = LFAnalysis(labelMatrix: L, lfNames: (0..<m).map { "lf\($0)" }, goldLabels: gold)
        for j in 0..<m {
            let voting = (0..<n).filter { L[$0, j] != -1 }
            let others = { (i: Int) in (0..<m).filter { $0 != j && L[i, $0] != -1 } }
            #expect(analysis.lfs[j].coverage == Double(voting.count) / Double(n))
            #expect(analysis.lfs[j].overlaps == Double(voting.filter { !others($0).isEmpty }.count) / Double(n))
            #expect(
                analysis.lfs[j].conflicts
                    == Double(voting.filter { i in others(i).contains { L[i, $0] != L[i, j] } }.count) / Double(n))
            #expect(analysis.lfs[j].correct == voting.filter { L[$0, j] == gold[$0] }.count)
            #expect(analysis.lfs[j].polarity == Set(voting.map { L[$0, j] }).sorted())
        }
        let covered = (0..<n).filter { i in (0..<m).contains { L[i, $0] != -1 } }
        let conflicting = (0..<n).filter { i in Set((0..<m).map { L[i, $0] }.filter { $0 != -1 }).count > 1 }
        #expect(analysis.totalCoverage == Double(covered.count) / Double(n))
        #expect(analysis.totalConflict == Double(conflicting.count) / Double(n))
    }

    @Test("Snorkel's co-vote counts equal the one-hot product L̄ᵀL̄")
    func coVoteCountsMatchTheOneHotProduct() {
        var generator = SeededGenerator(seed: 9)
        let (n, m, c) = (300, 6, 3)
        let votes = (0..<(n * m)).map { _ in generator.nextUniform() < 0.4 ? -1 : generator.nextInt(below: c) }
        let L = LabelMatrix(rowCount: n, lfCount: m, votes: votes)
        let oneHot = Tensor.oneHot(votes, classCount: c, dtype: .float64).reshaped([n, m * c])
        let product = oneHot.matmul(oneHot, transposeSelf: true).scalars
        #expect(coVoteCounts(L, classCount: c).map(Double.init) == product)
    }
}

/// A CSV split with every spelling the loader must read as the old parser did: shortest, `%.9g`,
/// fixed, scientific and 17-digit numbers, more digits than the fast path takes, cells padded with
/// spaces, CRLF line ends, blank lines and — when `quoted` — quoted ids and numbers.
private func messyCSV(rows: Int, seed: UInt64, quoted: Bool, features: Int = 6, lfs: Int = 5) -> String {
    var generator = SeededGenerator(seed: seed)
    var text =
        (["id", "label"] + (0..<features).map { "f\($0)" } + (0..<lfs).map { " lf_\($0) " })
        .joined(separator: ",") + "\n"
    for i in 0..<rows {
        let id = quoted && i % 7 == 0 ? "\"r,\(i)\"\"x\"" : "\(i)"
        var cells = [id, "\(generator.nextInt(below: 2))"]
        for k in 0..<features {
            let value = generator.nextNormal() * Foundation.pow(10, Double((i + k) % 9) - 4)
            switch (i + k) % 10 {
            case 0: cells.append("\(Float(value))")
            case 1: cells.append(String(format: "%.9g", value))
            case 2: cells.append(String(format: "%.6f", value))
            case 3: cells.append(String(format: "%e", value))
            case 4: cells.append(" \(Float(value)) ")
            case 5: cells.append(String(format: "%.17g", value))
            case 6: cells.append("\(value)1234567890123")
            case 7: cells.append(quoted ? "\"\(Float(value))\"" : String(format: "%.3E", value))
            case 8: cells.append(String(format: "%.2e", value * 1e-30))
            default: cells.append("\t\(value)")
            }
        }
        for k in 0..<lfs {
            let vote = generator.nextUniform() < 0.5 ? -1 : generator.nextInt(below: 2)
            cells.append((i + k) % 11 == 0 ? " \(vote)" : (i + k) % 13 == 0 && vote >= 0 ? "+\(vote)" : "\(vote)")
        }
        text += cells.joined(separator: ",") + (i % 13 == 0 ? "\r\n" : "\n")
        if i % 97 == 0 { text += "\n" }
    }
    return text
}

private let goodRecordWithText =
    #"{"0": {"label": 1, "weak_labels": [1, -1], "data": {"text": "x", "feature": [0.5, 1.0]}}, "1": {"label": 0, "weak_labels": [0, 0], "data": {"text": "y", "feature": [0.1, 2.0]}}}"#
