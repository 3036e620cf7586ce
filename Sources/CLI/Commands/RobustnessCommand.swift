import WeakSup

let robustnessCommand = Command(
    name: "robustness",
    summary: "WeaSEL §4.3: one gold-label LF plus copies of one coin-flip LF (duplicate) or independent coin flips",
    options: endModelOptions(excluding: ["seed"]) + [
        .choice("mode", of: RobustnessMode.self, help: "how the coin-flip LFs are made", default: .duplicate),
        .value("counts", placeholder: "LIST", help: "numbers of coin-flip LFs", default: "2,25,100,500,2000"),
        seedsOption(default: 1),
        jsonOption,
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let mode = try arguments.required("mode", as: RobustnessMode.self)
        let counts = try arguments.list("counts", of: Int.self, where: { $0 >= 1 }, expected: "positive integers") ?? []
        let seeds = try seedCount(arguments)
        var options = try trainingOptions(arguments)
        options.progress = nil
        let progress = progressSteps(arguments, "robustness", total: nil)
        let results = try runRobustnessExperiment(
            dataset: dataset, mode: mode, counts: counts, seeds: seeds,
            endModel: try endModelSpec(arguments), options: options
        ) { result, seed, auc in
            progress?(
                String(
                    format: "robustness: %@ %d LFs, %@ seed %d  ROC-AUC %.4f", mode.rawValue, result.count,
                    result.method.rawValue, seed, auc))
        }
        if arguments.flag("json") {
            emit(
                try jsonString([
                    "results": results.map { result -> [String: Any] in
                        let summary = MeanAndDeviation(result.aucs)
                        return [
                            "mode": mode.rawValue, "count": result.count, "method": result.method.rawValue,
                            "auc_mean": summary.mean, "auc_std": summary.standardDeviation,
                        ]
                    }
                ]))
            return
        }
        let methods = TrainingMethod.allCases.filter { method in results.contains { $0.method == method } }
        let lfs = mode == .duplicate ? "copies of one coin-flip LF" : "independent coin-flip LFs"
        emit("\(dataset.name): test ROC-AUC with 1 gold-label LF + N \(lfs), \(seedsText(seeds))")
        emit(
            alignedTable(
                header: ["N"] + methods.map(\.rawValue),
                rows: counts.map { count in
                    ["\(count)"]
                        + methods.map { method in
                            formatted(
                                MeanAndDeviation(results.first { $0.count == count && $0.method == method }!.aucs))
                        }
                }))
    }
)
