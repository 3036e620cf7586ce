import Foundation
import TestSupport
import Testing

@testable import CLI

private let debianPackages = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("datasets/debian-packages")

@Suite("weasel apply")
struct ApplyCommandTests {
    @Test("apply writes a dataset folder that compare runs on with an MLP and with an LSTM end model")
    func applyThenCompare() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apply-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("packages").path
        let printed = try weasel([
            "apply", "--lfs", debianPackages.appendingPathComponent("rules.json").path, "--data",
            debianPackages.appendingPathComponent("packages.csv").path, "--out", out, "--features", "512",
        ])
        #expect(printed.contains("480/60/60 train/valid/test rows, 15 LFs, classes games, science, sound"))
        #expect(printed.contains("games_team") && printed.contains("all 15 LFs"))
        let lfs = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/lfs.json")))
                as? [String: Any])
        let first = try #require((lfs["lfs"] as? [[String: Any]])?.first)
        #expect(first["class"] as? String == "games" && (first["definition"] as? [String: Any])?["keywords"] != nil)

        // Bad rules: an error naming the rule and field, and the folder is left as it was.
        let badRules = directory.appendingPathComponent("bad.json")
        try #"{"classes": ["games"], "rules": [{"name": "oops", "class": "games", "regex": "("}]}"#.write(
            to: badRules, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: URL(fileURLWithPath: out + "/train.json"))
        #expect {
            try weasel([
                "apply", "--lfs", badRules.path, "--data", debianPackages.appendingPathComponent("packages.csv").path,
                "--out", out,
            ])
        } throws: { "\($0)".contains("rule 'oops' (#1), field 'regex'") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/train.json")) == before)

        guard slowTestsEnabled else { return }
        for model in ["mlp", "lstm"] {
            let table = try jsonObject(
                try weasel([
                    "compare", "--data", out, "--model", model, "--methods", "majority,weasel", "--seeds", "1",
                    "--no-tune", "--lr", "0.003", "--epochs", model == "mlp" ? "40" : "5", "--quiet", "--json",
                ]))
            let results = try #require(table["results"] as? [[String: Any]])
            #expect(results.count == 2)
            for result in results {
                let accuracy = try #require(result["accuracy_mean"] as? Double)
                #expect(accuracy > 0.45, "\(model) \(result["method"] ?? "?"): accuracy \(accuracy) (chance 0.33)")
            }
        }
    }
}
