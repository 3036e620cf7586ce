import Foundation
import WeakSup

let trainCommand = Command(
    name: "train",
    summary: "train an end model with one method and print its test metrics",
    options: [.choice("method", of: TrainingMethod.self, help: "how the training labels are made", default: .weasel)]
        + endModelOptions + weaselOptionSpecs
        + [
            .value(
                "out", placeholder: "FILE",
                help: "write the trained model: end model, threshold, and how its labels were made (JSON)")
        ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let method = try arguments.required("method", as: TrainingMethod.self)
        let spec = try endModelSpec(arguments)
        let options = try trainingOptions(arguments)
        let result = try method.run(
            dataset: dataset, endModel: spec, options: options, weasel: try weaselOptions(arguments))
        let trainedOn =
            method.trainsOnValidation
            ? "the validation split (\(dataset.valid.count) rows), \(result.report.epochsRun) epochs chosen by 5-fold CV"
            : "\(result.trainingRows.count) training rows, best epoch \(result.report.bestEpoch) of \(result.report.epochsRun)"
        emit("\(dataset.name)  method \(method.rawValue)  trained on \(trainedOn)")
        let t = result.test
        emit(
            String(format: "test accuracy %.4f  macro-F1 %.4f", t.accuracy, t.macroF1)
                + (t.f1.map { String(format: "  F1 %.4f", $0) } ?? "")
                + (t.auc.map { String(format: "  ROC-AUC %.4f", $0) } ?? "")
                + (t.threshold.map { String(format: "  (threshold %.3f)", $0) } ?? "")
                + String(
                    format: "  [validation %@ %.4f]", dataset.classCount == 2 ? "AUC" : "accuracy",
                    result.report.bestValidationScore))
        if let out = try arguments.value("out", as: String.self) {
            let file = try TrainedModelFile(
                method: method, dataset: dataset, endModelSpec: spec, result: result, options: options)
            try file.save(to: URL(fileURLWithPath: out))
            printError("wrote \(out)")
        }
    }
)
