import Foundation
import WeakSup

let trainCommand = Command(
    name: "train",
    summary: "train an end model with one method and print its test metrics",
    options: [.choice("method", of: TrainingMethod.self, help: "how the training labels are made", default: .weasel)]
        + endModelOptions + weaselOptionSpecs + [noTuneOption]
        + [
            .value(
                "out", placeholder: "FILE",
                help: "write the trained model: end model, threshold, and how its labels were made (JSON)")
        ],
    run: { arguments in
        let out = try outputPath(arguments, "out")
        let dataset = try loadDataset(arguments)
        let method = try arguments.required("method", as: TrainingMethod.self)
        let spec = try endModelSpec(arguments)
        warnAboutFeatureScale(dataset, spec)
        let options = try trainingOptions(arguments)
        let result = try method.run(
            dataset: dataset, endModel: spec, options: options, weasel: try weaselOptions(arguments),
            tuning: tuningGrid(arguments))
        emit("\(dataset.name)  method \(method.rawValue)  trained on \(trainingDescription(method, result, dataset))")
        emit("configuration: \(result.configuration.summary)")
        let t = result.test
        var metrics = "test accuracy \(number(t.accuracy, "%.4f"))  macro-F1 \(number(t.macroF1, "%.4f"))"
        if let f1 = t.f1 { metrics += "  F1 \(number(f1, "%.4f"))" }
        if let auc = t.auc { metrics += "  ROC-AUC \(number(auc, "%.4f"))" }
        if let threshold = t.threshold { metrics += "  (threshold \(number(threshold, "%.3f")))" }
        let validation = result.report
        emit(
            metrics
                + "  [validation \(validation.validationMetric.rawValue) \(number(validation.bestValidationScore, "%.4f"))]"
        )
        if let out {
            let file = try TrainedModelFile(
                method: method, dataset: dataset, endModelSpec: spec, result: result, options: options)
            try file.save(toPath: out)
            printError("wrote \(out)")
        }
    }
)

/// Where and how long the end model was trained, in words.
func trainingDescription(_ method: TrainingMethod, _ result: PipelineResult, _ dataset: WeakDataset) -> String {
    if method == .logisticRegressionValid {
        return "the validation split (\(dataset.valid.count) rows), C by 5-fold CV"
    }
    if method.trainsOnValidation {
        return
            "the validation split (\(dataset.valid.count) rows), \(result.report.epochsRun) epochs chosen by 5-fold CV"
    }
    let base = "\(result.trainingRows.count) training rows"
    if let relative = result.report.relativeGradientNorm {
        return base + ", logistic regression fitted to convergence (\(result.report.epochsRun) L-BFGS iterations, "
            + "gradient norm \(String(format: "%.1e", relative)) of its initial value)"
    }
    if method.baseMethod != nil {
        return base + ", then \(result.report.epochsRun) epochs on the validation labels (by 5-fold CV)"
    }
    return base + ", best epoch \(result.report.bestEpoch) of \(result.report.epochsRun)"
}
