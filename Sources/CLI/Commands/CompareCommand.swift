import Foundation
import WeakSup

let compareCommand = Command(
    name: "compare",
    summary: "run every method with the same end model over several seeds; print test F1 / ROC-AUC / accuracy",
    options: endModelOptions(excluding: ["seed"]) + weaselOptionSpecs + [
        seedsOption(default: 5),
        .choices("methods", of: TrainingMethod.self, help: "the methods to run (default: all)"),
        .choices(
            "weasel-presets", of: WeaselOptions.Preset.self, help: "also run WeaSEL with these presets as extra rows"),
        noTuneOption,
        jsonOption,
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        warnAboutFeatureScale(dataset, try endModelSpec(arguments))
        let weasel = try weaselOptions(arguments)
        var methods = try arguments.list("methods", of: TrainingMethod.self) ?? TrainingMethod.allCases
        if !arguments.isGiven("methods") {
            // Every method by default, except those whose label model this dataset cannot identify
            // (named with --methods, they fail with the label model's reason).
            let unfit = methods.filter { ($0.labelModel?.minimumLFCount ?? 0) > dataset.lfCount }
            if let first = unfit.first?.labelModel {
                printError(
                    "note: \(unfit.map(\.rawValue).joined(separator: ", ")) left out: the \(first.rawValue) label "
                        + "model needs at least \(first.minimumLFCount) LFs and the dataset has \(dataset.lfCount)")
                methods.removeAll { unfit.contains($0) }
            }
        }
        var entries = methods.map { ComparisonEntry(method: $0, weasel: weasel) }
        for preset in try arguments.list("weasel-presets", of: WeaselOptions.Preset.self) ?? [] {
            entries.append(
                ComparisonEntry(
                    method: .weasel, weasel: WeaselOptions(preset: preset), label: "weasel-\(preset.rawValue)",
                    tuning: tuningGrid(arguments).keepingObjective))
        }
        var options = try trainingOptions(arguments)
        options.progress = nil
        options.tuningReport = nil  // the configurations are printed per seed and method instead
        let progress = progressSteps(arguments, "compare", total: entries.count * (try seedCount(arguments)))
        let results = try compareMethods(
            entries, dataset: dataset, seeds: try seedCount(arguments), endModel: try endModelSpec(arguments),
            options: options, tuning: tuningGrid(arguments)
        ) { entry, seed, result, seconds in
            progress?(
                String(
                    format: "compare: %@ seed %d  accuracy %.4f%@  (%.1f s)  [%@]", entry.label, seed,
                    result.test.accuracy,
                    result.test.auc.map { String(format: "  ROC-AUC %.4f", $0) } ?? "", seconds,
                    result.configuration.summary))
        }
        if arguments.flag("json") {
            emit(
                try jsonString([
                    "dataset": dataset.name, "seeds": try seedCount(arguments), "results": results.map(comparisonJSON),
                ]))
            return
        }
        emit(
            "\(dataset.name): test metrics, mean ± std over \(seedsText(try seedCount(arguments))), "
                + "end model \(try arguments.value("model", as: EndModelSpec.Kind.self)?.rawValue ?? "mlp")")
        emit(comparisonTable(results, binary: dataset.classCount == 2))
        if let verdict = comparisonVerdict(results, binary: dataset.classCount == 2) { emit(verdict) }
    }
)

/// One method's line of `compare --json`: mean and std of each test metric (F1 and AUC null for multi-class).
func comparisonJSON(_ result: MethodComparison) -> [String: Any] {
    var entry: [String: Any] = ["method": result.entry.label]
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    entry["configurations"] = result.configurations.map { configuration in
        (try? JSONSerialization.jsonObject(with: encoder.encode(configuration))) ?? [:]
    }
    let metrics: [(String, (Evaluation) -> Double?)] = [
        ("f1", \.f1), ("auc", \.auc), ("accuracy", { $0.accuracy }), ("macro_f1", { $0.macroF1 }),
    ]
    for (key, metric) in metrics {
        let values = result.evaluations.compactMap(metric)
        let summary = values.count == result.evaluations.count ? MeanAndDeviation(values) : nil
        entry["\(key)_mean"] = summary.map { $0.mean as Any } ?? NSNull()
        entry["\(key)_std"] = summary.map { $0.standardDeviation as Any } ?? NSNull()
    }
    return entry
}

/// The comparison table, with a `beats sup.-valid` column when the honest baseline was run: a
/// weak-supervision method whose mean test F1 (accuracy for multi-class) is not above the end
/// model trained on the validation labels alone is not worth its LFs.
func comparisonTable(_ results: [MethodComparison], binary: Bool) -> String {
    let baseline = results.first { $0.entry.method == .supervisedValid }?.primaryScore.mean
    let header =
        ["method"] + (binary ? ["F1", "ROC-AUC"] : []) + ["accuracy", "macro-F1"]
        + (baseline == nil ? [] : ["beats sup.-valid"])
    let rows = results.map { result -> [String] in
        let e = result.evaluations
        var cells = [result.entry.label]
        if binary {
            cells += [
                formatted(e.map(\.f1)), formatted(e.map(\.auc)),
            ]
        }
        cells += [formatted(MeanAndDeviation(e.map(\.accuracy))), formatted(MeanAndDeviation(e.map(\.macroF1)))]
        if let baseline {
            cells.append(
                result.entry.method.isWeaklySupervised ? (result.primaryScore.mean > baseline ? "yes" : "NO") : "")
        }
        return cells
    }
    var text = alignedTable(header: header, rows: rows)
    if baseline != nil {
        text +=
            "\n'beats sup.-valid': mean test \(binary ? "F1" : "accuracy") above the same end model trained on the validation labels alone."
    }
    return text
}

/// Which method wins (the best mean test F1, accuracy for multi-class, among all but the gold
/// ceiling) and by how much over the runner-up — "tied" when the means agree to the three printed
/// decimals, and flagged when the margin is inside either method's standard deviation over seeds,
/// so a user does not read noise as a result.
func comparisonVerdict(_ results: [MethodComparison], binary: Bool) -> String? {
    let ranked = results.filter { $0.entry.method != .supervised }.sorted {
        $0.primaryScore.mean > $1.primaryScore.mean
    }
    guard let winner = ranked.first else { return nil }
    let metric = binary ? "F1" : "accuracy"
    var text = "winner: \(winner.entry.label), test \(metric) \(formatted(winner.primaryScore))"
    if let runnerUp = ranked.dropFirst().first {
        let margin = winner.primaryScore.mean - runnerUp.primaryScore.mean
        let runnerUpText = "\(runnerUp.entry.label) (\(formatted(runnerUp.primaryScore)))"
        if margin < 0.0005 {
            text += ", tied with \(runnerUpText)"
        } else {
            text += ", \(number(margin, "%.3f")) above \(runnerUpText)"
            let spread = max(winner.primaryScore.standardDeviation, runnerUp.primaryScore.standardDeviation)
            if margin < spread { text += " — within one standard deviation over seeds, not a clear win" }
        }
    }
    return text
}
