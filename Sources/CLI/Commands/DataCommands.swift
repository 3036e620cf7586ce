import Foundation
import WeakSup

/// Loads the dataset named by `--data`, turning data errors into one-line input errors.
func loadDataset(_ arguments: ParsedArguments) throws -> WeakDataset {
    guard let path = arguments.string("data") else { throw CLIError.usage("--data DIR is required") }
    do { return try WeakDataset.load(from: URL(fileURLWithPath: path)) } catch let error as DataError {
        throw CLIError.input(error.description)
    }
}

/// The label model named by `--label-model` (or a method name).
func makeLabelModel(_ name: String, seed: UInt64) throws -> LabelModel {
    switch name {
    case "majority": return MajorityVote()
    case "dawid-skene": return DawidSkene()
    case "snorkel":
        let model = SnorkelLabelModel(seed: seed)
        model.warning = { printError($0) }
        return model
    default: throw CLIError.usage("unknown label model '\(name)'; choose majority, dawid-skene or snorkel")
    }
}

let lfsCommand = Command(
    name: "lfs",
    summary: "analyse the labeling functions of a dataset (coverage, overlaps, conflicts, accuracy)",
    options: [
        .value("data", "DIR", "WRENCH or CSV dataset folder"),
        .value("split", "train|valid|test", "which split to analyse", default: "train"),
        .flag("json", "print JSON instead of a table"),
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let split = WeakDataset.Split(rawValue: try arguments.choice("split", ["train", "valid", "test"], default: "train"))!
        let data = dataset[split]
        let analysis = LFAnalysis(labelMatrix: data.labelMatrix, lfNames: dataset.lfNames, goldLabels: data.goldLabels)
        if arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(analysis), as: UTF8.self))
        } else {
            print("\(dataset.name) / \(split.rawValue): \(data.count) rows, \(dataset.lfCount) LFs, classes \(dataset.classNames.joined(separator: ", "))")
            print(analysis.table())
        }
    }
)

let labelCommand = Command(
    name: "label",
    summary: "fit a label model on the training votes and write every training row's soft label",
    options: [
        .value("data", "DIR", "WRENCH or CSV dataset folder"),
        .value("label-model", "majority|dawid-skene|snorkel", "which label model", default: "snorkel"),
        .value("seed", "S", "random seed", default: "0"),
        .value("out", "FILE", "output: CSV with header id,p0,p1,… (or JSON when FILE ends in .json)"),
    ],
    run: { arguments in
        guard let out = arguments.string("out") else { throw CLIError.usage("--out FILE is required") }
        let dataset = try loadDataset(arguments)
        let model = try makeLabelModel(try arguments.choice("label-model", ["majority", "dawid-skene", "snorkel"], default: "snorkel"),
                                       seed: UInt64(try arguments.int("seed", default: 0)))
        do { try model.fit(labelMatrix: dataset.train.labelMatrix, classCount: dataset.classCount) } catch let error as LabelModelError {
            throw CLIError.input(error.description)
        }
        let p = model.predictProbabilities(dataset.train.labelMatrix).scalars, c = dataset.classCount
        let url = URL(fileURLWithPath: out)
        let data: Data
        if url.pathExtension.lowercased() == "json" {
            let rows: [[String: Any]] = dataset.train.ids.enumerated().map { i, id in
                ["id": id, "probabilities": Array(p[(i * c)..<((i + 1) * c)]),
                 "covered": dataset.train.labelMatrix.row(i).contains { $0 != LabelMatrix.abstain }]
            }
            data = try JSONSerialization.data(withJSONObject: ["label_model": model.name, "classes": dataset.classNames, "rows": rows],
                                              options: [.sortedKeys])
        } else {
            var text = "id," + (0..<c).map { "p\($0)" }.joined(separator: ",") + "\n"
            for (i, id) in dataset.train.ids.enumerated() {
                text += id + "," + (0..<c).map { String(p[i * c + $0]) }.joined(separator: ",") + "\n"
            }
            data = Data(text.utf8)
        }
        do { try writeAtomically(data, to: url) } catch { throw CLIError.input("\(error)") }
        printError("wrote soft labels of \(dataset.train.count) training rows (\(dataset.train.labelMatrix.coveredRows.count) covered) from \(model.name) to \(out)")
    }
)
