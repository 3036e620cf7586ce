import Foundation
import Influence

let cleanCommand = Command(
    name: "clean",
    summary:
        "influence-guided label cleaning (CHEF's INFL): pick the rows whose relabeling helps most, suggest their labels",
    options: [
        dataOption,
        .choice(
            "label-model", of: LabelModelKind.self, help: "where the initial soft labels come from", default: .majority),
        .value("budget", placeholder: "B", help: "rows to clean in total", default: "100"),
        .value("batch", placeholder: "b", help: "rows cleaned per round", default: "10"),
        .value("gamma", placeholder: "γ", help: "weight of uncleaned rows", default: "0.8"),
        .flag(
            "oracle", help: "take the gold label for each picked row (a simulated annotator) instead of the suggestion"),
        seedOption(),
        dampingOption,
        .choice(
            "end-model", of: CleaningEndModel.self,
            help: "MLP 50-50-25, or L2-regularized logistic regression (CHEF's fast paths)", default: .mlp),
        .flag(
            "incremental",
            help: "logreg: follow Increm-INFL's picks and the DeltaGrad-L model (both paths are timed either way)"),
        jsonOption,
        quietOption,
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let positive = { (value: Int) in value >= 1 }
        let budget = try arguments.required("budget", as: Int.self, where: positive, expected: "a positive integer")
        let batch = try arguments.required("batch", as: Int.self, where: positive, expected: "a positive integer")
        let gamma = try arguments.required(
            "gamma", as: Double.self, where: { $0 > 0 && $0 <= 1 }, expected: "a number in (0, 1]")
        let seed = try seed(arguments)
        let oracle = arguments.flag("oracle")
        let progress = progressSteps(arguments, "clean", total: (budget + batch - 1) / batch)
        let labelModel = try arguments.required("label-model", as: LabelModelKind.self).make(seed: seed) {
            printError("warning: \($0)")
        }
        if try arguments.required("end-model", as: CleaningEndModel.self) == .logisticRegression {
            var sgd = LogisticRegressionSGD()
            sgd.seed = seed
            let (initialF1, rounds) = try runFastCleaning(
                dataset: dataset, labelModel: labelModel, budget: budget, batch: batch, gamma: gamma,
                oracle: oracle, incremental: arguments.flag("incremental"), sgd: sgd
            ) { round in
                progress?(
                    String(
                        format: "clean: round %d  F1 retrain %.4f  DeltaGrad-L %.4f", round.round, round.f1Retrain,
                        round.f1DeltaGrad))
            }
            try renderFastCleaning(
                arguments, dataset: dataset, budget: budget, batch: batch, initialF1: initialF1, rounds: rounds)
            return
        }
        var options = TrainingOptions()
        options.seed = seed
        let (initial, rounds) = try runCleaning(
            dataset: dataset, labelModel: labelModel, budget: budget, batch: batch, gamma: gamma,
            oracle: oracle, damping: try damping(arguments), options: options
        ) { round in
            progress?(
                String(format: "clean: round %d  test F1 %.4f", round.round, round.testF1)
                    + (round.suggestionsMatchingGold.map { "  suggestions matching gold \($0)/\(round.cleaned.count)" }
                        ?? ""))
        }
        try renderCleaning(
            arguments, dataset: dataset, budget: budget, batch: batch, gamma: gamma, initial: initial, rounds: rounds)
    }
)

