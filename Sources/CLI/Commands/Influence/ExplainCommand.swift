import Influence

let explainCommand = Command(
    name: "explain",
    summary: "the training row, LF and vote that most increased the loss of each misclassified test point",
    options: influenceSetupOptions + [
        influenceMethodOption,
        .value("count", placeholder: "K", help: "how many misclassified test points (the first K)", default: "5"),
    ],
    run: { arguments in
        let method = try arguments.required("method", as: InfluenceMethod.self)
        let count = try arguments.required("count", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
        let (damping, solver) = (try damping(arguments), try solver(arguments, for: method))
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        let explanations = try setup.explainMisclassified(
            dataset: dataset, count: count, method: method, damping: damping, solver: solver)
        let ids = dataset.train.ids
        let names = sourceNames(dataset)
        emit("\(dataset.name): misclassified test points and what most increased their loss (\(method.rawValue))")
        emit(
            alignedTable(
                header: [
                    "test id", "gold", "predicted", "most harmful row", "most harmful LF",
                    "most harmful vote (row / LF → vote)",
                ],
                rows: explanations.map { e in
                    [
                        dataset.test.ids[e.testRow], dataset.classNames[e.gold], dataset.classNames[e.predicted],
                        ids[e.row.row],
                        e.lf.map { names[$0.lf] } ?? "-",
                        e.vote.map { "\(ids[$0.row]) / \(names[$0.lf]) → \(voteName($0.vote, dataset))" } ?? "-",
                    ]
                }))
    }
)
