import Autodiff
import Foundation
import NN
import WeakSup

/// How the effect of removing LFs is estimated.
public enum EffectEstimator: String, CaseIterable, Sendable {
    /// `−sᵀ∇P(θ*)`: one solve on the full-data curvature serves every group (the screen). Fails
    /// where a group holds much of the curvature (an LF that is the only voter on many rows).
    case firstOrder = "first-order"
    /// Line-searched Newton steps on the proximal objective with the group-reweighted curvature
    /// (Koh et al. 2019 §4), the loss evaluated at the new parameters, not linearised.
    case newton
    /// Retraining from θ* without the group, with the damping as a proximal term, against the
    /// same retraining of the unchanged objective: for logistic regression to convergence (Newton);
    /// for a network by its own optimizer for `ProximalRetraining.defaultEpochs` passes, averaged
    /// over seeds (`ProximalResponse`).
    case exact

    /// The default: `exact` where it is cheap (a convex model), else `newton`.
    public static func preferred(for spec: EndModelSpec) -> EffectEstimator { spec.isConvex ? .exact : .newton }

    /// Newton steps taken by default. Measured against `exact` on logistic regression, refit
    /// removal, every LF (Spearman ρ, 2 → 3 steps): spambase with majority vote 1.000 → 1.000, with
    /// Snorkel's model 0.929 → 0.991; the Debian packages with majority vote 0.989 → 0.993, with
    /// Snorkel's model 0.768 → 0.914 (4 steps: 0.993). Two steps fall short where Newton's systems
    /// are solved by CG (3,075 parameters); three reach 0.9 on all four.
    public static let defaultNewtonSteps = 3
}

/// The estimated effect of removing one group of LFs.
public struct RemovalEffect: Sendable {
    public var estimator: EffectEstimator
    /// The change of each target's loss (the validation loss first, then a test point's).
    public var lossChanges: [Double]
    /// The change of the validation metric (F1 at the model's threshold, or accuracy for
    /// multi-class); nil for `firstOrder`, which moves no parameters.
    public var metricChange: Double?
    /// ‖θ − θ*‖ of the new parameters (nil for `firstOrder`; the mean over seeds for a network's `exact`).
    public var distance: Double?
    /// For a network's `exact`: the standard deviation of the validation loss change over the seeds.
    public var spread: Double? = nil
}

/// One group of LFs removed: what it touches and its estimated effects.
public struct LFRemovalRow: Sendable {
    public var lfs: [Int]
    /// Training rows (of the model's objective) the group votes on, and those on which it is the
    /// only voter (they leave training when it goes).
    public var coverage: Int
    public var soleVoterRows: Int
    /// The training rows the removal drops.
    public var droppedRows: Int
    /// The dropped rows' share of the curvature's trace (Gauss–Newton, per-row Hutchinson estimates):
    /// where it is large, first-order influence (which keeps the full-data curvature) is unreliable.
    public var curvatureShare: Double
    public var firstOrder: RemovalEffect
    /// The chosen estimator's effect (the first-order one when that is the estimator).
    public var estimate: RemovalEffect
    /// The exact effect, when asked for beside another estimator.
    public var exact: RemovalEffect?
}

/// `influence lfs`: for each group of LFs, its removal's effect on the validation loss (and a test
/// point's) and on the validation metric, by one estimator, beside the first-order screen.
public struct LFRemovalAnalysis: Sendable {
    public var removal: LFRemoval
    public var estimator: EffectEstimator
    public var newtonSteps: Int
    public var damping: Double
    public var solve: SolveReport
    /// The targets' losses and the validation metric of the trained model.
    public var baselineLosses: [Double]
    public var baselineMetric: Double
    public var metricName: String
    public var rows: [LFRemovalRow]
}