/// The MLP cleaning loop's table (or JSON): test F1 (macro-F1 for multi-class) per round.
private func renderCleaning(
    _ arguments: ParsedArguments, dataset: WeakDataset, budget: Int, batch: Int, gamma: Double,
    initial: Evaluation, rounds: [CleaningRound]
) throws {
    if arguments.flag("json") {
        emit(
            try jsonString([
                "initial_f1": initial.f1 ?? initial.macroF1,
                "rounds": rounds.map { r -> [String: Any] in
                    [
                        "round": r.round, "test_f1": r.testF1, "test_accuracy": r.testAccuracy,
                        "cleaned": r.cleaned.map { dataset.train.ids[$0] },
                        "suggestions_matching_gold": r.suggestionsMatchingGold.map { $0 as Any } ?? NSNull(),
                    ]
                },
            ]))
        return
    }
    let metric = dataset.classCount == 2 ? "F1" : "macro-F1"
    emit(
        "\(dataset.name): INFL cleaning, budget \(budget) in rounds of \(batch), γ = \(gamma)"
            + (arguments.flag("oracle") ? ", gold oracle" : ", suggested labels"))
    var cleaned = 0
    let rows = rounds.map { r -> [String] in
        cleaned += r.cleaned.count
        return [
            "\(r.round)", "\(cleaned)", number(r.testF1, "%.4f"),
            r.suggestionsMatchingGold.map { "\($0)/\(r.cleaned.count)" } ?? "-",
        ]
    }
    emit(
        alignedTable(
            header: ["round", "cleaned", "test \(metric)", "suggestions = gold"],
            rows: [["0", "0", number(initial.f1 ?? initial.macroF1, "%.4f"), ""]] + rows))
    if dataset.train.goldLabels != nil {
        emit(
            "suggested labels matching gold: \(rounds.compactMap(\.suggestionsMatchingGold).reduce(0, +)) of \(cleaned)"
        )
    }
}

/// The logistic-regression loop's table (or JSON): both paths' times, agreement and F1 per round.
private func renderFastCleaning(
    _ arguments: ParsedArguments, dataset: WeakDataset, budget: Int, batch: Int, initialF1: Double,
    rounds: [FastCleaningRound]
) throws {
    if arguments.flag("json") {
        emit(
            try jsonString([
                "initial_f1": initialF1,
                "rounds": rounds.map { r -> [String: Any] in
                    [
                        "round": r.round, "select_full_s": r.selectFullSeconds,
                        "select_incremental_s": r.selectIncrementalSeconds,
                        "exact_evaluations": r.exactEvaluations, "same_top_b": r.sameTopB,
                        "update_retrain_s": r.updateRetrainSeconds,
                        "update_deltagrad_s": r.updateDeltaGradSeconds, "relative_distance": r.relativeDistance,
                        "f1_retrain": r.f1Retrain, "f1_deltagrad": r.f1DeltaGrad,
                    ]
                },
            ]))
        return
    }
    emit(
        "\(dataset.name): INFL cleaning with a logistic-regression end model, budget \(budget) in rounds of \(batch); "
            + "initial test F1 \(number(initialF1, "%.4f"))")
    let header = [
        "round", "select full s", "select incr. s", "exact evals", "same top-b", "retrain s", "DeltaGrad s",
        "rel. distance",
        "F1 retrain", "F1 DeltaGrad",
    ]
    emit(
        alignedTable(
            header: header,
            rows: rounds.map { r in
                [
                    "\(r.round)", number(r.selectFullSeconds, "%.4f"),
                    number(r.selectIncrementalSeconds, "%.4f"), "\(r.exactEvaluations)",
                    r.sameTopB ? "yes" : "NO", number(r.updateRetrainSeconds, "%.4f"),
                    number(r.updateDeltaGradSeconds, "%.4f"),
                    number(r.relativeDistance, "%.2e"), number(r.f1Retrain, "%.4f"),
                    number(r.f1DeltaGrad, "%.4f"),
                ]
            }))
    func total(_ seconds: (FastCleaningRound) -> Double) -> Double { rounds.reduce(0) { $0 + seconds($1) } }
    emit(
        String(
            format: "speed-up: selection %.2f×, model update %.2f×",
            total(\.selectFullSeconds) / max(total(\.selectIncrementalSeconds), 1e-12),
            total(\.updateRetrainSeconds) / max(total(\.updateDeltaGradSeconds), 1e-12)))
}
