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
            // `{"classes": …, "label_model": …, "rows": [{"covered", "id", "probabilities"}, …]}`,
            // streamed row by row in 1 MB pieces (sorted keys, as `jsonString` writes them).
            let p = probabilities.scalars
            let (c, ids) = (dataset.classCount, dataset.train.ids)
            let header = try jsonString(["label_model": model.kind.rawValue, "classes": dataset.classNames])
            try writeAtomically(toPath: out) { write in
                var text = String(header.dropLast()) + ",\"rows\":["
                for i in ids.indices {
                    guard p[(i * c)..<((i + 1) * c)].allSatisfy(\.isFinite) else {
                        throw CLIError.output("the soft label of row '\(ids[i])' is not finite; nothing was written")
                    }
                    text += (i > 0 ? "," : "") + "{\"covered\":\(dataset.train.labelMatrix.isCovered(i)),\"id\":"
                    text += jsonQuoted(ids[i]) + ",\"probabilities\":["
                    text += (0..<c).map { "\(p[i * c + $0])" }.joined(separator: ",") + "]}"
                    if text.utf8.count >= 1 << 20 {
                        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
                        text = ""
                    }
                }
                text += "]}"
                try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
            }
        } else {
            try writeProbabilityCSV(ids: dataset.train.ids, probabilities: probabilities, toPath: out)
        }
        printError(
            "wrote soft labels of \(dataset.train.count) training rows (\(dataset.train.labelMatrix.coveredRows.count) covered) "
                + "from \(model.kind.rawValue) to \(out)")
    }
)
