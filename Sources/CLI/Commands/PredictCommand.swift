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
        .flag(
            "calibrate",
            help:
                "rescale the logits by one temperature and a bias per class fitted on the validation labels (same ranking, honest probabilities)"
        ),
    ],
    run: { arguments in
        let modelPath = try arguments.required("model", as: String.self)
        guard let out = try outputPath(arguments, "out") else { throw CLIError.usage("--out is required") }
        let split = try arguments.required("split", as: WeakDataset.Split.self)
        let file = try TrainedModelFile.load(from: URL(fileURLWithPath: modelPath))
        let dataset = try loadDataset(arguments)
        let probabilities =
            arguments.flag("calibrate")
            ? try calibratedProbabilities(file, dataset: dataset, split: split, path: modelPath)
            : try file.predictProbabilities(dataset, split: split, path: modelPath)
        try writeProbabilityCSV(ids: dataset[split].ids, probabilities: probabilities, toPath: out)
        printError("wrote \(dataset[split].count) rows of class probabilities to \(out)")
    }
)

/// `--calibrate`: the split's probabilities after `ProbabilityCalibration` fitted on the validation
/// split's logits and labels (said on stderr, with the validation cross-entropy before and after).
private func calibratedProbabilities(
    _ file: TrainedModelFile, dataset: WeakDataset, split: WeakDataset.Split, path: String
) throws -> Tensor {
    let labels = try dataset.goldLabels(.valid, for: "--calibrate")
    guard !labels.isEmpty else {
        throw CLIError.input("--calibrate needs validation rows; the validation split is empty")
    }
    let c = dataset.classCount
    let validation = try file.predictLogits(dataset, split: .valid, path: path).scalars
    let calibration = ProbabilityCalibration(logits: validation, classCount: c, labels: labels)
    let identity = ProbabilityCalibration(scale: 1, biases: Array(repeating: 0, count: c))
    printError(
        String(
            format:
                "calibrated on %d validation rows: temperature %.3f, class biases %@ (their cross-entropy %.4f → %.4f)",
            labels.count, 1 / calibration.scale,
            calibration.biases.map { String(format: "%.3f", $0) }.joined(separator: ","),
            identity.crossEntropy(logits: validation, classCount: c, labels: labels),
            calibration.crossEntropy(logits: validation, classCount: c, labels: labels)))
    let logits = split == .valid ? validation : try file.predictLogits(dataset, split: split, path: path).scalars
    return Tensor(
        shape: [logits.count / c, c], scalars: calibration.probabilities(logits: logits, classCount: c),
        dtype: .float64)
}