extension InfluenceSetup {
    /// Estimates, for each group of LFs in `groups` (indices), the effect of removing it.
    /// - Parameters:
    ///   - verify: also compute the exact effect beside a cheaper estimator.
    ///   - testPoint: a test record id whose loss is a second target.
    public func analyzeLFRemoval(
        dataset: WeakDataset, groups: [[Int]], removal: LFRemoval, estimator: EffectEstimator,
        newtonSteps: Int = EffectEstimator.defaultNewtonSteps, verify: Bool = false, damping: Damping,
        solver: InverseHVPSolver, testPoint: String? = nil, progress: ((String) -> Void)? = nil
    ) throws -> LFRemovalAnalysis {
        guard file.method.isWeaklySupervised else { throw InfluenceError.noLabelingFunctionVotes(method: file.method) }
        let estimation = try RemovalEstimation(
            base: try removalBase(removal, dataset: dataset), setup: self, dataset: dataset, testPoint: testPoint,
            damping: damping, solver: solver)
        let estimators =
            [EffectEstimator.firstOrder] + (estimator == .firstOrder ? [] : [estimator])
            + (verify && estimator != .exact ? [.exact] : [])
        var rows: [LFRemovalRow] = []
        for (index, group) in groups.enumerated() {
            let objective = try objective(removing: group, removal: removal, dataset: dataset)
            let effects = try estimation.effects(of: objective, estimators, newtonSteps: newtonSteps)
            let members = Set(group)
            rows.append(
                LFRemovalRow(
                    lfs: group,
                    coverage: (0..<labelMatrix.rowCount).filter { i in group.contains { labelMatrix[i, $0] >= 0 } }
                        .count,
                    soleVoterRows: (0..<labelMatrix.rowCount).filter { i in
                        let voters = (0..<labelMatrix.lfCount).filter { labelMatrix[i, $0] >= 0 }
                        return !voters.isEmpty && voters.allSatisfy(members.contains)
                    }.count,
                    droppedRows: labelMatrix.rowCount - objective.rows.count,
                    curvatureShare: estimation.curvatureShare(keeping: objective.rows),
                    firstOrder: effects[0], estimate: effects[estimator == .firstOrder ? 0 : 1],
                    exact: verify && estimator != .exact ? effects.last : nil))
            progress?(
                "lfs: \(group.map { dataset.lfNames[$0] }.joined(separator: ",")) (\(index + 1)/\(groups.count)) "
                    + String(format: "Δ validation loss %.3e", rows.last!.estimate.lossChanges[0]))
        }
        return LFRemovalAnalysis(
            removal: removal, estimator: estimator, newtonSteps: newtonSteps, damping: estimation.damping,
            solve: estimation.solved[0].report, baselineLosses: estimation.baselineLosses,
            baselineMetric: estimation.baselineMetric, metricName: estimation.metric.name, rows: rows)
    }

    /// The objective every LF removal is measured against: the training labels as `removal` makes
    /// them with nothing removed, on the model's rows, at θ* (for `refit` and `renormalize` the
    /// label model's own soft labels — not the identity surrogate source-aware scores differentiate).
    func removalBase(_ removal: LFRemoval, dataset: WeakDataset) throws -> InfluenceProblem {
        let baseline = try objective(removing: [], removal: removal, dataset: dataset)
        precondition(baseline.rows == Array(0..<problem.rowCount), "the trained model's rows all have votes")
        return try problem.withTargets(baseline.targets)
    }
}

extension InfluenceProblem {
    /// The same model, rows and weight decay at the current parameters, with other targets `[N·C]`.
    func withTargets(_ targets: [Double]) throws -> InfluenceProblem {
        let copy = try InfluenceProblem(
            model: model, inputs: inputs,
            targets: Tensor(shape: [rowCount, classCount], scalars: targets, dtype: .float64), weights: weights, l2: l2,
            selection: selection, batchSize: batchSize, dtype: dtype)
        copy.curvature = curvature
        return copy
    }
}

