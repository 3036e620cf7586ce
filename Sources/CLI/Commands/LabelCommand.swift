import Foundation
import WeakSup

let labelCommand = Command(
    name: "label",
    summary: "fit a label model on the training votes and write every training row's soft label",
    options: [
        dataOption,
        .choice("label-model", of: LabelModelKind.self, help: "which label model", default: .snorkel),
        seedOption(),
        .value(
            "out", placeholder: "FILE", help: "output: CSV with header id,p0,p1,… (or JSON when FILE ends in .json)"),
    ],
    run: { arguments in
        guard let out = try outputPath(arguments, "out") else { throw CLIError.usage("--out is required") }
        let dataset = try loadDataset(arguments)
        let model = try arguments.required("label-model", as: LabelModelKind.self).make(seed: try seed(arguments)) {
            printError("warning: \($0)")
        }
        try model.fit(labelMatrix: dataset.train.labelMatrix, classCount: dataset.classCount)
        let probabilities = model.predictProbabilities(dataset.train.labelMatrix)
        if (out as NSString).pathExtension.lowercased() == "json" {
            let p = probabilities.scalars
            let c = dataset.classCount
            let rows: [[String: Any]] = dataset.train.ids.enumerated().map { i, id in
                [
                    "id": id, "probabilities": Array(p[(i * c)..<((i + 1) * c)]),
                    "covered": dataset.train.labelMatrix.isCovered(i),
                ]
            }
            try writeAtomically(
                Data(
                    try jsonString(["label_model": model.kind.rawValue, "classes": dataset.classNames, "rows": rows])
                        .utf8),
                toPath: out)
        } else {
            try writeProbabilityCSV(ids: dataset.train.ids, probabilities: probabilities, toPath: out)
        }
        printError(
            "wrote soft labels of \(dataset.train.count) training rows (\(dataset.train.labelMatrix.coveredRows.count) covered) "
                + "from \(model.kind.rawValue) to \(out)")
    }
)
