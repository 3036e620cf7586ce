import Autodiff
import Foundation
import NN

/// How the trained model answers a change of its training objective (an LF or rows removed):
/// retraining from the trained parameters θ* with a proximal term,
///
///     θ̂(R₋) = argmin P(θ),   P(θ) = R₋(θ) + (λ_d/2)‖θ − θ*‖²,
///
/// λ_d the damping the influence prediction inverts with. The effect of the change is measured
/// against the same retraining of the unchanged objective R (the control, θ̂(R)), so that where θ*
/// is not a stationary point of R (an early-stopped network) what continued training alone would
/// do is not counted as the change's; for a convex model trained to convergence θ̂(R) = θ*, and
/// θ̂(R₋) is retraining without the change (with the proximal term). The first-order prediction
/// linearizes exactly this difference: θ̂(R₋) − θ̂(R) ≈ −(∇²R + λ_d I)⁻¹ (∇R₋(θ*) − ∇R(θ*)).
///
/// (The proximal *Bregman* response of Bae et al. 2022, which swaps R for its divergence from the
/// trained outputs instead of a control, is unbounded below for a network when a removal drops
/// rows: their terms become linear in the logits, which grow polynomially in θ — measured: a
/// Newton run on it for an LF that drops 19.5% of spambase's rows went 992 away from θ*.)
///
/// `newton(steps:)` takes damped Newton steps on P from θ* (curvature: R₋'s, the problem's kind —
/// the group-reweighted Hessian or Gauss–Newton matrix, Koh et al. 2019 §4), each line-searched
/// on P; `minimize()` runs them to convergence (the "exact" effect).
public final class ProximalResponse {
    let problem: InfluenceProblem
    public let anchor: [Double]
    public let damping: Double

    /// - Parameters:
    ///   - base: R at the trained parameters θ* (its current parameters; it is copied, not moved).
    ///   - rows, targets: R₋'s rows (positions in `base`) and their targets `[rows·C]`.
    public init(base: InfluenceProblem, rows: [Int], targets: [Double], damping: Double) throws {
        self.damping = damping
        anchor = base.flatParameters
        problem = try InfluenceProblem(
            model: base.model, inputs: base.inputs.gatheringRows(rows),
            targets: Tensor(shape: [rows.count, base.classCount], scalars: targets, dtype: .float64), l2: base.l2,
            selection: base.selection, batchSize: base.batchSize, dtype: base.dtype)
        problem.curvature = base.curvature
    }

    /// R₋'s gradient at θ* (what the first-order prediction needs).
    public var gradientAtAnchor: [Double] {
        problem.setParameters(anchor)
        return problem.gradient()
    }

    /// P(θ).
    public func value(at theta: [Double]) -> Double {
        problem.setParameters(theta)
        var distance = theta
        axpy(-1, anchor, &distance)
        return problem.loss() + 0.5 * damping * dot(distance, distance)
    }

    /// ∇P(θ).
    public func gradient(at theta: [Double]) -> [Double] {
        problem.setParameters(theta)
        var g = problem.gradient()
        for q in g.indices { g[q] += damping * (theta[q] - anchor[q]) }
        return g
    }

    /// One damped Newton step from θ: `d = −(C₋(θ) + λ_d I)⁻¹ ∇P(θ)`, then a line search along d
    /// for P's minimum up to the full step (halving while P falls, refined by a parabola), required
    /// to lower P enough (Armijo). Where P is far from quadratic — a logistic regression losing the rows only
    /// one LF voted on — the full Newton step can lower P by 4% of what its quadratic model promises,
    /// and the first acceptable rate alone made the iterates zigzag for four steps.
    /// Returns the new point, whether P moved, and the Newton decrement `∇Pᵀ(C₋ + λ_d I)⁻¹∇P`.
    private func step(from theta: [Double], gradient g: [Double], value: Double) throws
        -> (theta: [Double], value: Double, moved: Bool, decrement: Double)
    {
        problem.setParameters(theta)
        let direction: [Double]
        if problem.parameterCount <= Self.denseLimit {
            direction = try problem.solve([g], damping: damping, solver: .exact(maxParameters: Self.denseLimit))
                .solutions[0]
        } else {
            // An inexact Newton step: CG to a relative residual of 1e-6 or 500 iterations, whichever
            // comes first (the line search keeps it a descent step either way).
            direction = try problem.conjugateGradient(g, damping: damping, tolerance: 1e-6, maxIterations: 500).0
        }
        let slope = dot(g, direction)
        func at(_ rate: Double) -> (theta: [Double], value: Double) {
            var candidate = theta
            axpy(-rate, direction, &candidate)
            return (candidate, self.value(at: candidate))
        }
        // The lowest P over rates 2⁻ᵏ: from the full step, halving while P falls — never longer
        // than the full step: for a network P is bounded below only near θ* (the dropped rows'
        // terms are linear in the logits, which grow without bound with θ), and the response is
        // the local minimum there.
        var best = (rate: 1.0, point: at(1))
        var rate = 0.5
        while rate > 1e-10 {
            let next = at(rate)
            guard next.value < best.point.value || best.point.value >= value else { break }
            if next.value < best.point.value { best = (rate, next) }
            rate /= 2
        }
        // Then the minimum of the parabola through P(0), P'(0) = −slope and P at the best rate,
        // when it lies inside (P along d is close to a parabola near its minimum).
        let curvature = 2 * (best.point.value - value + slope * best.rate) / (best.rate * best.rate)
        if curvature > 0 {
            let rate = slope / curvature
            if rate > 0 && rate <= 1 && abs(rate - best.rate) > 1e-3 * best.rate {
                let next = at(rate)
                if next.value < best.point.value { best = (rate, next) }
            }
        }
        guard best.point.value <= value - 1e-4 * best.rate * slope else { return (theta, value, false, slope) }
        return (best.point.theta, best.point.value, true, slope)
    }