/// Removal effects measured against one base objective R at θ*: the solves (one per target, on
/// R's curvature) and the damping they chose, which every estimate shares — the prediction's and
/// the "actual" (`exact`) alike.
final class RemovalEstimation {
    let base: InfluenceProblem
    let baseGradient: [Double]
    let targets: [InfluenceTarget]
    let solved: [SolvedTarget]
    var damping: Double { solved[0].damping }
    let metric: MetricOnValidation
    let baselineLosses: [Double]
    let baselineMetric: Double
    /// How a network's `exact` response is retrained (nil for a convex model: Newton to convergence).
    let retraining: ProximalRetraining?
    let seed: UInt64
    /// Each row's share of the curvature's trace (`rowCurvatureTraces`), normalized to sum to 1.
    private let curvatureShares: [Double]

    /// - Parameter testPoint: a test record whose loss is a second target (after the validation loss).
    init(
        base: InfluenceProblem, setup: InfluenceSetup, dataset: WeakDataset, testPoint: String?, damping: Damping,
        solver: InverseHVPSolver
    ) throws {
        self.base = base
        let options = setup.file.trainingOptions
        retraining =
            setup.file.endModelSpec.isConvex
            ? nil : ProximalRetraining(learningRate: options.learningRate, batchSize: options.batchSize)
        seed = setup.file.seed
        let validLabels = try dataset.goldLabels(.valid, for: "the effect of a removal")
        targets =
            [try setup.target(.validation, dataset: dataset)]
            + (try testPoint.map { [try setup.target(.testPoints([$0]), dataset: dataset)] } ?? [])
        let first = try base.solve(target: targets[0], damping: damping, solver: solver)
        solved =
            try [first]
            + targets.dropFirst().map { try base.solve(target: $0, damping: .fixed(first.damping), solver: solver) }
        baseGradient = base.gradient()
        metric = MetricOnValidation(
            labels: validLabels, classCount: dataset.classCount, threshold: setup.file.threshold)
        baselineLosses = targets.map { base.targetLoss(inputs: $0.inputs, targets: $0.targets) }
        let validInputs = targets[0].inputs
        baselineMetric = metric.score(withoutGradients { base.model(validInputs.converted(to: base.dtype)).softmax() })
        let traces = base.rowCurvatureTraces()
        let total = max(traces.reduce(0, +), 1e-300)
        curvatureShares = traces.map { $0 / total }
    }

    /// The curvature share of the rows an objective drops.
    func curvatureShare(keeping rows: [Int]) -> Double {
        let kept = Set(rows)
        return curvatureShares.indices.reduce(0) { kept.contains($1) ? $0 : $0 + curvatureShares[$1] }
    }

    /// The control's outcomes (the target losses and the validation metric) for an estimator that
    /// moves the parameters: R itself retrained the same way, once per estimator and seed.
    private var controls: [String: [(losses: [Double], metric: Double)]] = [:]

    private func outcome(_ response: ProximalResponse, at theta: [Double]) -> (losses: [Double], metric: Double) {
        (
            targets.map { response.targetLoss($0, at: theta) },
            metric.score(response.probabilities(targets[0].inputs, at: theta))
        )
    }

    /// Where the response lands: one point for Newton, one per seed for a network's retraining.
    private func points(_ response: ProximalResponse, _ kind: EffectEstimator, newtonSteps: Int) throws -> [[Double]] {
        switch (kind, retraining) {
        case (.newton, _): return [try response.newton(steps: newtonSteps)]
        case (_, let retraining?):
            return (0..<UInt64(retraining.seeds)).map { response.retrain(retraining, seed: seed &+ 0x5EED &+ $0) }
        default: return [try response.minimize()]
        }
    }

    private func control(_ kind: EffectEstimator, newtonSteps: Int) throws -> [(losses: [Double], metric: Double)] {
        let key = kind == .newton ? "newton \(newtonSteps)" : kind.rawValue
        if let known = controls[key] { return known }
        let response = try ProximalResponse(
            base: base, rows: Array(0..<base.rowCount), targets: base.targets.scalars, damping: damping)
        let result = try points(response, kind, newtonSteps: newtonSteps).map { outcome(response, at: $0) }
        controls[key] = result
        return result
    }

