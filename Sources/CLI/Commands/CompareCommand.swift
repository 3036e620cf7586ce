import Foundation
import WeakSup

/// Mean and sample standard deviation (0 for a single value).
func meanAndDeviation(_ values: [Double]) -> (mean: Double, std: Double) {
    let mean = values.reduce(0, +) / Double(max(values.count, 1))
    guard values.count > 1 else { return (mean, 0) }
    return (mean, (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1)).squareRoot())
}

func formatMeanStd(_ values: [Double]) -> String {
    let (mean, std) = meanAndDeviation(values)
    return String(format: "%.3f ± %.3f", mean, std)
}

let compareMethods = ["weasel", "majority", "dawid-skene", "snorkel", "supervised", "supervised-valid"]

let compareCommand = Command(
    name: "compare",
    summary: "run every method with the same end model over several seeds; print test F1 / ROC-AUC / accuracy",
    options: endModelOptions.filter { $0.name != "seed" } + weaselOptionSpecs.filter { $0.name == "preset" } + [
        .value("seeds", "N", "seeds 0..<N per method", default: "5"),
        .value("methods", "LIST", "comma-separated subset of \(compareMethods.joined(separator: ","))"),
        .value("weasel-presets", "LIST", "also run WeaSEL with these presets as extra rows (e.g. paper,official)"),
        .flag("json", "print one JSON object instead of the table"),
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let seeds = try arguments.int("seeds", default: 5)
        guard seeds >= 1 else { throw CLIError.usage("--seeds must be at least 1") }
        let methods = try arguments.string("methods").map { list in
            try list.split(separator: ",").map(String.init).map { name in
                guard compareMethods.contains(name) else { throw CLIError.usage("unknown method '\(name)'; choose from \(compareMethods.joined(separator: ","))") }
                return name
            }
        } ?? compareMethods
        var rows: [(label: String, method: String, weasel: WeaselOptions)] = methods.map { ($0, $0, try! weaselOptions(arguments)) }
        for preset in arguments.string("weasel-presets")?.split(separator: ",").map(String.init) ?? [] {
            guard let value = WeaselOptions.Preset(rawValue: preset) else { throw CLIError.usage("unknown preset '\(preset)'; choose paper or official") }
            rows.append(("weasel-\(preset)", "weasel", WeaselOptions(preset: value)))
        }
        let spec = try endModelSpec(arguments)
        var options = try trainingOptions(arguments)
        options.progress = nil
        let quiet = arguments.flag("quiet")
        var evaluations: [String: [Evaluation]] = [:]
        for row in rows {
            for seed in 0..<seeds {
                options.seed = UInt64(seed)
                let start = Date()
                let result = try runMethod(row.method, dataset: dataset, endModel: spec, options: options, weasel: row.weasel)
                evaluations[row.label, default: []].append(result.test)
                if !quiet {
                    printError(String(format: "compare: %@ seed %d  accuracy %.4f%@  (%.1f s)", row.label, seed, result.test.accuracy,
                                      result.test.auc.map { String(format: "  ROC-AUC %.4f", $0) } ?? "", Date().timeIntervalSince(start)))
                }
            }
        }
        let binary = dataset.classCount == 2
        if arguments.flag("json") {
            let results: [[String: Any]] = rows.map { row in
                let e = evaluations[row.label]!
                func stats(_ key: String, _ values: [Double]?) -> [String: Any] {
                    guard let values else { return ["\(key)_mean": NSNull(), "\(key)_std": NSNull()] }
                    let (mean, std) = meanAndDeviation(values)
                    return ["\(key)_mean": mean, "\(key)_std": std]
                }
                var entry: [String: Any] = ["method": row.label]
                entry.merge(stats("f1", binary ? e.map { $0.f1! } : nil)) { $1 }
                entry.merge(stats("auc", binary ? e.map { $0.auc! } : nil)) { $1 }
                entry.merge(stats("accuracy", e.map(\.accuracy))) { $1 }
                entry.merge(stats("macro_f1", e.map(\.macroF1))) { $1 }
                return entry
            }
            print(try jsonString(["dataset": dataset.name, "seeds": seeds, "results": results]))
            return
        }
        // The honest baseline: a weak-supervision method that does not beat the end model trained
        // on the validation labels alone is not worth its LFs.
        func primary(_ e: [Evaluation]) -> Double { meanAndDeviation(e.map { binary ? $0.f1! : $0.accuracy }).mean }
        let baseline = evaluations["supervised-valid"].map(primary)
        let header = ["method"] + (binary ? ["F1", "ROC-AUC"] : []) + ["accuracy", "macro-F1"] + (baseline == nil ? [] : ["beats sup.-valid"])
        let table = rows.map { row -> [String] in
            let e = evaluations[row.label]!
            var cells = [row.label]
            if binary { cells += [formatMeanStd(e.map { $0.f1! }), formatMeanStd(e.map { $0.auc! })] }
            cells += [formatMeanStd(e.map(\.accuracy)), formatMeanStd(e.map(\.macroF1))]
            if let baseline {
                cells.append(["supervised", "supervised-valid"].contains(row.method) ? "" : (primary(e) > baseline ? "yes" : "NO"))
            }
            return cells
        }
        print("\(dataset.name): test metrics, mean ± std over \(seeds) seed\(seeds == 1 ? "" : "s"), end model \(arguments.string("model") ?? "mlp")")
        print(alignedTable(header: header, rows: table))
        if baseline != nil {
            print("'beats sup.-valid': mean test \(binary ? "F1" : "accuracy") above the same end model trained on the validation labels alone.")
        }
    }
)

