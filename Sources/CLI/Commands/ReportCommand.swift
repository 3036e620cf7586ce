import Foundation
import Report
import WeakSup

let reportCommand = Command(
    name: "report",
    summary: "write one self-contained HTML page of charts: LFs, label models, training curves, comparison, influence",
    options: [
        dataOption,
        .value("models", placeholder: "FILE[,FILE…]", help: "trained model files (weasel train --out) to include"),
        .value("compare", placeholder: "FILE", help: "the output of `weasel compare --json` to chart"),
        .value("out", placeholder: "FILE", help: "the HTML file to write"),
        .flag("no-influence", help: "skip the influence scores (one inverse-HVP solve per model)"),
        topOption,
        quietOption,
    ],
    run: { arguments in
        guard let out = try outputPath(arguments, "out") else { throw CLIError.usage("--out is required") }
        let dataset = try loadDataset(arguments)
        let models = try (arguments.list("models", of: String.self) ?? []).map { path in
            (path: path, file: try TrainedModelFile.load(from: URL(fileURLWithPath: path)))
        }
        let comparison = try arguments.value("compare", as: String.self).map {
            try ComparisonSummary.load(URL(fileURLWithPath: $0))
        }
        var builder = ReportBuilder(dataset: dataset, models: models, comparison: comparison)
        builder.influence = !arguments.flag("no-influence")
        builder.top = try top(arguments)
        builder.progress = progressPrinter(arguments)
        let html = try builder.html()
        try writeAtomically(Data(html.utf8), toPath: out)
        printError("wrote \(out) (\(html.utf8.count / 1024) KB)")
    }
)
