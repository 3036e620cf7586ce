import Influence

let detectErrorsCommand = Command(
    name: "detect-errors",
    summary:
        "IF-class paper Fig. 3b: flip p% of gold labels, train, rank rows by IF/GD/GC/TracIn and their class-based versions",
    options: endModelOptions(excluding: ["seed", "checkpoints"]) + [
        .value("noise", placeholder: "LIST", help: "fractions of training labels to flip", default: "0.05,0.1,0.2"),
        .value("select", placeholder: "q", help: "fraction of rows selected as suspicious (default: the noise rate)"),
        seedsOption(default: 3),
        dampingOption,
        .value("checkpoints", placeholder: "K", help: "training checkpoints for TracIn", default: "5"),
        jsonOption,
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let fraction = { (value: Double) in value > 0 && value < 1 }
        let noises =
            try arguments.list("noise", of: Double.self, where: fraction, expected: "fractions in (0, 1)") ?? []
        let select = try arguments.value("select", as: Double.self, where: fraction, expected: "a fraction in (0, 1)")
        let seeds = try seedCount(arguments)
        var options = try trainingOptions(arguments)
        options.progress = nil
        let progress = progressPrinter(arguments)
        let summaries = try runErrorDetectionExperiment(
            dataset: dataset, noises: noises, seeds: seeds, select: select, endModel: try endModelSpec(arguments),
            options: options,
            damping: try damping(arguments),
            checkpoints: try arguments.required(
                "checkpoints", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
        ) { noise, seed in progress?("detect-errors: noise \(noise) seed \(seed) done") }
        if arguments.flag("json") {
            emit(
                try jsonString([
                    "results": summaries.map { s -> [String: Any] in
                        let summary = MeanAndDeviation(s.accuracies)
                        return [
                            "similarity": s.similarity.rawValue, "class_based": s.classBased, "noise": s.noise,
                            "accuracy_mean": summary.mean, "accuracy_std": summary.standardDeviation,
                        ]
                    }
                ]))
            return
        }
        emit(
            "\(dataset.name): fraction of flipped training labels among the rows ranked most suspicious "
                + "(top \(select.map { "\($0)" } ?? "p") of rows), \(seedsText(seeds))")
        let lines = summaries.filter { $0.noise == noises[0] }
        emit(
            alignedTable(
                header: ["similarity"] + noises.map { "noise \($0)" },
                rows: lines.map { line in
                    ["\(line.similarity.rawValue)\(line.classBased ? "-class" : "")"]
                        + noises.map { noise in
                            formatted(
                                MeanAndDeviation(
                                    summaries.first {
                                        $0.noise == noise && $0.similarity == line.similarity
                                            && $0.classBased == line.classBased
                                    }!.accuracies))
                        }
                }))
    }
)
