import Foundation
import WeakSup

let predictCommand = Command(
    name: "predict",
    summary: "write a trained end model's class probabilities for every row of a split",
    options: [
        .value("model", placeholder: "FILE", help: "trained model written by `weasel train --out`"),
        dataOption,
        .choice("split", of: WeakDataset.Split.self, help: "which split to predict", default: .test),
        .value("out", placeholder: "FILE", help: "output CSV with header id,p0,p1,…"),
    ],
    run: { arguments in
        let modelPath = try arguments.required("model", as: String.self)
        guard let out = try outputPath(arguments, "out") else { throw CLIError.usage("--out is required") }
        let split = try arguments.required("split", as: WeakDataset.Split.self)
        let file = try TrainedModelFile.load(from: URL(fileURLWithPath: modelPath))
        let dataset = try loadDataset(arguments)
        let probabilities = try file.predictProbabilities(dataset, split: split, path: modelPath)
        try writeProbabilityCSV(ids: dataset[split].ids, probabilities: probabilities, toPath: out)
        printError("wrote \(dataset[split].count) rows of class probabilities to \(out)")
    }
)
