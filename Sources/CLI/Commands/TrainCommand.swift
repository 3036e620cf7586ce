import Foundation
import WeakSup

/// Options shared by the commands that train end models.
let endModelOptions: [OptionSpec] = [
    .value("data", "DIR", "WRENCH or CSV dataset folder"),
    .value("model", "mlp|lstm", "end model: MLP 50-50-25 on features, or bi-LSTM on tokens", default: "mlp"),
    .value("seed", "S", "random seed (initialisation, shuffling, label model)", default: "0"),
    .value("epochs", "E", "maximum epochs (early stopping on validation)", default: "150"),
    .value("patience", "P", "epochs without validation improvement before stopping", default: "30"),
    .value("checkpoints", "K", "keep K end-model checkpoints (for TracIn); written with --out", default: "0"),
    .flag("quiet", "no per-epoch progress on stderr"),
]

func trainingOptions(_ arguments: ParsedArguments) throws -> TrainingOptions {
    var options = TrainingOptions()
    options.seed = UInt64(try arguments.int("seed", default: 0))
    options.maxEpochs = try arguments.int("epochs", default: 150)
    options.patience = try arguments.int("patience", default: 30)
    options.checkpoints = try arguments.int("checkpoints", default: 0)
    guard options.maxEpochs >= 1, options.patience >= 1 else { throw CLIError.usage("--epochs and --patience must be at least 1") }
    if !arguments.flag("quiet") { options.progress = { printError($0) } }
    return options
}

func endModelSpec(_ arguments: ParsedArguments) throws -> EndModelSpec {
    try arguments.choice("model", ["mlp", "lstm"], default: "mlp") == "mlp" ? .defaultMLP : .lstm()
}

/// WeaSEL's preset and ablation switches.
let weaselOptionSpecs: [OptionSpec] = [
    .value("preset", "paper|official", "WeaSEL defaults to start from", default: "official"),
    .value("encoder-input", WeaselOptions.EncoderInput.allCases.map(\.rawValue).joined(separator: "|"), "ablation: what the encoder sees"),
    .flag("linear-encoder", "ablation: a single linear layer as encoder"),
    .value("accuracy", WeaselOptions.AccuracyFunction.allCases.map(\.rawValue).joined(separator: "|"), "ablation: accuracy function"),
    .value("tau1", "T", "ablation: inverse temperature before the softmax"),
    .value("tau2", WeaselOptions.AccuracyScale.allCases.map(\.rawValue).joined(separator: "|"), "ablation: accuracy scale"),
    .value("loss", WeaselOptions.Objective.allCases.map(\.rawValue).joined(separator: "|"), "ablation: training objective"),
    .value("class-conditional", "on|off", "ablation: accuracies per class (m×C) or per LF (m)"),
]

func weaselOptions(_ arguments: ParsedArguments) throws -> WeaselOptions {
    var options = WeaselOptions(preset: WeaselOptions.Preset(rawValue: try arguments.choice("preset", ["paper", "official"], default: "official"))!)
    func pick<E: RawRepresentable & CaseIterable>(_ name: String, _: E.Type) throws -> E? where E.RawValue == String {
        guard arguments.string(name) != nil else { return nil }
        return E(rawValue: try arguments.choice(name, E.allCases.map(\.rawValue), default: ""))
    }
    if let input = try pick("encoder-input", WeaselOptions.EncoderInput.self) { options.encoderInput = input }
    if arguments.flag("linear-encoder") { options.linearEncoder = true }
    if let accuracy = try pick("accuracy", WeaselOptions.AccuracyFunction.self) { options.accuracyFunction = accuracy }
    if arguments.string("tau1") != nil { options.inverseTemperature = try arguments.double("tau1", default: 1) }
    if let scale = try pick("tau2", WeaselOptions.AccuracyScale.self) { options.accuracyScale = scale }
    if let objective = try pick("loss", WeaselOptions.Objective.self) { options.objective = objective }
    if arguments.string("class-conditional") != nil {
        options.classConditional = try arguments.choice("class-conditional", ["on", "off"], default: "on") == "on"
    }
    return options
}

/// Runs one method end to end; the single place the CLI maps method names to pipelines.
func runMethod(_ method: String, dataset: WeakDataset, endModel: EndModelSpec, options: TrainingOptions,
               weasel: WeaselOptions = .default) throws -> PipelineResult {
    do {
        switch method {
        case "weasel":
            let result = try trainWeasel(dataset: dataset, endModel: endModel, options: weasel, training: options)
            return PipelineResult(model: result.endModel, report: result.report, test: result.test, trainingRows: result.trainingRows,
                                  targets: result.encoder.encode(features: dataset.train.features?.gatheringRows(result.trainingRows),
                                                                 labelMatrix: dataset.train.labelMatrix.rows(result.trainingRows)).softLabels,
                                  encoder: result.encoder)
        case "supervised": return try runSupervised(dataset: dataset, endModel: endModel, options: options)
        case "supervised-valid": return try runSupervisedOnValidation(dataset: dataset, endModel: endModel, options: options)
        default:
            return try runTwoStage(dataset: dataset, labelModel: try makeLabelModel(method, seed: options.seed), endModel: endModel, options: options)
        }
    } catch let error as LabelModelError { throw CLIError.input(error.description) }
    catch let error as DataError { throw CLIError.input(error.description) }
    catch let error as PipelineError { throw CLIError.input(error.description) }
    catch let error as ModelFileError { throw CLIError.input(error.description) }
}

let trainMethods = ["weasel", "majority", "dawid-skene", "snorkel", "supervised", "supervised-valid"]

let trainCommand = Command(
    name: "train",
    summary: "train an end model with one method and print its test metrics",
    options: [.value("method", trainMethods.joined(separator: "|"), "how the training labels are made", default: "weasel")]
        + endModelOptions + weaselOptionSpecs + [.value("out", "FILE", "write the trained model: end model, threshold, and how its labels were made (JSON)")],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let method = try arguments.choice("method", trainMethods, default: "weasel")
        let result = try runMethod(method, dataset: dataset, endModel: try endModelSpec(arguments), options: try trainingOptions(arguments),
                                   weasel: try weaselOptions(arguments))
        let t = result.test
        let trainedOn = method == "supervised-valid" ? "the validation split (\(dataset.valid.count) rows), \(result.report.epochsRun) epochs chosen by 5-fold CV"
            : "\(result.trainingRows.count) training rows, best epoch \(result.report.bestEpoch) of \(result.report.epochsRun)"
        print("\(dataset.name)  method \(method)  trained on \(trainedOn)")
        print(String(format: "test accuracy %.4f  macro-F1 %.4f", t.accuracy, t.macroF1)
              + (t.f1.map { String(format: "  F1 %.4f", $0) } ?? "") + (t.auc.map { String(format: "  ROC-AUC %.4f", $0) } ?? "")
              + (t.threshold.map { String(format: "  (threshold %.3f)", $0) } ?? "")
              + String(format: "  [validation %@ %.4f]", dataset.classCount == 2 ? "AUC" : "accuracy", result.report.bestValidationScore))
        if let out = arguments.string("out") {
            var file = TrainedModelFile(method: method, seed: UInt64(try arguments.int("seed", default: 0)), dataset: dataset,
                                        endModelSpec: try endModelSpec(arguments), result: result)
            file.weightDecay = TrainingOptions().weightDecay
            do { try file.save(to: URL(fileURLWithPath: out)) } catch { throw CLIError.input("\(error)") }
            printError("wrote \(out)")
        }
    }
)
