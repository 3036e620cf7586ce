import Foundation
import Influence

let cleanCommand = Command(
    name: "clean",
    summary: "influence-guided label cleaning (CHEF's INFL): pick the rows whose relabelling helps most, suggest their labels",
    options: [
        .value("data", "DIR", "WRENCH or CSV dataset folder"),
        .value("label-model", "majority|dawid-skene|snorkel", "where the initial soft labels come from", default: "majority"),
        .value("budget", "B", "rows to clean in total", default: "100"),
        .value("batch", "b", "rows cleaned per round", default: "10"),
        .value("gamma", "γ", "weight of uncleaned rows", default: "0.8"),
        .value("oracle", "gold", "take the gold label for each picked row (a simulated annotator) instead of the suggestion"),
        .value("seed", "S", "random seed", default: "0"),
        .value("damping", "λ", "Hessian damping", default: "0.1"),
        .value("end-model", "mlp|logreg", "the end model: MLP 50-50-25, or L2-regularised logistic regression (CHEF's fast paths)", default: "mlp"),
        .flag("incremental", "logreg: follow Increm-INFL's picks and the DeltaGrad-L model (both paths are timed either way)"),
        .flag("json", "print one JSON object"),
        .flag("quiet", "no per-round progress on stderr"),
    ],
    run: { arguments in
        let dataset = try loadDataset(arguments)
        let budget = try arguments.int("budget", default: 100), batch = try arguments.int("batch", default: 10)
        let gamma = try arguments.double("gamma", default: 0.8)
        guard budget >= 1, batch >= 1 else { throw CLIError.usage("--budget and --batch must be at least 1") }
        guard gamma > 0 && gamma <= 1 else { throw CLIError.usage("--gamma must be in (0, 1]") }
        if let oracle = arguments.string("oracle"), oracle != "gold" { throw CLIError.usage("--oracle accepts only 'gold'") }
        var options = TrainingOptions()
        options.seed = UInt64(try arguments.int("seed", default: 0))
        let quiet = arguments.flag("quiet")
        if try arguments.choice("end-model", ["mlp", "logreg"], default: "mlp") == "logreg" {
            try runLogisticCleaningCommand(arguments, dataset: dataset, budget: budget, batch: batch, gamma: gamma, seed: options.seed, quiet: quiet)
            return
        }
        let (initial, rounds): (Evaluation, [CleaningRound])
        do {
            (initial, rounds) = try runCleaning(dataset: dataset, labelModel: try makeLabelModel(try arguments.choice("label-model", ["majority", "dawid-skene", "snorkel"], default: "majority"), seed: options.seed),
                                                budget: budget, batch: batch, gamma: gamma, oracle: arguments.string("oracle") != nil,
                                                damping: try arguments.double("damping", default: 0.1), options: options) { round in
                if !quiet { printError(String(format: "clean: round %d  test F1 %.4f", round.round, round.testF1) + (round.suggestionsMatchingGold.map { "  suggestions matching gold \($0)/\(round.cleaned.count)" } ?? "")) }
            }
        } catch let error as PipelineError { throw CLIError.input(error.description) }
        catch let error as LabelModelError { throw CLIError.input(error.description) }
        catch let error as NotPositiveDefiniteError { throw CLIError.input(error.description) }
        let metric = dataset.classCount == 2 ? "F1" : "macro-F1"
        let matching = rounds.compactMap(\.suggestionsMatchingGold).reduce(0, +)
        if arguments.flag("json") {
            print(try jsonString(["initial_f1": initial.f1 ?? initial.macroF1, "rounds": rounds.map { r in
                ["round": r.round, "test_f1": r.testF1, "test_accuracy": r.testAccuracy, "cleaned": r.cleaned.map { dataset.train.ids[$0] },
                 "suggestions_matching_gold": r.suggestionsMatchingGold.map { $0 as Any } ?? NSNull()] as [String: Any]
            }]))
            return
        }
        print("\(dataset.name): INFL cleaning, budget \(budget) in rounds of \(batch), γ = \(gamma)\(arguments.string("oracle") != nil ? ", gold oracle" : ", suggested labels")")
        print(alignedTable(header: ["round", "cleaned", "test \(metric)", "suggestions = gold"],
                           rows: [["0", "0", String(format: "%.4f", initial.f1 ?? initial.macroF1), ""]] + rounds.map { r in
            ["\(r.round)", "\(rounds.prefix(r.round).reduce(0) { $0 + $1.cleaned.count })", String(format: "%.4f", r.testF1),
             r.suggestionsMatchingGold.map { "\($0)/\(r.cleaned.count)" } ?? "-"]
        }))
        if dataset.train.goldLabels != nil {
            print("suggested labels matching gold: \(matching) of \(rounds.reduce(0) { $0 + $1.cleaned.count })")
        }
    }
)

