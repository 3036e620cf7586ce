import Influence

let detectErrorsCommand = Command(
    name: "detect-errors",
    summary:
        "IF-class paper Fig. 3b: flip p% of gold labels, fit them, rank rows by IF/GD/GC/TracIn and their class-based versions (precision)",
    options: endModelOptions(excluding: ["seed", "checkpoints"]) + [
        .value("noise", placeholder: "LIST", help: "fractions of training labels to flip", default: "0.05,0.1,0.2"),
        .value("select", placeholder: "q", help: "fraction of rows selected as suspicious (default: the noise rate)"),
        seedsOption(default: 5),
        dampingOption,
        .value("checkpoints", placeholder: "K", help: "training checkpoints for TracIn", default: "5"),
        .flag("all-layers", help: "gradients of every parameter instead of the output layer's (the paper's setting)"),
        .value(
            "clean-per-class", placeholder: "K",
            help:
                "a class-balanced clean set of K validation rows per class, the rest for early stopping; 0 = the whole split",
            default: "50"),
        .choice(
            "fit", of: NoisyFit.self,
            help:
                "noisy: fit the noisy labels for the full epoch budget (the paper); early-stopped: stop on validation",
            default: .noisy),
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
        let progress = progressSteps(arguments, "detect-errors", total: noises.count * seeds)
        var settings = ErrorDetectionSettings()
        settings.select = select
        settings.damping = try damping(arguments)
        settings.checkpoints = try arguments.required(
            "checkpoints", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
        settings.selection = arguments.flag("all-layers") ? .all : .lastLayer
        let perClass = try arguments.required(
            "clean-per-class", as: Int.self, where: { $0 >= 0 }, expected: "a non-negative integer")
        settings.cleanPerClass = perClass == 0 ? nil : perClass
        settings.fit = try arguments.required("fit", as: NoisyFit.self)
        let summaries = try runErrorDetectionExperiment(
            dataset: dataset, noises: noises, seeds: seeds, endModel: try endModelSpec(arguments), options: options,
            settings: settings
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
            "\(dataset.name): precision: the fraction of flipped training labels among the rows ranked most suspicious "
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