    /// Newton's systems are solved densely up to this many parameters (Cholesky), by CG beyond.
    static let denseLimit = 1500

    /// θ after `steps` line-searched Newton steps on P from θ*.
    public func newton(steps: Int) throws -> [Double] {
        var theta = anchor
        var value = self.value(at: theta)
        for _ in 0..<steps {
            let next = try step(from: theta, gradient: gradient(at: theta), value: value)
            (theta, value) = (next.theta, next.value)
            guard next.moved else { break }
        }
        return theta
    }

    /// P's minimizer: Newton steps until ∇P is below `tolerance` × its size at θ*, or a step moves
    /// θ by less than `tolerance`·100 of its distance from θ* or lowers P by less than 1e-10 of it (a
    /// network's P is only piecewise smooth — ReLU kinks — so its gradient can stall near 1e-3 while
    /// P creeps down by 1e-9 a step), or the decrease a step predicts is below P's rounding.
    public func minimize(tolerance: Double = 1e-6, maxSteps: Int = 100) throws -> [Double] {
        var theta = anchor
        var value = self.value(at: theta)
        var g = gradient(at: theta)
        let start = max(norm(g), 1e-300)
        for _ in 0..<maxSteps {
            guard norm(g) > tolerance * start else { return theta }
            let next = try step(from: theta, gradient: g, value: value)
            var moved = next.theta
            axpy(-1, theta, &moved)
            let decrease = value - next.value
            (theta, value) = (next.theta, next.value)
            let scale = max(abs(value), 1)
            guard next.moved, next.decrement > 1e-15 * scale, decrease > 1e-10 * scale,
                norm(moved) > 100 * tolerance * max(distance(theta), 1e-300)
            else { return theta }
            g = gradient(at: theta)
        }
        throw InfluenceError.retrainingDidNotConverge(steps: maxSteps, gradientNorm: norm(g))
    }

    /// θ after `epochs` passes of the training optimizer (Adam, minibatches in the seeded order,
    /// the model in evaluation mode) on P from θ* — for a network, where P's minimum lies far from
    /// a θ* that early stopping kept, and Newton's method would run for minutes an LF.
    public func retrain(_ settings: ProximalRetraining, seed: UInt64) -> [Double] {
        problem.setParameters(anchor)
        let parameters = problem.parameters
        let anchorTensors = problem.layout.unflatten(anchor, dtype: problem.dtype)
        let optimizer = Adam(
            parameters: parameters, learningRate: settings.learningRate, weightDecay: problem.l2)
        var generator = SeededGenerator(seed: seed)
        let n = problem.rowCount
        withGradients {
            for _ in 0..<settings.epochs {
                for batch in minibatches(count: n, batchSize: settings.batchSize, shuffle: true, using: &generator) {
                    var loss =
                        Loss.softTargetCrossEntropy(
                            logits: problem.model(problem.inputs.gatheringRows(batch)),
                            targets: problem.targets.gatheringRows(batch))
                    if damping > 0 {
                        let proximal = zip(parameters, anchorTensors).map { ($0 - $1).square().sum() }
                        loss = loss + proximal.dropFirst().reduce(proximal[0], +) * (damping / 2)
                    }
                    optimizer.step(gradients(of: loss, wrt: parameters))
                }
            }
        }
        return problem.flatParameters
    }

    /// The first-order change of a target loss against the control: `−sᵀ(∇R₋(θ*) − ∇R(θ*))` with
    /// `s = (∇²R + λ_d I)⁻¹ ∇L_target` solved once on R (one solve serves every change).
    public func firstOrderEffect(_ solved: SolvedTarget, baseGradient: [Double]) -> Double {
        var g = gradientAtAnchor
        axpy(-1, baseGradient, &g)
        return -dot(solved.vector, g)
    }

    /// The target's loss at θ.
    public func targetLoss(_ target: InfluenceTarget, at theta: [Double]) -> Double {
        problem.setParameters(theta)
        return problem.targetLoss(inputs: target.inputs, targets: target.targets)
    }

    /// The model's class probabilities on `inputs` at θ.
    public func probabilities(_ inputs: Tensor, at theta: [Double]) -> Tensor {
        problem.setParameters(theta)
        return withoutGradients { problem.model(inputs.converted(to: problem.dtype)).softmax() }
    }

    /// ‖θ − θ*‖.
    public func distance(_ theta: [Double]) -> Double {
        var d = theta
        axpy(-1, anchor, &d)
        return norm(d)
    }
}

/// How a network's response is retrained: the optimizer's settings, the passes over the rows, and
/// the seeds (minibatch orders) averaged over — each seed's effect measured against the control
/// retrained with the same seed, so the order's noise largely cancels.
public struct ProximalRetraining: Sendable {
    public var learningRate: Double
    public var batchSize: Int
    public var epochs: Int
    public var seeds: Int

    /// Passes over the rows by default: enough to move a network trained for a hundred epochs to
    /// a new neighbourhood, few enough for every LF of a real set in a minute or two.
    public static let defaultEpochs = 10
    public static let defaultSeeds = 3

    public init(learningRate: Double, batchSize: Int, epochs: Int = defaultEpochs, seeds: Int = defaultSeeds) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.epochs = epochs
        self.seeds = seeds
    }
}
