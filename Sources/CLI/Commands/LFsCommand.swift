import Foundation
import WeakSup

let lfsCommand = Command(
    name: "lfs",
    summary: "analyse the labeling functions of a dataset (coverage, overlaps, conflicts, accuracy)",
    options: [
        dataOption,
        .choice("split", of: WeakDataset.Split.self, help: "which split to analyse", default: .train),
        .flag("json", help: "print JSON instead of a table"),
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let split = try arguments.required("split", as: WeakDataset.Split.self)
        let data = dataset[split]
        let analysis = LFAnalysis(labelMatrix: data.labelMatrix, lfNames: dataset.lfNames, goldLabels: data.goldLabels)
        if arguments.flag("json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            emit(String(decoding: try encoder.encode(analysis), as: UTF8.self))
            return
        }
        emit(
            "\(dataset.name) / \(split.rawValue): \(data.count) rows, \(dataset.lfCount) LFs, classes \(dataset.classNames.joined(separator: ", "))"
        )
        emit(analysis.table())
    }
)
