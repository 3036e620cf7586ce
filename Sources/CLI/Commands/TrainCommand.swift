import Foundation
import WeakSup

/// Options shared by the commands that train end models.
let endModelOptions: [OptionSpec] = [
    .value("data", "DIR", "WRENCH or CSV dataset folder"),
    .value("model", "mlp|lstm", "end model: MLP 50-50-25 on features, or bi-LSTM on tokens", default: "mlp"),
    .value("seed", "S", "random seed (initialisation, shuffling, label model)", default: "0"),
    .value("epochs", "E", "maximum epochs (early stopping on validation)", default: "150"),
    .value("patience", "P", "epochs without validation improvement before stopping", default: "30"),
    .flag("quiet", "no per-epoch progress on stderr"),
]

func trainingOptions(_ arguments: ParsedArguments) throws -> TrainingOptions {
    var options = TrainingOptions()
    options.seed = UInt64(try arguments.int("seed", default: 0))
    options.maxEpochs = try arguments.int("epochs", default: 150)
    options.patience = try arguments.int("patience", default: 30)
    guard options.maxEpochs >= 1, options.patience >= 1 else { throw CLIError.usage("--epochs and --patience must be at least 1") }
    if !arguments.flag("quiet") { options.progress = { printError($0) } }
    return options
}

func endModelSpec(_ arguments: ParsedArguments) throws -> EndModelSpec {
    try arguments.choice("model", ["mlp", "lstm"], default: "mlp") == "mlp" ? .defaultMLP : .lstm()
}

/// Runs one method end to end; the single place the CLI maps method names to pipelines.
func runMethod(_ method: String, dataset: WeakDataset, endModel: EndModelSpec, options: TrainingOptions) throws -> PipelineResult {
    do {
        switch method {
        case "supervised": return try runSupervised(dataset: dataset, endModel: endModel, options: options)
        default:
            return try runTwoStage(dataset: dataset, labelModel: try makeLabelModel(method, seed: options.seed), endModel: endModel, options: options)
        }
    } catch let error as LabelModelError { throw CLIError.input(error.description) }
    catch let error as DataError { throw CLIError.input(error.description) }
    catch let error as PipelineError { throw CLIError.input(error.description) }
}

let trainMethods = ["majority", "dawid-skene", "snorkel", "supervised"]

let trainCommand = Command(
    name: "train",
    summary: "train an end model with one method and print its test metrics",
    options: [.value("method", trainMethods.joined(separator: "|"), "how the training labels are made", default: "snorkel")]
        + endModelOptions + [.value("out", "FILE", "write the trained end model (JSON model file)")],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let method = try arguments.choice("method", trainMethods, default: "snorkel")
        let result = try runMethod(method, dataset: dataset, endModel: try endModelSpec(arguments), options: try trainingOptions(arguments))
        let t = result.test
        print("\(dataset.name)  method \(method)  trained on \(result.trainingRows.count) rows, best epoch \(result.report.bestEpoch) of \(result.report.epochsRun)")
        print(String(format: "test accuracy %.4f  macro-F1 %.4f", t.accuracy, t.macroF1)
              + (t.f1.map { String(format: "  F1 %.4f", $0) } ?? "") + (t.auc.map { String(format: "  ROC-AUC %.4f", $0) } ?? "")
              + (t.threshold.map { String(format: "  (threshold %.3f)", $0) } ?? ""))
        if let out = arguments.string("out") {
            let url = URL(fileURLWithPath: out)
            do {
                if let mlp = result.model as? MLP { try mlp.save(to: url) }
                else if let sequence = result.model as? SequenceClassifier { try sequence.save(to: url) }
            } catch { throw CLIError.input("\(error)") }
            printError("wrote \(out)")
        }
    }
)
