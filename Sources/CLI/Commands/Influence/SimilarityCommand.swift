import Influence

let similarityCommand = Command(
    name: "similarity",
    summary: "rank training rows as likely mislabeled by IF-class (min over the clean classes) and the plain score",
    options: influenceSetupOptions + [
        .choice(
            "similarity", of: GradientSimilarity.self, help: "how a row's gradient is compared with the clean set's",
            default: .influence),
        .flag("hard-labels", help: "gradients towards each row's most probable label instead of its soft label"),
        topOption,
        .flag("json", help: "print one JSON object"),
    ],
    run: { arguments in
        let similarity = try arguments.required("similarity", as: GradientSimilarity.self)
        let top = try top(arguments)
        let (damping, solver) = (try damping(arguments), try solver(arguments))
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        let ranking = try setup.mislabelRanking(
            similarity, dataset: dataset, hardLabels: arguments.flag("hard-labels"),
            damping: damping, solver: solver)
        let ids = dataset.train.ids
        let name = similarity.rawValue
        if arguments.flag("json") {
            emit(
                try jsonString([
                    "similarity": name,
                    "rows": ranking.map { entry -> [String: Any] in
                        [
                            "row": entry.row, "id": ids[entry.row], "class_based": entry.classBased,
                            "overall": entry.overall,
                        ]
                    },
                ]))
            return
        }
        emit(
            "\(dataset.name): training rows most likely mislabeled by \(name)-class "
                + "(min over the clean classes of the mean similarity; most negative first)")
        emit(
            alignedTable(
                header: ["row id", "gold", "\(name)-class", name],
                rows: ranking.prefix(top).map { entry in
                    [
                        ids[entry.row], dataset.train.goldLabels.map { dataset.classNames[$0[entry.row]] } ?? "?",
                        formattedScore(entry.classBased), formattedScore(entry.overall),
                    ]
                }))
    }
)
