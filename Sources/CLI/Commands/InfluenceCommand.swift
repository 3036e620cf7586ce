import Foundation
import Influence

let influenceMethods = ["if", "relatif", "rw", "wm", "r-rw", "r-wm"]

/// The scores of one influence run, in the removal convention (negative = harmful).
struct InfluenceScores {
    var rows: [Double]
    var lfs: [Double]?
    var votes: [(row: Int, source: Int, vote: Int, score: Double)]?
}

func computeInfluence(_ setup: InfluenceSetup, target: InfluenceTarget, method: String, damping: Double,
                      solver: InverseHVPSolver) throws -> (InfluenceScores, SolveReport) {
    let solved = try setup.problem.solve(target: target, damping: damping, solver: solver)
    switch method {
    case "if": return (InfluenceScores(rows: setup.problem.rowInfluence(solved)), solved.report)
    case "relatif": return (InfluenceScores(rows: try setup.problem.relativeRowInfluence(solved, solver: solver)), solved.report)
    default:
        guard let terms = setup.terms else {
            throw CLIError.usage("method '\(method)' needs LF votes behind the labels; '\(setup.file.method)' was trained on gold labels (use if or relatif)")
        }
        var scores = setup.problem.sourceAwareInfluence(solved, terms: terms, method: method.hasSuffix("rw") ? .reweighting : .weightMoving)
        if method.hasPrefix("r-") { scores = try setup.problem.relativeSourceAwareInfluence(scores, damping: damping, solver: solver) }
        return (InfluenceScores(rows: scores.rows, lfs: scores.lfs, votes: scores.votes), solved.report)
    }
}

