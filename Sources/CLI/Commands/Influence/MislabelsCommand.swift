import Foundation
import Influence

let mislabelsCommand = Command(
    name: "mislabels",
    summary:
        "rank every vote as 'LF j mislabels row i' (needs gold labels); average precision per LF against baselines",
    options: influenceSetupOptions + [.flag("json", help: "print one JSON object")],
    run: { arguments in
        let (damping, solver) = (try damping(arguments), try solver(arguments))
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        let report = try setup.detectMislabels(dataset: dataset, damping: damping, solver: solver)
        if arguments.flag("json") {
            let names = sourceNames(dataset)
            emit(
                try jsonString([
                    "votes": report.votes, "wrong_votes": report.wrongVotes,
                    "methods": report.methods.map { method -> [String: Any] in
                        [
                            "name": method.name, "mean_ap": method.meanAP,
                            "per_lf": method.perLF.enumerated().map { lf, ap -> [String: Any] in
                                ["lf": lf, "name": names[lf], "ap": ap.map { $0 as Any } ?? NSNull()]
                            },
                        ]
                    },
                ]))
            return
        }
        emit(
            "\(dataset.name): detecting wrong votes (\(report.wrongVotes) of \(report.votes) votes disagree with gold); "
                + "average precision, higher is better")
        emit(trustText(setup, solve: report.solve, damping: report.damping))
        emit(
            alignedTable(
                header: ["method", "mean AP over LFs"],
                rows: report.methods.map { [$0.name, number($0.meanAP, "%.3f")] }))
    }
)
