import Foundation
import Influence

let validateCommand = Command(
    name: "validate",
    summary:
        "predicted vs actual effects of removing groups (LFs, LF triples, rows): Spearman ρ, sign agreement, top-3 precision",
    options: influenceSetupOptions + lfRemovalOptions + [
        .choice("groups", of: GroupKind.self, help: "how groups are formed", default: .lfs),
        .value(
            "count", placeholder: "K",
            help: "number of groups (default: every LF; 30 LF triples; 20 row groups; LFs: the first K)"),
        .value("test-point", placeholder: "ID", help: "also predict and measure the effect on this test point's loss"),
        .value("csv", placeholder: "FILE", help: "write the (predictor, group, predicted, actual) rows for plotting"),
        jsonOption,
    ],
    run: { arguments in
        let kind = try arguments.required("groups", as: GroupKind.self)
        let count = try arguments.value(
            "count", as: Int.self, where: { $0 >= 2 },
            expected: "an integer of at least 2 (correlations need two groups)")
        let testPoint = try arguments.value("test-point", as: String.self)
        let csv = try outputPath(arguments, "csv")
        let (damping, solver) = (try damping(arguments), try solver(arguments))
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        var (removal, estimator, steps) = try lfRemovalSettings(arguments, setup: setup)
        if estimator == .exact {
            guard !arguments.isGiven("estimator") else {
                throw CLIError.usage(
                    "--estimator exact is what validate measures against; choose first-order or newton")
            }
            estimator = .newton  // a convex model's default estimator is the actual here: check newton against it
        }
        let report = try setup.validateGroups(
            dataset: dataset, kind: kind, count: count, removal: removal, estimator: estimator, newtonSteps: steps,
            damping: damping, solver: solver, testPoint: testPoint,
            progress: progressSteps(arguments, "validate", total: count ?? kind.defaultCount ?? dataset.lfCount))
        guard report.groupCount >= 2 else {
            throw CLIError.input("only \(report.groupCount) group(s) could be formed; correlations need two")
        }
        /// Each predictor's (target, comparison) pairs: the validation loss, then the test point's.
        func targets(_ comparison: PredictorComparison) -> [(String, GroupValidation)] {
            [("validation loss", comparison.validation)]
                + (comparison.testPoint.map { [("test point \(testPoint!)", $0)] } ?? [])
        }
        if let csv {
            var text = "predictor,target,group,predicted,actual\n"
            for comparison in report.comparisons {
                for (target, validation) in targets(comparison) {
                    for e in validation.effects {
                        text +=
                            [comparison.predictor, target, e.group].map(csvField).joined(separator: ",")
                            + ",\(e.predicted),\(e.actual)\n"
                    }
                }
            }
            try writeAtomically(Data(text.utf8), toPath: csv)
        }
        if arguments.flag("json") {
            emit(
                try jsonString([
                    "groups": report.groupCount, "kind": kind.rawValue, "removal": removal.rawValue,
                    "damping": report.damping, "gradient_norm_ratio": setup.gradientNormRatio,
                    "predictors": report.comparisons.map { comparison -> [String: Any] in
                        var object: [String: Any] = [
                            "predictor": comparison.predictor,
                            "validation": validationJSON(comparison.validation, seed: setup.file.seed),
                        ]
                        if let point = comparison.testPoint {
                            object["test_point"] = validationJSON(point, seed: setup.file.seed)
                        }
                        return object
                    },
                ]))
            return
        }
        emit(
            "\(dataset.name): \(report.groupCount) \(kind.rawValue) groups"
                + (kind.removesLFs ? " (removal: \(removal.rawValue))" : "")
                + ", predicted vs actual effect (the proximal objective minimized, same damping)")
        emit(trustText(setup, solve: report.solve, damping: report.damping))
        emit(
            alignedTable(
                header: [
                    "predictor", "target", "Spearman ρ", "95% bootstrap interval", "Pearson r", "sign agreement",
                    "top-3 precision",
                ],
                rows: report.comparisons.flatMap { comparison in
                    targets(comparison).map { target, g in
                        let interval = g.spearmanInterval(seed: setup.file.seed)
                        return [
                            comparison.predictor, target, number(g.spearman, "%.3f"),
                            "[\(number(interval.lower, "%.3f")), \(number(interval.upper, "%.3f"))]",
                            number(g.pearson, "%.3f"), number(g.signAgreement, "%.2f"),
                            number(g.topHarmfulPrecision(), "%.2f"),
                        ]
                    }
                }))
    }
)

/// One predictor's line of `validate --json`: the correlations and every (group, predicted, actual) pair.
private func validationJSON(_ g: GroupValidation, seed: UInt64) -> [String: Any] {
    let interval = g.spearmanInterval(seed: seed)
    return [
        "spearman": g.spearman, "spearman_interval": [interval.lower, interval.upper], "pearson": g.pearson,
        "sign_agreement": g.signAgreement, "top3_precision": g.topHarmfulPrecision(),
        "underestimation": g.underestimation,
        "pairs": g.effects.map {
            ["group": $0.group, "predicted": $0.predicted, "actual": $0.actual] as [String: Any]
        },
    ]
}
