import Foundation
import Influence

let validateCommand = Command(
    name: "validate",
    summary: "group influence vs actual retraining: Spearman ρ, Pearson r, underestimation (Koh et al. 2019)",
    options: [
        .value("model", "FILE", "trained model written by `weasel train --out`"),
        .value("data", "DIR", "the dataset it was trained on"),
        .value("groups", GroupKind.allCases.map(\.rawValue).joined(separator: "|"), "how groups are formed", default: "lfs"),
        .value("count", "K", "number of groups (LFs: the first K)", default: "20"),
        .value("test-point", "ID", "also predict and measure the effect on this test point's loss"),
        .value("damping", "λ", "added to the Hessian's diagonal", default: "0.1"),
        .value("csv", "FILE", "write the (group, predicted, actual) pairs for plotting"),
        .flag("json", "print one JSON object"),
        .flag("quiet", "no per-group progress on stderr"),
    ],
    run: { arguments in
        guard let modelPath = arguments.string("model") else { throw CLIError.usage("--model FILE is required") }
        let dataset = try loadDataset(arguments)
        let kind = GroupKind(rawValue: try arguments.choice("groups", GroupKind.allCases.map(\.rawValue), default: "lfs"))!
        let count = try arguments.int("count", default: 20)
        guard count >= 2 else { throw CLIError.usage("--count must be at least 2 (correlations need two groups)") }
        let result: (validation: GroupValidation, testPoint: GroupValidation?)
        do {
            let setup = try InfluenceSetup(file: try TrainedModelFile.load(from: URL(fileURLWithPath: modelPath)), dataset: dataset, path: modelPath)
            result = try setup.validateGroups(dataset: dataset, kind: kind, count: count, damping: try arguments.double("damping", default: 0.1),
                                              solver: .conjugateGradient(), testPoint: arguments.string("test-point"),
                                              progress: arguments.flag("quiet") ? nil : { printError($0) })
        } catch let error as ModelFileError { throw CLIError.input(error.description) }
        catch let error as DataError { throw CLIError.input(error.description) }
        catch let error as NotPositiveDefiniteError { throw CLIError.input(error.description) }
        let v = result.validation
        guard v.effects.count >= 2 else { throw CLIError.input("only \(v.effects.count) group(s) could be formed; correlations need two") }
        if let csv = arguments.string("csv") {
            var text = "target,group,predicted,actual\n"
            for (name, validation) in [("valid", v)] + (result.testPoint.map { [("test-point", $0)] } ?? []) {
                for e in validation.effects { text += "\(name),\(e.group),\(e.predicted),\(e.actual)\n" }
            }
            do { try writeAtomically(Data(text.utf8), to: URL(fileURLWithPath: csv)) } catch { throw CLIError.input("\(error)") }
        }
        func summary(_ g: GroupValidation) -> [String: Any] {
            ["groups": g.effects.count, "spearman": g.spearman, "pearson": g.pearson, "underestimation": g.underestimation,
             "pairs": g.effects.map { ["group": $0.group, "predicted": $0.predicted, "actual": $0.actual] as [String: Any] }]
        }
        if arguments.flag("json") {
            var object = summary(v)
            if let point = result.testPoint { object["test_point"] = summary(point) }
            print(try jsonString(object))
            return
        }
        print("\(dataset.name): \(v.effects.count) \(kind.rawValue) groups, predicted (sum of member scores) vs actual (retraining) effect")
        var rows = [["validation loss", String(format: "%.3f", v.spearman), String(format: "%.3f", v.pearson), String(format: "%.2f", v.underestimation)]]
        if let p = result.testPoint {
            rows.append(["test point \(arguments.string("test-point")!)", String(format: "%.3f", p.spearman), String(format: "%.3f", p.pearson), String(format: "%.2f", p.underestimation)])
        }
        print(alignedTable(header: ["target", "Spearman ρ", "Pearson r", "|predicted| < |actual|"], rows: rows))
    }
)
