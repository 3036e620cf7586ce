import Foundation
import Influence

let validateCommand = Command(
    name: "validate",
    summary: "group influence vs actual retraining: Spearman ρ, Pearson r, underestimation (Koh et al. 2019)",
    options: influenceSetupOptions + [
        .choice("groups", of: GroupKind.self, help: "how groups are formed", default: .lfs),
        .value("count", placeholder: "K", help: "number of groups (LFs: the first K)", default: "20"),
        .value("test-point", placeholder: "ID", help: "also predict and measure the effect on this test point's loss"),
        .value("csv", placeholder: "FILE", help: "write the (group, predicted, actual) pairs for plotting"),
        .flag("json", help: "print one JSON object"),
    ],
    run: { arguments in
        let kind = try arguments.required("groups", as: GroupKind.self)
        let count = try arguments.required(
            "count", as: Int.self, where: { $0 >= 2 },
            expected: "an integer of at least 2 (correlations need two groups)")
        let testPoint = try arguments.value("test-point", as: String.self)
        let csv = try outputPath(arguments, "csv")
        let (damping, solver) = (try damping(arguments), try solver(arguments))
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        let result = try setup.validateGroups(
            dataset: dataset, kind: kind, count: count, damping: damping, solver: solver,
            testPoint: testPoint, progress: progressSteps(arguments, "validate", total: count))
        let v = result.validation
        guard v.effects.count >= 2 else {
            throw CLIError.input("only \(v.effects.count) group(s) could be formed; correlations need two")
        }
        let targets = [("valid", v)] + (result.testPoint.map { [("test-point", $0)] } ?? [])
        if let csv {
            var text = "target,group,predicted,actual\n"
            for (name, validation) in targets {
                for e in validation.effects { text += "\(name),\(csvField(e.group)),\(e.predicted),\(e.actual)\n" }
            }
            try writeAtomically(Data(text.utf8), toPath: csv)
        }
        if arguments.flag("json") {
            var object = validationJSON(v, seed: setup.file.seed)
            object["gradient_norm_ratio"] = setup.gradientNormRatio
            if let point = result.testPoint { object["test_point"] = validationJSON(point, seed: setup.file.seed) }
            emit(try jsonString(object))
            return
        }
        emit(
            "\(dataset.name): \(v.effects.count) \(kind.rawValue) groups, predicted (sum of member scores) vs actual (retraining) effect"
        )
        if let solve = v.solve, let damping = v.damping { emit(trustText(setup, solve: solve, damping: damping)) }
        emit(
            alignedTable(
                header: ["target", "Spearman ρ", "95% bootstrap interval", "Pearson r", "|predicted| < |actual|"],
                rows: targets.map { name, g in
                    let interval = g.spearmanInterval(seed: setup.file.seed)
                    return [
                        name == "valid" ? "validation loss" : "test point \(testPoint!)",
                        number(g.spearman, "%.3f"),
                        "[\(number(interval.lower, "%.3f")), \(number(interval.upper, "%.3f"))]",
                        number(g.pearson, "%.3f"), number(g.underestimation, "%.2f"),
                    ]
                }))
    }
)

/// One target's line of `validate --json`: the correlations and every (group, predicted, actual) pair.
private func validationJSON(_ g: GroupValidation, seed: UInt64) -> [String: Any] {
    let interval = g.spearmanInterval(seed: seed)
    return [
        "groups": g.effects.count, "spearman": g.spearman, "spearman_interval": [interval.lower, interval.upper],
        "pearson": g.pearson, "underestimation": g.underestimation, "damping": g.damping ?? 0,
        "pairs": g.effects.map {
            ["group": $0.group, "predicted": $0.predicted, "actual": $0.actual] as [String: Any]
        },
    ]
}