let influenceCommand = Command(
    name: "influence",
    summary: "which LFs, votes and training rows help or hurt a trained model (influence functions)",
    options: [
        .value("model", "FILE", "trained model written by `weasel train --out`"),
        .value("data", "DIR", "the dataset it was trained on"),
        .value("target", "valid|test|ID[,ID…]", "the loss to explain: validation, test, or test points by id", default: "valid"),
        .value("method", influenceMethods.joined(separator: "|"), "ordinary IF, RelatIF, or source-aware reweighting / weight-moving (r- = relative)", default: "rw"),
        .value("solver", "cg|exact|lissa", "inverse-HVP solver (relative methods need exact)", default: "cg"),
        .value("damping", "λ", "added to the Hessian's diagonal (trained networks are not convex: 0.01 often meets negative curvature)", default: "0.1"),
        .flag("last-layer", "influence over the output layer's parameters only"),
        .value("top", "K", "rows per table", default: "10"),
        .value("explain", "K", "explain the first K misclassified test points: their most responsible row, LF and vote"),
        .flag("detect-mislabels", "rank every vote as 'LF j mislabels row i' (needs gold labels); AP per LF vs baselines"),
        .flag("improve", "drop harmful rows (IF), terms (RW, WM) or LFs, retrain, and compare validation/test loss and F1"),
        .value("similarity", "if|gd|gc|tracin", "rank training rows as likely mislabelled by IF-class (min over clean classes) and the plain score"),
        .flag("hard-labels", "with --similarity: gradients towards each row's argmax label instead of its soft label"),
        .flag("json", "print one JSON object"),
    ],
    subcommands: [validateCommand],
    run: { arguments in
        guard let modelPath = arguments.string("model") else { throw CLIError.usage("--model FILE is required") }
        let dataset = try loadDataset(arguments)
        let method = try arguments.choice("method", influenceMethods, default: "rw")
        let damping = try arguments.double("damping", default: 0.1)
        let solverName = try arguments.choice("solver", ["cg", "exact", "lissa"], default: method.hasPrefix("r") ? "exact" : "cg")
        let solver: InverseHVPSolver = solverName == "exact" ? .exact() : solverName == "lissa" ? .lissa() : .conjugateGradient()
        let top = try arguments.int("top", default: 10)
        let setup: InfluenceSetup
        do {
            let file = try TrainedModelFile.load(from: URL(fileURLWithPath: modelPath))
            setup = try InfluenceSetup(file: file, dataset: dataset, selection: arguments.flag("last-layer") ? .lastLayer : .all, path: modelPath)
        } catch let error as ModelFileError { throw CLIError.input(error.description) }
        catch let error as DataError { throw CLIError.input(error.description) }
        let ids = dataset.train.ids, names = dataset.lfNames + ["(prior)"]
        if arguments.flag("detect-mislabels") {
            let report: MislabelDetectionReport
            do { report = try setup.detectMislabels(dataset: dataset, damping: damping, solver: solver) }
            catch let error as DataError { throw CLIError.input(error.description) }
            catch let error as NotPositiveDefiniteError { throw CLIError.input(error.description) }
            if arguments.flag("json") {
                print(try jsonString(["votes": report.votes, "wrong_votes": report.wrongVotes, "methods": report.methods.map { method in
                    ["name": method.name, "mean_ap": method.meanAP,
                     "per_lf": method.perLF.enumerated().map { ["lf": $0.offset, "name": names[$0.offset], "ap": $0.element.map { $0 as Any } ?? NSNull()] as [String: Any] }] as [String: Any]
                }]))
                return
            }
            print("\(dataset.name): detecting wrong votes (\(report.wrongVotes) of \(report.votes) votes disagree with gold); average precision, higher is better")
            print(alignedTable(header: ["method", "mean AP over LFs"], rows: report.methods.map { [$0.name, String(format: "%.3f", $0.meanAP)] }))
            return
        }
        if let name = arguments.string("similarity") {
            guard let similarity = GradientSimilarity(rawValue: name) else { throw CLIError.usage("--similarity must be one of if, gd, gc, tracin") }
            guard let validLabels = dataset.valid.goldLabels else { throw CLIError.input("--similarity needs gold labels on the validation split (the clean set)") }
            var problem = setup.problem
            if arguments.flag("hard-labels") {
                let y = problem.targets.scalars, c = problem.classCount
                let hard = (0..<problem.rowCount).map { i in (0..<c).max { y[i * c + $0] < y[i * c + $1] }! }
                do {
                    problem = try InfluenceProblem(model: problem.model, inputs: problem.inputs, targets: Tensor.oneHot(hard, classCount: c, dtype: .float64),
                                                   l2: problem.l2, selection: problem.selection)
                } catch { throw CLIError.input("\(error)") }
            }
            let scores: SimilarityScores
            do {
                scores = try problem.similarities(similarity, cleanInputs: try setup.file.endModelSpec.inputs(dataset.valid, dtype: .float64),
                                                  cleanLabels: validLabels, damping: damping, solver: solver, checkpoints: setup.file.checkpoints ?? [])
            } catch let error as NotPositiveDefiniteError { throw CLIError.input(error.description) }
            let classBased = scores.classBased
            let order = classBased.indices.sorted { classBased[$0] < classBased[$1] }
            if arguments.flag("json") {
                print(try jsonString(["similarity": name, "rows": order.map { i in
                    ["row": setup.trainingRows[i], "id": ids[setup.trainingRows[i]], "class_based": classBased[i], "overall": scores.overall[i]] as [String: Any]
                }]))
                return
            }
            print("\(dataset.name): training rows most likely mislabelled by \(name)-class (min over the clean classes of the mean similarity; most negative first)")
            print(alignedTable(header: ["row id", "gold", "\(name)-class", name], rows: order.prefix(top).map { i in
                [ids[setup.trainingRows[i]], dataset.train.goldLabels.map { dataset.classNames[$0[setup.trainingRows[i]]] } ?? "?",
                 String(format: "%.3e", classBased[i]), String(format: "%.3e", scores.overall[i])]
            }))
            return
        }
        if arguments.flag("improve") {
            let report: ImprovementReport
            do { report = try setup.improve(dataset: dataset, damping: damping, solver: solver) }
            catch let error as DataError { throw CLIError.input(error.description) }
            catch let error as NotPositiveDefiniteError { throw CLIError.input(error.description) }
            let metric = dataset.classCount == 2 ? "F1" : "accuracy"
            if arguments.flag("json") {
                print(try jsonString(["lines": report.lines.map { line in
                    ["name": line.name, "alpha": line.alpha.map { $0 as Any } ?? NSNull(), "removed": line.removed,
                     "valid_loss": line.validationLoss, "valid_\(metric.lowercased())": line.validationF1,
                     "test_loss": line.testLoss, "test_\(metric.lowercased())": line.testF1] as [String: Any]
                }]))
                return
            }
            print("\(dataset.name): removing what hurts the validation loss, then retraining (α chosen on validation loss)")
            print(alignedTable(header: ["removal", "α", "removed", "valid loss", "valid \(metric)", "test loss", "test \(metric)"],
                               rows: report.lines.map { line in
                [line.name, line.alpha.map { String(format: "%.2e", $0) } ?? "-", "\(line.removed)", String(format: "%.4f", line.validationLoss),
                 String(format: "%.4f", line.validationF1), String(format: "%.4f", line.testLoss), String(format: "%.4f", line.testF1)]
            }))
            return
        }
        if let explain = arguments.string("explain") {
            guard let count = Int(explain), count >= 1 else { throw CLIError.usage("--explain expects a positive integer") }
            try explainMisclassified(setup, dataset: dataset, count: count, method: method, damping: damping, solver: solver)
            return
        }
        let target: InfluenceTarget
        do { target = try setup.target(arguments.string("target") ?? "valid", dataset: dataset) } catch let error as DataError { throw CLIError.input(error.description) }
        let scores: InfluenceScores, report: SolveReport
        do { (scores, report) = try computeInfluence(setup, target: target, method: method, damping: damping, solver: solver) }
        catch let error as NotPositiveDefiniteError { throw CLIError.input(error.description) }
        let rowEntries = scores.rows.enumerated().map { (row: setup.trainingRows[$0.offset], score: $0.element) }
        let voteEntries = (scores.votes ?? []).map { (row: setup.trainingRows[$0.row], lf: $0.source, vote: $0.vote, score: $0.score) }
        let lfEntries = (scores.lfs ?? []).enumerated().map { (lf: $0.offset, score: $0.element) }.filter { $0.lf < dataset.lfCount || $0.score != 0 }
        if arguments.flag("json") {
            var object: [String: Any] = [
                "method": method, "target": target.description,
                "solver": ["name": report.solver, "iterations": report.iterations, "relative_residual": report.relativeResidual,
                           "converged": report.converged, "damping": damping, "parameters": setup.problem.parameterCount],
                "lfs": lfEntries.map { ["lf": $0.lf, "name": names[$0.lf], "score": $0.score] as [String: Any] },
                "rows": rowEntries.map { ["row": $0.row, "id": ids[$0.row], "score": $0.score] as [String: Any] },
                "votes": voteEntries.map { ["row": $0.row, "id": ids[$0.row], "lf": $0.lf, "vote": $0.vote, "score": $0.score] as [String: Any] },
            ]
            if let error = setup.surrogateError { object["surrogate_mae"] = error }
            print(try jsonString(object))
            return
        }
        print("\(dataset.name): \(method) influence on the \(target.description) of the \(setup.file.method) model; removal convention (negative = removing it lowers the loss = harmful)")
        print(String(format: "solver %@: %d iterations, relative residual %.2e%@, damping %g, %d parameters", report.solver, report.iterations,
                     report.relativeResidual, report.converged ? "" : " (NOT converged)", damping, setup.problem.parameterCount)
              + (setup.surrogateError.map { String(format: "; identity surrogate MAE %.4f", $0) } ?? ""))
        func section<T>(_ title: String, _ entries: [T], score: (T) -> Double, cells: (T) -> [String], header: [String]) {
            guard !entries.isEmpty else { return }
            for (label, ordered) in [("most harmful", entries.sorted { score($0) < score($1) }), ("most helpful", entries.sorted { score($0) > score($1) })] {
                print("\n\(title), \(label):")
                print(alignedTable(header: header + ["score"], rows: ordered.prefix(top).map { cells($0) + [String(format: "%.3e", score($0))] }))
            }
        }
        section("LFs", lfEntries, score: \.score, cells: { [names[$0.lf], dataset.lfDescriptions.indices.contains($0.lf) ? String(dataset.lfDescriptions[$0.lf].prefix(60)) : ""] },
                header: ["LF", "description"])
        section("Training rows", rowEntries, score: \.score, cells: { entry in [ids[entry.row], dataset.train.goldLabels.map { dataset.classNames[$0[entry.row]] } ?? "?"] },
                header: ["row id", "gold"])
        section("Votes", voteEntries, score: \.score, cells: { [ids[$0.row], names[$0.lf], $0.vote >= 0 ? dataset.classNames[$0.vote] : "abstain"] },
                header: ["row id", "LF", "vote"])
    }
)

