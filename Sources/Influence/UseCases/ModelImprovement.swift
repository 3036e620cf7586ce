import Autodiff
import Foundation
import NN
import WeakSup

/// Before/after figures of removing what influence says hurts the validation loss.
public struct ImprovementReport {
    public struct Line {
        /// `ERM` (the trained model), `IF rows`, `RW terms`, `WM terms`, or `LFs by <estimator>`.
        public var name: String
        /// The threshold: items with removal score below −α were dropped (nil for ERM).
        public var alpha: Double?
        public var removed: Int
        /// The LFs dropped (names), for the LF line.
        public var removedLFs: [String]?
        public var validationLoss: Double
        /// Binary F1 at the model's tuned threshold, or accuracy for multi-class tasks.
        public var validationScore: Double
        public var testLoss: Double
        /// As `validationScore`, on the test split.
        public var testScore: Double
    }
    public var lines: [Line]
    /// The validation-loss solve behind the scores, and the damping it used.
    public var solve: SolveReport
    public var damping: Double
}

extension InfluenceSetup {
    /// Drops the training rows (ordinary IF) or loss terms (RW, WM) whose removal score on the
    /// validation loss is below −α, retrains the end model as it was trained (same seed and
    /// settings; early stopping on validation, or L-BFGS for logistic regression), and keeps the α —
    /// among the thresholds that drop the `fractions` most harmful items — with the lowest
    /// validation loss. Then drops the `lfCount` LFs whose removal `estimator` says lowers the
    /// validation loss most, as `removal` defines it (the label model refitted without them), and
    /// retrains. F1 is binary F1 at the tuned threshold (accuracy for multi-class); test figures are
    /// reported, never used for a choice.
    public func improve(
        dataset: WeakDataset, damping: Damping, solver: InverseHVPSolver,
        fractions: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2], options: TrainingOptions? = nil, lfCount: Int = 1,
        removal: LFRemoval = .refit, estimator: EffectEstimator? = nil,
        newtonSteps: Int = EffectEstimator.defaultNewtonSteps
    ) throws -> ImprovementReport {
        let validLabels = try dataset.goldLabels(.valid, for: "improving the model")
        let testLabels = try dataset.goldLabels(.test, for: "improving the model")
        let spec = file.endModelSpec
        let c = dataset.classCount
        let validInputs = try spec.inputs(dataset.valid)
        let testInputs = try spec.inputs(dataset.test)
        let trainInputs = try spec.inputs(dataset.train).gatheringRows(trainingRows)
        func figures(_ model: any Layer, threshold: Double?) -> (Double, Double, Double, Double) {
            func on(_ x: Tensor, _ y: [Int]) -> (Double, Double) {
                let e = evaluate(
                    model, inputs: x.converted(to: model.parameters[0].dtype), labels: y, threshold: threshold)
                return (e.logLoss, e.f1 ?? e.accuracy)
            }
            let (vl, vf) = on(validInputs, validLabels)
            let (tl, tf) = on(testInputs, testLabels)
            return (vl, vf, tl, tf)
        }
        let original = try file.endModel.makeModel(path: "model")
        let (vl, vf, tl, tf) = figures(original, threshold: file.threshold)
        var lines = [
            ImprovementReport.Line(
                name: "ERM", alpha: nil, removed: 0, removedLFs: nil, validationLoss: vl, validationScore: vf,
                testLoss: tl,
                testScore: tf)
        ]

        let solved = try problem.solve(
            target: try target(.validation, dataset: dataset), damping: damping, solver: solver)
        let u = problem.classGradientProjections([solved.vector])[0]
        var trainingOptions = options ?? file.trainingOptions
        trainingOptions.seed = file.seed
        /// Retrains on `rows` (positions in the problem) with soft `labels` [rows·C], as training did.
        func retrain(rows: [Int], labels: [Double]) throws -> (Double, Double, Double, Double) {
            let result = try trainAndEvaluate(
                dataset: dataset, rows: rows.map { trainingRows[$0] },
                targets: Tensor(shape: [rows.count, c], scalars: labels, dtype: .float64), endModel: spec,
                options: trainingOptions)
            return figures(result.model, threshold: result.report.threshold)
        }
        /// Tries each fraction of the most harmful items and keeps the best on validation loss.
        func sweep(_ name: String, scores: [Double], apply: (Set<Int>) throws -> (rows: [Int], labels: [Double])) throws
        {
            let harmful = scores.indices.filter { scores[$0] < 0 }.sorted { scores[$0] < scores[$1] }
            var best: ImprovementReport.Line?
            for fraction in fractions {
                let count = max(1, Int((Double(scores.count) * fraction).rounded()))
                guard count <= harmful.count else { continue }
                let dropped = Set(harmful.prefix(count))
                let (rows, labels) = try apply(dropped)
                guard !rows.isEmpty else { continue }
                let (vl, vf, tl, tf) = try retrain(rows: rows, labels: labels)
                let line = ImprovementReport.Line(
                    name: name, alpha: -scores[harmful[count - 1]], removed: count, removedLFs: nil,
                    validationLoss: vl, validationScore: vf, testLoss: tl, testScore: tf)
                if best == nil || line.validationLoss < best!.validationLoss { best = line }
            }
            if let best { lines.append(best) }
        }
        let targets = problem.targets.scalars
        let n = problem.rowCount
        try sweep("IF rows", scores: problem.rowInfluence(projections: u)) { dropped in
            let rows = (0..<n).filter { !dropped.contains($0) }
            return (rows, rows.flatMap { Array(targets[($0 * c)..<(($0 + 1) * c)]) })
        }
        if let terms {
            for method in [SourceAwareScores.Method.reweighting, .weightMoving] {
                let scores = problem.sourceAwareInfluence(solved, terms: terms, method: method, projections: u)
                try sweep("\(method == .reweighting ? "RW" : "WM") terms", scores: scores.scores) { dropped in
                    terms.labels { !dropped.contains($0) }
                }
            }
        }
        if file.method.isWeaklySupervised && lfCount > 0 {
            let chosen = estimator ?? EffectEstimator.preferred(for: spec)
            let analysis = try analyzeLFRemoval(
                dataset: dataset, groups: (0..<labelMatrix.lfCount).map { [$0] }, removal: removal, estimator: chosen,
                newtonSteps: newtonSteps, damping: .fixed(solved.damping), solver: solver)
            let harmful = analysis.rows.filter { $0.estimate.lossChanges[0] < 0 }
                .sorted { $0.estimate.lossChanges[0] < $1.estimate.lossChanges[0] }.prefix(lfCount)
            if let last = harmful.last {
                let removed = harmful.flatMap(\.lfs)
                let objective = try objective(removing: removed, removal: removal, dataset: dataset)
                let (vl, vf, tl, tf) = try retrain(rows: objective.rows, labels: objective.targets)
                lines.append(
                    ImprovementReport.Line(
                        name: "LFs by \(chosen.rawValue)", alpha: -last.estimate.lossChanges[0], removed: removed.count,
                        removedLFs: removed.map { dataset.lfNames[$0] }, validationLoss: vl, validationScore: vf,
                        testLoss: tl, testScore: tf))
            }
        }
        return ImprovementReport(lines: lines, solve: solved.report, damping: solved.damping)
    }
}
