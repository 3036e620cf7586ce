import Autodiff
import Foundation

/// A group's predicted and actual effect on a loss when it is removed from training.
public struct GroupEffect: Sendable {
    public var group: String
    public var predicted: Double
    public var actual: Double
    public init(group: String, predicted: Double, actual: Double) {
        self.group = group
        self.predicted = predicted
        self.actual = actual
    }
}

/// How far group influence estimates can be trusted (Koh et al. 2019): rank and linear correlation
/// of predicted against actual effects, and how often influence underestimates (|predicted| < |actual|).
public struct GroupValidation: Sendable {
    public var effects: [GroupEffect]
    /// The solve behind the predictions, and the damping it used.
    public var solve: SolveReport?
    public var damping: Double?
    public var spearman: Double { spearmanCorrelation(effects.map(\.predicted), effects.map(\.actual)) }
    public var pearson: Double { pearsonCorrelation(effects.map(\.predicted), effects.map(\.actual)) }
    public var underestimation: Double {
        Double(effects.filter { abs($0.predicted) < abs($0.actual) }.count) / Double(max(effects.count, 1))
    }
    /// The fraction of groups whose predicted effect has the actual effect's sign.
    public var signAgreement: Double {
        Double(effects.filter { ($0.predicted < 0) == ($0.actual < 0) }.count) / Double(max(effects.count, 1))
    }
    /// Of the `k` groups predicted most harmful (most negative), the fraction among the `k` actually
    /// most harmful.
    public func topHarmfulPrecision(_ k: Int = 3) -> Double {
        let k = min(k, effects.count)
        guard k > 0 else { return .nan }
        let predicted = Set(effects.indices.sorted { effects[$0].predicted < effects[$1].predicted }.prefix(k))
        let actual = Set(effects.indices.sorted { effects[$0].actual < effects[$1].actual }.prefix(k))
        return Double(predicted.intersection(actual).count) / Double(k)
    }
    public init(effects: [GroupEffect], solve: SolveReport? = nil, damping: Double? = nil) {
        self.effects = effects
        self.solve = solve
        self.damping = damping
    }

    /// A 95% percentile bootstrap interval of the Spearman correlation (the pairs resampled with
    /// replacement `resamples` times, seeded).
    public func spearmanInterval(resamples: Int = 1000, seed: UInt64 = 0) -> (lower: Double, upper: Double) {
        var generator = SeededGenerator(seed: seed &+ 0xB007)
        let n = effects.count
        let values = (0..<resamples).map { _ -> Double in
            let sample = (0..<n).map { _ in effects[generator.nextInt(below: n)] }
            let rho = spearmanCorrelation(sample.map(\.predicted), sample.map(\.actual))
            return rho.isFinite ? rho : 0
        }.sorted()
        return (values[Int(0.025 * Double(resamples))], values[min(resamples - 1, Int(0.975 * Double(resamples)))])
    }
}

extension InfluenceProblem {
    /// The first-order effect of removing `rows` computed directly from the group's loss gradient,
    /// `(1/N) sᵀ ∇θ Σ_{i∈G} w_i ℓ̂_i` — equal to the sum of the members' ordinary IF scores
    /// (influence is additive to first order); an independent path for checking that.
    public func groupRemovalEffect(_ solved: SolvedTarget, rows: [Int]) -> Double {
        guard !rows.isEmpty else { return 0 }
        let g: [Double] = withGradients {
            layout.flatten(gradients(of: rowsLoss(rows), wrt: parameters))
        }
        return dot(solved.vector, g) / Double(rowCount)
    }

    /// Exact retraining without each group for convex models (Newton's method from the current
    /// optimum); returns the actual change of the target loss per group.
    public func retrainedGroupEffects(_ groups: [[Int]], target: InfluenceTarget, damping: Double = 0) throws
        -> [Double]
    {
        let optimum = flatParameters
        let saved = weights
        let baseline = targetLoss(inputs: target.inputs, targets: target.targets)
        defer {
            weights = saved
            setParameters(optimum)
        }
        return try groups.map { group in
            weights = saved
            for i in group { weights[i] = 0 }
            setParameters(optimum)
            try newtonMinimize(damping: damping)
            return targetLoss(inputs: target.inputs, targets: target.targets) - baseline
        }
    }
}
