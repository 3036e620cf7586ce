import Foundation
import WeakSup

let predictCommand = Command(
    name: "predict",
    summary: "write a trained end model's class probabilities for every row of a split",
    options: [
        .value("model", "FILE", "trained model written by `weasel train --out`"),
        .value("data", "DIR", "WRENCH or CSV dataset folder"),
        .value("split", "train|valid|test", "which split to predict", default: "test"),
        .value("out", "FILE", "output CSV with header id,p0,p1,…"),
    ],
    run: { arguments in
        guard let modelPath = arguments.string("model") else { throw CLIError.usage("--model FILE is required") }
        guard let out = arguments.string("out") else { throw CLIError.usage("--out FILE is required") }
        let dataset = try loadDataset(arguments)
        let split = WeakDataset.Split(rawValue: try arguments.choice("split", ["train", "valid", "test"], default: "test"))!
        let probabilities: [Double]
        do {
            let file = try TrainedModelFile.load(from: URL(fileURLWithPath: modelPath))
            try file.check(dataset, sameTraining: false, path: modelPath)
            let model = try file.endModel.makeModel(path: modelPath)
            probabilities = model.predictProbabilities(try file.endModelSpec.inputs(dataset[split], dtype: model.parameters[0].dtype)).to(.float64).scalars
        } catch let error as ModelFileError { throw CLIError.input(error.description) }
        catch let error as DataError { throw CLIError.input(error.description) }
        let c = dataset.classCount
        var text = "id," + (0..<c).map { "p\($0)" }.joined(separator: ",") + "\n"
        for (i, id) in dataset[split].ids.enumerated() {
            text += id + "," + (0..<c).map { String(probabilities[i * c + $0]) }.joined(separator: ",") + "\n"
        }
        do { try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: out)) } catch { throw CLIError.input("\(error)") }
        printError("wrote \(dataset[split].count) rows of class probabilities to \(out)")
    }
)