/// For the first misclassified test points: the training row, LF and vote whose removal would
/// most lower that point's loss (the source-aware IF paper's Table 2).
func explainMisclassified(_ setup: InfluenceSetup, dataset: WeakDataset, count: Int, method: String, damping: Double, solver: InverseHVPSolver) throws {
    guard let gold = dataset.test.goldLabels else { throw CLIError.input("the test split has no gold labels") }
    let model = try setup.file.endModel.makeModel(path: "model")
    let p = model.predictProbabilities(try setup.file.endModelSpec.inputs(dataset.test, dtype: model.parameters[0].dtype)).to(.float64).scalars
    let c = dataset.classCount, threshold = setup.file.threshold ?? 0.5
    let predicted = (0..<gold.count).map { i in c == 2 ? (p[i * 2 + 1] >= threshold ? 1 : 0) : (0..<c).max { p[i * c + $0] < p[i * c + $1] }! }
    let wrong = (0..<gold.count).filter { predicted[$0] != gold[$0] }.prefix(count)
    let ids = dataset.train.ids, names = dataset.lfNames + ["(prior)"]
    var table: [[String]] = []
    for i in wrong {
        let target = try setup.target(dataset.test.ids[i], dataset: dataset)
        let (scores, _) = try computeInfluence(setup, target: target, method: method, damping: damping, solver: solver)
        let row = scores.rows.indices.min { scores.rows[$0] < scores.rows[$1] }!
        let lf = scores.lfs.flatMap { lfs in lfs.indices.min { lfs[$0] < lfs[$1] } }
        let vote = scores.votes?.min { $0.score < $1.score }
        table.append([dataset.test.ids[i], dataset.classNames[gold[i]], dataset.classNames[predicted[i]], ids[setup.trainingRows[row]],
                      lf.map { names[$0] } ?? "-",
                      vote.map { "\(ids[setup.trainingRows[$0.row]]) / \(names[$0.source]) → \($0.vote >= 0 ? dataset.classNames[$0.vote] : "abstain")" } ?? "-"])
    }
    print("\(dataset.name): misclassified test points and what most increased their loss (\(method))")
    print(alignedTable(header: ["test id", "gold", "predicted", "most harmful row", "most harmful LF", "most harmful vote (row / LF → vote)"], rows: table))
}
