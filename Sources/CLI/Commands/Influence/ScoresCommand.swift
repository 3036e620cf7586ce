import Influence

let influenceScoresCommand = Command(
    name: "scores",
    summary: "rank LFs, votes and training rows by their influence on the validation or test loss",
    options: influenceSetupOptions + [
        influenceMethodOption,
        .value(
            "target", placeholder: "valid|test|ID[,ID…]",
            help: "the loss to explain: validation, test, or test points by id",
            default: TargetSelection.validation.argument),
        topOption,
        .flag("json", help: "print one JSON object"),
    ],
    run: { arguments in
        let method = try arguments.required("method", as: InfluenceMethod.self)
        let selection = try arguments.required("target", as: TargetSelection.self)
        let top = try top(arguments)
        let (damping, solver) = (try damping(arguments), try solver(arguments, for: method))
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        let scores = try setup.scores(
            method, target: try setup.target(selection, dataset: dataset), damping: damping, solver: solver)
        if arguments.flag("json") {
            emit(try jsonString(scoresJSON(scores, setup: setup, dataset: dataset)))
        } else {
            emit(scoresText(scores, setup: setup, dataset: dataset, top: top))
        }
    }
)

/// `influence scores --json`: the method, target, solve, and every LF, row and vote score.
func scoresJSON(_ scores: InfluenceScores, setup: InfluenceSetup, dataset: WeakDataset) -> [String: Any] {
    let ids = dataset.train.ids
    let names = sourceNames(dataset)
    let solve = scores.solve
    var object: [String: Any] = [
        "gradient_norm_ratio": setup.gradientNormRatio,
        "method": scores.method.rawValue, "target": scores.target.description,
        "solver": [
            "name": solve.solver.rawValue, "iterations": solve.iterations, "relative_residual": solve.relativeResidual,
            "converged": solve.converged, "damping": scores.damping, "parameters": setup.problem.parameterCount,
            "curvature": setup.problem.curvature.rawValue,
        ] as [String: Any],
        "lfs": scores.lfs.map { ["lf": $0.lf, "name": names[$0.lf], "score": $0.score] as [String: Any] },
        "rows": scores.rows.map { ["row": $0.row, "id": ids[$0.row], "score": $0.score] as [String: Any] },
        "votes": scores.votes.map {
            ["row": $0.row, "id": ids[$0.row], "lf": $0.lf, "vote": $0.vote, "score": $0.score] as [String: Any]
        },
    ]
    if let error = setup.surrogateError { object["surrogate_mae"] = error }
    return object
}

/// The most harmful and most helpful LFs, rows and votes as tables, under a line about the solve.
func scoresText(_ scores: InfluenceScores, setup: InfluenceSetup, dataset: WeakDataset, top: Int) -> String {
    let ids = dataset.train.ids
    let names = sourceNames(dataset)
    let solve = scores.solve
    var lines = [
        "\(dataset.name): \(scores.method.rawValue) influence on the \(scores.target.description) of the \(setup.file.method.rawValue) model; "
            + "removal convention (negative = removing it lowers the loss = harmful)",
        trustText(setup, solve: solve, damping: scores.damping)
            + (setup.surrogateError.map { "; identity surrogate MAE " + number($0, "%.4f") } ?? ""),
    ]
    func section<T>(_ title: String, _ entries: [T], score: (T) -> Double, header: [String], cells: (T) -> [String]) {
        guard !entries.isEmpty else { return }
        for (label, ordered) in [
            ("most harmful", entries.sorted { score($0) < score($1) }),
            ("most helpful", entries.sorted { score($0) > score($1) }),
        ] {
            lines += [
                "", "\(title), \(label):",
                alignedTable(
                    header: header + ["score"],
                    rows: ordered.prefix(top).map { cells($0) + [formattedScore(score($0))] }),
            ]
        }
    }
    section("LFs", scores.lfs, score: \.score, header: ["LF", "description"]) { lf in
        [
            names[lf.lf],
            dataset.lfDescriptions.indices.contains(lf.lf) ? String(dataset.lfDescriptions[lf.lf].prefix(60)) : "",
        ]
    }
    section("Training rows", scores.rows, score: \.score, header: ["row id", "gold"]) { row in
        [ids[row.row], dataset.train.goldLabels.map { dataset.classNames[$0[row.row]] } ?? "?"]
    }
    section("Votes", scores.votes, score: \.score, header: ["row id", "LF", "vote"]) { vote in
        [ids[vote.row], names[vote.lf], voteName(vote.vote, dataset)]
    }
    return lines.joined(separator: "\n")
}
