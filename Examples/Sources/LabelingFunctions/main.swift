// Labeling functions written in Swift, end to end: read raw text rows, label them with a handful
// of closures, look at the LF analysis, train WeaSEL on the votes, and ask influence which LF
// hurts the trained network most.
//
//     swift run --package-path Examples LabelingFunctions [packages.csv]
//
// The default input is the repository's datasets/debian-packages/packages.csv: one-line
// descriptions of 600 Debian packages from the sections games, science and sound (the gold label).

import Foundation
import Influence
import WeakSup

/// One raw row, as the LFs see it.
struct Package: Sendable {
    let name: String
    let description: String
    let words: Set<String>
    let maintainer: String
    let installedKiB: Double?
}

extension Package {
    /// Whether the description has any of these words (whole words, lowercase).
    func hasAny(_ candidates: Set<String>) -> Bool { !words.isDisjoint(with: candidates) }
}

let classes = ["games", "science", "sound"]
let (games, science, sound) = (0, 1, 2)

func main() throws {
    let defaultInput = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("datasets/debian-packages/packages.csv")
    let input = CommandLine.arguments.dropFirst().first.map { URL(fileURLWithPath: $0) } ?? defaultInput

    // 1. Raw rows: a CSV with a header (id, text, maintainer, installed_size, label).
    let table = try RawTable.load(input)
    func column(_ name: String) -> Int { table.columns.firstIndex(of: name)! }
    let packages = table.rows.map { cells in
        Package(
            name: cells[column("id")] ?? "", description: cells[column("text")] ?? "",
            words: Set(WordTokenizer.words(cells[column("text")] ?? "")), maintainer: cells[column("maintainer")] ?? "",
            installedKiB: cells[column("installed_size")].flatMap(Double.init))
    }

    // 2. Labeling functions: a class index to vote, nil to abstain.
    let lfs: [LabelingFunction<Package>] = [
        LabelingFunction("game words") {
            $0.hasAny(["game", "games", "arcade", "puzzle", "chess", "clone"]) ? games : nil
        },
        LabelingFunction("games team") { $0.maintainer == "Debian Games Team" ? games : nil },
        LabelingFunction("big data package") { p in
            p.words.contains("data") && (p.installedKiB ?? 0) >= 50_000 ? games : nil
        },
        LabelingFunction("science words") {
            $0.hasAny(["scientific", "physics", "chemistry", "astronomy", "molecular", "simulation"]) ? science : nil
        },
        LabelingFunction("biology words") {
            $0.hasAny(["genome", "sequence", "sequencing", "alignment", "protein", "dna"]) ? science : nil
        },
        LabelingFunction("science teams") { p in
            ["Science", "Med", "Astro", "GIS"].contains { p.maintainer.hasPrefix("Debian \($0)") } ? science : nil
        },
        LabelingFunction("audio words") {
            $0.hasAny(["audio", "sound", "music", "midi", "synthesizer", "mp3"]) ? sound : nil
        },
        LabelingFunction("audio systems") {
            $0.hasAny(["alsa", "jack", "pulseaudio", "ladspa", "lv2", "pd"]) ? sound : nil
        },
        LabelingFunction("player") { $0.words.contains("player") ? sound : nil },  // noisy: media players and game players
        LabelingFunction("multimedia team") { $0.maintainer == "Debian Multimedia Maintainers" ? sound : nil },
    ]
    let votes = try applyLabelingFunctions(lfs, to: packages, classCount: classes.count)

    // 3. A dataset: seeded stratified split, hashed bag-of-words features of the text.
    let dataset = try RuleApplication.dataset(
        name: "debian-packages", classNames: classes, lfNames: lfs.map(\.name), table: table, votes: votes)
    print(
        "\(dataset.train.count)/\(dataset.valid.count)/\(dataset.test.count) train/valid/test rows, \(dataset.lfCount) LFs"
    )

    // 4. How the LFs do on the training rows.
    let analysis = LFAnalysis(
        labelMatrix: dataset.train.labelMatrix, lfNames: dataset.lfNames, goldLabels: dataset.train.goldLabels)
    print(analysis.table())

    // 5. WeaSEL: the end model trained straight from the votes, with the encoder.
    var options = TrainingOptions()
    options.learningRate = 1e-3
    let result = try TrainingMethod.weasel.run(dataset: dataset, options: options)
    print(String(format: "\nWeaSEL test accuracy %.3f, macro-F1 %.3f", result.test.accuracy, result.test.macroF1))

    // 6. Influence: which LF's votes hurt the validation loss most if they were removed?
    let file = try TrainedModelFile(
        method: .weasel, dataset: dataset, endModelSpec: .defaultMLP, result: result, options: options)
    let setup = try InfluenceSetup(file: file, dataset: dataset, path: "(in memory)")
    let scores = try setup.scores(
        .reweighting, target: try setup.target(.validation, dataset: dataset), damping: .automatic,
        solver: .conjugateGradient())
    // (Scores also include the encoder's class prior as an extra source, index lfCount; left out here.)
    let ranked = scores.lfs.filter { $0.lf < dataset.lfCount }.sorted { $0.score < $1.score }
    let (harmful, helpful) = (ranked.first!, ranked.last!)
    print("\nMost harmful LF: \(dataset.lfNames[harmful.lf]) (influence \(String(format: "%.3e", harmful.score)))")
    print("Most helpful LF: \(dataset.lfNames[helpful.lf]) (influence \(String(format: "%.3e", helpful.score)))")
    print("(influence of removing the LF's votes on the validation loss: negative = removing it lowers the loss)")
}

do { try main() } catch {
    FileHandle.standardError.write(Data("error: \(error)\n".utf8))
    exit(1)
}