    /// The effect of moving from R to `objective`'s R₋, by each estimator in order.
    func effects(of objective: RemovalObjective, _ estimators: [EffectEstimator], newtonSteps: Int) throws
        -> [RemovalEffect]
    {
        let response = try ProximalResponse(
            base: base, rows: objective.rows, targets: objective.targets, damping: damping)
        return try estimators.map { kind in
            guard kind != .firstOrder else {
                return RemovalEffect(
                    estimator: kind,
                    lossChanges: solved.map { response.firstOrderEffect($0, baseGradient: baseGradient) },
                    metricChange: nil, distance: nil)
            }
            let landed = try points(response, kind, newtonSteps: newtonSteps)
            let reference = try control(kind, newtonSteps: newtonSteps)
            let changes = zip(landed, reference).map { theta, control -> (losses: [Double], metric: Double) in
                let (losses, score) = outcome(response, at: theta)
                return (zip(losses, control.losses).map { $0 - $1 }, score - control.metric)
            }
            let count = Double(changes.count)
            let validation = changes.map { $0.losses[0] }
            let mean = validation.reduce(0, +) / count
            return RemovalEffect(
                estimator: kind,
                lossChanges: targets.indices.map { t in changes.reduce(0) { $0 + $1.losses[t] } / count },
                metricChange: changes.reduce(0) { $0 + $1.metric } / count,
                distance: landed.reduce(0) { $0 + response.distance($1) } / count,
                spread: changes.count > 1
                    ? (validation.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (count - 1)).squareRoot() : nil)
        }
    }
}

/// The validation metric the analysis reports: binary F1 at the model's threshold, or accuracy.
struct MetricOnValidation {
    let labels: [Int]
    let classCount: Int
    let threshold: Double?

    var name: String { classCount == 2 ? "F1" : "accuracy" }

    func score(_ probabilities: Tensor) -> Double {
        let predictions = Metrics.predictions(probabilities, threshold: classCount == 2 ? threshold ?? 0.5 : nil)
        return classCount == 2
            ? Metrics.f1(predictions: predictions, labels: labels)
            : Metrics.accuracy(predictions: predictions, labels: labels)
    }
}

extension InfluenceProblem {
    /// Each row's share of the Gauss–Newton matrix's trace, `tr(J_iᵀ H_out,i J_i)/N`, estimated
    /// with `probes` seeded Rademacher vectors v: `E[(J_i v)ᵀ H_out,i (J_i v)]` (one Jacobian-vector
    /// product per batch and probe, by the double-backward trick).
    func rowCurvatureTraces(probes: Int = 8, seed: UInt64 = 0) -> [Double] {
        var generator = SeededGenerator(seed: seed &+ 0x7EAC)
        let directions = (0..<probes).map { _ in
            layout.unflatten((0..<parameterCount).map { _ in generator.nextUniform() < 0.5 ? -1.0 : 1.0 }, dtype: dtype)
        }
        return withGradients {
            var traces: [Double] = []
            for range in batches(rowCount) {
                let logits = model(inputs.gatheringRows(Array(range)))
                let dummy = Tensor.zeros(logits.shape, dtype: dtype).requiringGradient()
                let transposed = gradients(of: logits, wrt: parameters, seed: dummy, createGraph: true)
                let p = withoutGradients { logits.softmax() }
                var sums = [Double](repeating: 0, count: range.count)
                for direction in directions {
                    let inner = zip(transposed, direction).map { ($0 * $1).sum() }.dropFirst()
                        .reduce((transposed[0] * direction[0]).sum(), +)
                    let jv = gradients(of: inner, wrt: [dummy])[0]
                    let quadratic = withoutGradients {
                        (p * jv.square()).sum(axis: 1) - (p * jv).sum(axis: 1).square()
                    }.scalars
                    for r in quadratic.indices { sums[r] += quadratic[r] * weights[range.lowerBound + r] }
                }
                traces += sums.map { $0 / Double(probes * rowCount) }
            }
            return traces
        }
    }
}
