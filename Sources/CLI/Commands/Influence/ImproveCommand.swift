import Foundation
import Influence

let improveCommand = Command(
    name: "improve",
    summary: "drop harmful rows (IF), terms (RW, WM) or LFs, retrain, and compare validation/test loss and F1",
    options: influenceSetupOptions + lfRemovalOptions + [
        .value(
            "lfs", placeholder: "K", help: "drop the K LFs whose removal the estimator says helps most (0: none)",
            default: "1"),
        .flag("json", help: "print one JSON object"),
    ],
    run: { arguments in
        let (damping, solver) = (try damping(arguments), try solver(arguments))
        let lfCount = try arguments.required(
            "lfs", as: Int.self, where: { $0 >= 0 }, expected: "a non-negative integer")
        let (setup, dataset) = try loadInfluenceSetup(arguments)
        let (removal, estimator, steps) = try lfRemovalSettings(arguments, setup: setup)
        let report = try setup.improve(
            dataset: dataset, damping: damping, solver: solver,
            lfCount: setup.file.method.isWeaklySupervised ? lfCount : 0,
            removal: removal, estimator: estimator, newtonSteps: steps)
        let metric = dataset.classCount == 2 ? "F1" : "accuracy"
        if arguments.flag("json") {
            emit(
                try jsonString([
                    "lines": report.lines.map { line -> [String: Any] in
                        [
                            "name": line.name, "alpha": line.alpha.map { $0 as Any } ?? NSNull(),
                            "removed": line.removed, "removed_lfs": line.removedLFs.map { $0 as Any } ?? NSNull(),
                            "valid_loss": line.validationLoss, "valid_\(metric.lowercased())": line.validationScore,
                            "test_loss": line.testLoss, "test_\(metric.lowercased())": line.testScore,
                        ]
                    }
                ]))
            return
        }
        emit("\(dataset.name): removing what hurts the validation loss, then retraining (α chosen on validation loss)")
        emit(trustText(setup, solve: report.solve, damping: report.damping))
        emit(
            alignedTable(
                header: ["removal", "α", "removed", "valid loss", "valid \(metric)", "test loss", "test \(metric)"],
                rows: report.lines.map { line in
                    [
                        line.name, line.alpha.map { number($0, "%.2e") } ?? "-",
                        line.removedLFs.map { $0.joined(separator: ",") } ?? "\(line.removed)",
                        number(line.validationLoss, "%.4f"),
                        number(line.validationScore, "%.4f"), number(line.testLoss, "%.4f"),
                        number(line.testScore, "%.4f"),
                    ]
                }))
    }
)
