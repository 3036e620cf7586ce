import Foundation
import Influence

/// `--removal`, `--estimator` and `--newton-steps`: what removing an LF means and how its effect
/// is estimated (shared by `influence lfs`, `validate` and `improve`).
let lfRemovalOptions: [OptionSpec] = [
    .choice(
        "removal", of: LFRemoval.self,
        help:
            "what removing an LF means: refit the label model without it, renormalize the fitted labels, or the RW terms",
        default: .refit),
    .choice(
        "estimator", of: EffectEstimator.self,
        help: "how a removal's effect is estimated (default: exact for logistic regression, newton for networks)"),
    .value(
        "newton-steps", placeholder: "K", help: "line-searched Newton steps of the newton estimator",
        default: "\(EffectEstimator.defaultNewtonSteps)"),
]

/// The removal, estimator (the model's default unless given) and Newton steps of `lfRemovalOptions`.
func lfRemovalSettings(_ arguments: ParsedArguments, setup: InfluenceSetup) throws -> (
    removal: LFRemoval, estimator: EffectEstimator, newtonSteps: Int
) {
    (
        try arguments.required("removal", as: LFRemoval.self),
        try arguments.value("estimator", as: EffectEstimator.self)
            ?? EffectEstimator.preferred(for: setup.file.endModelSpec),
        try arguments.required("newton-steps", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
    )
}

/// LF names or indices, comma-separated, as LF indices.
func lfIndices(_ text: String, option: String, dataset: WeakDataset) throws -> [Int] {
    let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !items.isEmpty else { throw CLIError.usage("--\(option) expects LF names or indices, comma-separated") }
    let indices = try items.map { item -> Int in
        if let index = dataset.lfNames.firstIndex(of: item) { return index }
        if let index = Int(item), dataset.lfNames.indices.contains(index) { return index }
        throw CLIError.usage(
            "--\(option): '\(item)' is not an LF of the dataset (names: \(dataset.lfNames.prefix(8).joined(separator: ", "))"
                + (dataset.lfCount > 8 ? ", …" : "") + "; or indices 0…\(dataset.lfCount - 1))")
    }
    guard Set(indices).count == indices.count else { throw CLIError.usage("--\(option) names an LF twice") }
    return indices
}

let influenceLFsCommand = Command(
    name: "lfs",
    summary:
        "which LF hurts the model, and what if you drop it: each LF's removal effect on the validation loss and metric",
    options: influenceSetupOptions + lfRemovalOptions + [
        .flag("verify", help: "also compute the exact effect (the proximal objective minimized) beside the estimate"),
        .value("remove", placeholder: "LF[,LF…]", help: "estimate removing these LFs jointly (names or indices)"),
        .value("test-point", placeholder: "ID", help: "also the effect on this test point's loss"),
        jsonOption,
    ],
    run: { arguments in
        let (damping, solver) = (try damping(arguments), try solver(arguments))
        let testPoint = try arguments.value("test-point", as: String.self)
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        let (removal, estimator, steps) = try lfRemovalSettings(arguments, setup: setup)
        let groups =
            try arguments.value("remove", as: String.self).map {
                [try lfIndices($0, option: "remove", dataset: dataset)]
            }
            ?? (0..<dataset.lfCount).map { [$0] }
        let analysis = try setup.analyzeLFRemoval(
            dataset: dataset, groups: groups, removal: removal, estimator: estimator, newtonSteps: steps,
            verify: arguments.flag("verify"), damping: damping, solver: solver, testPoint: testPoint,
            progress: progressSteps(arguments, "lfs", total: groups.count))
        if arguments.flag("json") {
            emit(try jsonString(lfRemovalJSON(analysis, setup: setup, dataset: dataset)))
        } else {
            emit(lfRemovalText(analysis, setup: setup, dataset: dataset, testPoint: testPoint))
        }
    }
)

/// Whether the first-order screen disagrees with the estimate: another sign, or off by more than
/// the estimate's own size.
private func firstOrderDisagrees(_ row: LFRemovalRow) -> Bool {
    let (screen, estimate) = (row.firstOrder.lossChanges[0], row.estimate.lossChanges[0])
    return row.estimate.estimator != .firstOrder
        && (screen * estimate < 0 || abs(screen - estimate) > abs(estimate))
}

/// A validation-loss change, with its spread over seeds when it has one (a network's exact effect).
private func lossChangeText(_ effect: RemovalEffect) -> String {
    formattedScore(effect.lossChanges[0]) + (effect.spread.map { " ± " + number($0, "%.1e") } ?? "")
}

private func groupName(_ row: LFRemovalRow, _ dataset: WeakDataset) -> String {
    row.lfs.map { dataset.lfNames[$0] }.joined(separator: "+")
}

/// The table of `influence lfs`, most harmful first (removing it lowers the validation loss most).
func lfRemovalText(_ analysis: LFRemovalAnalysis, setup: InfluenceSetup, dataset: WeakDataset, testPoint: String?)
    -> String
{
    let estimator =
        analysis.estimator.rawValue
        + (analysis.estimator == .newton ? " (\(analysis.newtonSteps) steps)" : "")
    var lines = [
        "\(dataset.name): removing each LF (\(analysis.removal.rawValue)) from the \(setup.file.method.rawValue) model, "
            + "estimated by \(estimator); validation loss \(number(analysis.baselineLosses[0], "%.4f")), "
            + "\(analysis.metricName) \(number(analysis.baselineMetric, "%.4f"))",
        trustText(setup, solve: analysis.solve, damping: analysis.damping),
        "Δ = the change if the LF is removed and the model retrained; negative Δ loss = the LF hurts (most harmful first)",
        "",
    ]
    var header = [
        "LF", "coverage", "only voter", "curvature", "first-order Δ loss", "\(analysis.estimator.rawValue) Δ loss",
    ]
    header.append("Δ \(analysis.metricName)")
    let verified = analysis.rows.contains { $0.exact != nil }
    if verified { header.append("exact Δ loss") }
    if testPoint != nil { header.append("Δ test-point loss") }
    header.append("")
    let ordered = analysis.rows.sorted { $0.estimate.lossChanges[0] < $1.estimate.lossChanges[0] }
    let rows = ordered.map { row -> [String] in
        var cells = [
            groupName(row, dataset), "\(row.coverage)", "\(row.soleVoterRows)",
            number(row.curvatureShare * 100, "%.1f") + "%", formattedScore(row.firstOrder.lossChanges[0]),
            lossChangeText(row.estimate),
            row.estimate.metricChange.map { number($0, "%+.4f") } ?? "n/a",
        ]
        if verified { cells.append(row.exact.map(lossChangeText) ?? "") }
        if testPoint != nil { cells.append(formattedScore(row.estimate.lossChanges.last!)) }
        cells.append(firstOrderDisagrees(row) ? "!" : "")
        return cells
    }
    lines.append(alignedTable(header: header, rows: rows, rightAligned: Set(1..<(header.count - 1))))
    if ordered.contains(where: firstOrderDisagrees) {
        lines += [
            "",
            "! first-order influence disagrees with \(analysis.estimator.rawValue) (another sign, or off by more than the "
                + "estimate): the LF's rows carry curvature the one-solve screen keeps",
        ]
    }
    return lines.joined(separator: "\n")
}

/// `influence lfs --json`.
func lfRemovalJSON(_ analysis: LFRemovalAnalysis, setup: InfluenceSetup, dataset: WeakDataset) -> [String: Any] {
    func effect(_ e: RemovalEffect) -> [String: Any] {
        var object: [String: Any] = ["estimator": e.estimator.rawValue, "loss_changes": e.lossChanges]
        if let metric = e.metricChange { object["metric_change"] = metric }
        if let distance = e.distance { object["parameter_distance"] = distance }
        if let spread = e.spread { object["spread"] = spread }
        return object
    }
    return [
        "removal": analysis.removal.rawValue, "estimator": analysis.estimator.rawValue,
        "newton_steps": analysis.newtonSteps, "damping": analysis.damping, "metric": analysis.metricName,
        "baseline_losses": analysis.baselineLosses, "baseline_metric": analysis.baselineMetric,
        "gradient_norm_ratio": setup.gradientNormRatio,
        "solver": [
            "name": analysis.solve.solver.rawValue, "iterations": analysis.solve.iterations,
            "relative_residual": analysis.solve.relativeResidual, "converged": analysis.solve.converged,
        ] as [String: Any],
        "lfs": analysis.rows.map { row -> [String: Any] in
            var object: [String: Any] = [
                "lfs": row.lfs.map { dataset.lfNames[$0] }, "coverage": row.coverage,
                "only_voter_rows": row.soleVoterRows, "dropped_rows": row.droppedRows,
                "curvature_share": row.curvatureShare, "first_order": effect(row.firstOrder),
                "estimate": effect(row.estimate), "first_order_disagrees": firstOrderDisagrees(row),
            ]
            if let exact = row.exact { object["exact"] = effect(exact) }
            return object
        },
    ]
}