/// `weasel clean --end-model logreg`: CHEF's Increm-INFL and DeltaGrad-L against full recomputation.
func runLogisticCleaningCommand(_ arguments: ParsedArguments, dataset: WeakDataset, budget: Int, batch: Int, gamma: Double,
                                seed: UInt64, quiet: Bool) throws {
    var sgd = LogisticRegressionSGD()
    sgd.seed = seed
    let (initialF1, rounds): (Double, [FastCleaningRound])
    do {
        (initialF1, rounds) = try runFastCleaning(dataset: dataset, labelModel: try makeLabelModel(try arguments.choice("label-model", ["majority", "dawid-skene", "snorkel"], default: "majority"), seed: seed),
                                                  budget: budget, batch: batch, gamma: gamma, oracle: arguments.string("oracle") != nil,
                                                  incremental: arguments.flag("incremental"), sgd: sgd) { round in
            if !quiet { printError(String(format: "clean: round %d  F1 retrain %.4f  DeltaGrad-L %.4f", round.round, round.f1Retrain, round.f1DeltaGrad)) }
        }
    } catch let error as PipelineError { throw CLIError.input(error.description) }
    catch let error as LabelModelError { throw CLIError.input(error.description) }
    if arguments.flag("json") {
        print(try jsonString(["initial_f1": initialF1, "rounds": rounds.map { r in
            ["round": r.round, "select_full_s": r.selectFullSeconds, "select_incremental_s": r.selectIncrementalSeconds,
             "exact_evaluations": r.exactEvaluations, "same_top_b": r.sameTopB, "update_retrain_s": r.updateRetrainSeconds,
             "update_deltagrad_s": r.updateDeltaGradSeconds, "relative_distance": r.relativeDistance,
             "f1_retrain": r.f1Retrain, "f1_deltagrad": r.f1DeltaGrad] as [String: Any]
        }]))
        return
    }
    print("\(dataset.name): INFL cleaning with a logistic-regression end model, budget \(budget) in rounds of \(batch); initial test F1 \(String(format: "%.4f", initialF1))")
    print(alignedTable(header: ["round", "select full s", "select incr. s", "exact evals", "same top-b", "retrain s", "DeltaGrad s", "rel. distance", "F1 retrain", "F1 DeltaGrad"],
                       rows: rounds.map { r in
        ["\(r.round)", String(format: "%.4f", r.selectFullSeconds), String(format: "%.4f", r.selectIncrementalSeconds), "\(r.exactEvaluations)",
         r.sameTopB ? "yes" : "NO", String(format: "%.4f", r.updateRetrainSeconds), String(format: "%.4f", r.updateDeltaGradSeconds),
         String(format: "%.2e", r.relativeDistance), String(format: "%.4f", r.f1Retrain), String(format: "%.4f", r.f1DeltaGrad)]
    }))
    let total = { (f: (FastCleaningRound) -> Double) in rounds.reduce(0) { $0 + f($1) } }
    print(String(format: "speed-up: selection %.2f×, model update %.2f×", total(\.selectFullSeconds) / max(total(\.selectIncrementalSeconds), 1e-12),
                 total(\.updateRetrainSeconds) / max(total(\.updateDeltaGradSeconds), 1e-12)))
}