let experimentCommand = Command(
    name: "experiment",
    summary: "reproduce experiments of the papers",
    subcommands: [robustnessCommand, detectErrorsCommand]
)

let robustnessCommand = Command(
    name: "robustness",
    summary: "WeaSEL §4.3: one gold-label LF plus copies of one coin-flip LF (duplicate) or independent coin flips",
    options: endModelOptions.filter { $0.name != "seed" } + [
        .value("mode", "duplicate|independent", "how the coin-flip LFs are made", default: "duplicate"),
        .value("counts", "LIST", "numbers of coin-flip LFs", default: "2,25,100,500,2000"),
        .value("seeds", "N", "seeds 0..<N", default: "1"),
        .flag("json", "print one JSON object instead of the table"),
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let mode = RobustnessMode(rawValue: try arguments.choice("mode", ["duplicate", "independent"], default: "duplicate"))!
        let counts = try (arguments.string("counts") ?? "2,25,100,500,2000").split(separator: ",").map { text -> Int in
            guard let count = Int(text), count >= 1 else { throw CLIError.usage("--counts expects positive integers, got '\(text)'") }
            return count
        }
        let seeds = try arguments.int("seeds", default: 1)
        guard seeds >= 1 else { throw CLIError.usage("--seeds must be at least 1") }
        let spec = try endModelSpec(arguments)
        var options = try trainingOptions(arguments)
        options.progress = nil
        let methods = ["weasel", "majority", "dawid-skene", "snorkel", "supervised"]
        var auc: [String: [Double]] = [:]   // "method@count"
        for seed in 0..<seeds {
            options.seed = UInt64(seed)
            let supervised = try runMethod("supervised", dataset: dataset, endModel: spec, options: options).test.auc ?? .nan
            for count in counts {
                let data: WeakDataset
                do { data = try dataset.withRobustnessLFs(mode: mode, count: count, seed: UInt64(seed)) } catch let error as PipelineError {
                    throw CLIError.input(error.description)
                }
                for method in methods {
                    let value = method == "supervised" ? supervised
                        : try runMethod(method, dataset: data, endModel: spec, options: options).test.auc ?? .nan
                    auc["\(method)@\(count)", default: []].append(value)
                    if !arguments.flag("quiet") { printError(String(format: "robustness: %@ %d LFs, %@ seed %d  ROC-AUC %.4f", mode.rawValue, count, method, seed, value)) }
                }
            }
        }
        if arguments.flag("json") {
            let results: [[String: Any]] = counts.flatMap { count in methods.map { method in
                let (mean, std) = meanAndDeviation(auc["\(method)@\(count)"]!)
                return ["mode": mode.rawValue, "count": count, "method": method, "auc_mean": mean, "auc_std": std] as [String: Any]
            } }
            print(try jsonString(["results": results]))
            return
        }
        print("\(dataset.name): test ROC-AUC with 1 gold-label LF + N \(mode == .duplicate ? "copies of one coin-flip LF" : "independent coin-flip LFs"), \(seeds) seed\(seeds == 1 ? "" : "s")")
        print(alignedTable(header: ["N"] + methods, rows: counts.map { count in ["\(count)"] + methods.map { formatMeanStd(auc["\($0)@\(count)"]!) } }))
    }
)
