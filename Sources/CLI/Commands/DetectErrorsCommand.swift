import Foundation
import Influence

let detectErrorsCommand = Command(
    name: "detect-errors",
    summary: "IF-class paper Fig. 3b: flip p% of gold labels, train, rank rows by IF/GD/GC/TracIn and their class-based versions",
    options: endModelOptions.filter { !["seed", "checkpoints"].contains($0.name) } + [
        .value("noise", "LIST", "fractions of training labels to flip", default: "0.05,0.1,0.2"),
        .value("select", "q", "fraction of rows selected as suspicious (default: the noise rate)"),
        .value("seeds", "N", "seeds 0..<N", default: "3"),
        .value("damping", "λ", "Hessian damping for the IF similarity", default: "0.1"),
        .value("checkpoints", "K", "training checkpoints for TracIn", default: "5"),
        .flag("json", "print one JSON object instead of the table"),
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let noises = try (arguments.string("noise") ?? "0.05,0.1,0.2").split(separator: ",").map { text -> Double in
            guard let value = Double(text), value > 0, value < 1 else { throw CLIError.usage("--noise expects fractions in (0, 1), got '\(text)'") }
            return value
        }
        let select = try arguments.string("select").map { _ in try arguments.double("select", default: 0.1) }
        let seeds = try arguments.int("seeds", default: 3)
        guard seeds >= 1 else { throw CLIError.usage("--seeds must be at least 1") }
        var options = try trainingOptions(arguments)
        options.progress = nil
        var accuracies: [String: [Double]] = [:]
        for noise in noises {
            for seed in 0..<seeds {
                let results: [ErrorDetectionResult]
                do {
                    results = try detectLabelErrors(dataset: dataset, noise: noise, select: select, seed: UInt64(seed), endModel: try endModelSpec(arguments),
                                                    options: options, damping: try arguments.double("damping", default: 0.1),
                                                    checkpoints: try arguments.int("checkpoints", default: 5))
                } catch let error as PipelineError { throw CLIError.input(error.description) }
                catch let error as NotPositiveDefiniteError { throw CLIError.input(error.description) }
                for r in results { accuracies["\(r.similarity.rawValue)|\(r.classBased)|\(noise)", default: []].append(r.accuracy) }
                if !arguments.flag("quiet") { printError("detect-errors: noise \(noise) seed \(seed) done") }
            }
        }
        let rows = GradientSimilarity.allCases.flatMap { s in [false, true].map { (s, $0) } }
        if arguments.flag("json") {
            print(try jsonString(["results": noises.flatMap { noise in rows.map { s, classBased -> [String: Any] in
                let (mean, std) = meanAndDeviation(accuracies["\(s.rawValue)|\(classBased)|\(noise)"]!)
                return ["similarity": s.rawValue, "class_based": classBased, "noise": noise, "accuracy_mean": mean, "accuracy_std": std]
            } }]))
            return
        }
        print("\(dataset.name): fraction of flipped training labels among the rows ranked most suspicious (top \(select.map { "\($0)" } ?? "p") of rows), \(seeds) seed\(seeds == 1 ? "" : "s")")
        print(alignedTable(header: ["similarity"] + noises.map { "noise \($0)" }, rows: rows.map { s, classBased in
            ["\(s.rawValue)\(classBased ? "-class" : "")"] + noises.map { formatMeanStd(accuracies["\(s.rawValue)|\(classBased)|\($0)"]!) }
        }))
    }
)
