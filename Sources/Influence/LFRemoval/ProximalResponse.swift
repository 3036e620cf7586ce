import Autodiff
import Foundation
import NN

/// How the trained model answers a change of its training objective `R → R₋` (an LF or rows
/// removed): the minimizer of the proximal Bregman response objective (Bae et al. 2022)
///
///     P(θ) = R₋(θ) − T(θ) + (λ_d/2)‖θ − θ*‖²,   T(θ) = (1/N) Σ_i (p*_i − ŷ_i)ᵀ z_i(θ) + λ θ*ᵀθ,
///
/// with z_i the logits, p*_i = softmax(z_i(θ*)), ŷ_i the original targets and λ_d the damping.
/// `R − T` is R's Bregman divergence from θ* in output space, so P is "R₋ changed from R, with
/// R replaced by its divergence from the trained outputs": ∇P(θ*) = ∇R₋(θ*) − ∇R(θ*) is the change
/// alone, even where θ* is not a stationary point of R (an early-stopped network). For a linear
/// softmax model T is linear in θ, so at a converged θ* minimizing P is retraining on R₋ with the
/// proximal term λ_d — the same damping the influence prediction inverts with.
///
/// `newton(steps:)` takes damped Newton steps on P from θ* (curvature: R₋'s, the problem's kind —
/// the group-reweighted Hessian or Gauss–Newton matrix, Koh et al. 2019 §4), each line-searched
/// on P; `minimize()` runs them to convergence (the "exact" effect).
public final class ProximalResponse {
    /// R on every row at θ* (whose model evaluates T), and R₋ (whose curvature the steps invert).
    let base: InfluenceProblem
    let perturbed: InfluenceProblem
    public let anchor: [Double]
    public let damping: Double
    /// `(p*_i − ŷ_i)/N` per row, `[N, C]`.
    private let tilt: Tensor
    /// ∇R(θ*), which ∇T equals at θ*.
    private let baseGradient: [Double]

    /// - Parameters:
    ///   - base: R at the trained parameters θ* (its current parameters; it is copied, not moved).
    ///   - rows, targets: R₋'s rows (positions in `base`) and their targets `[rows·C]`.
    ///   - baseGradient: ∇R(θ*) when the caller has it (computed otherwise).
    public init(
        base original: InfluenceProblem, rows: [Int], targets: [Double], damping: Double,
        baseGradient: [Double]? = nil
    ) throws {
        let base = try InfluenceProblem(
            model: original.model, inputs: original.inputs, targets: original.targets, weights: original.weights,
            l2: original.l2, selection: original.selection, batchSize: original.batchSize, dtype: original.dtype)
        base.curvature = original.curvature
        self.base = base
        self.damping = damping
        anchor = base.flatParameters
        perturbed = try InfluenceProblem(
            model: base.model, inputs: base.inputs.gatheringRows(rows),
            targets: Tensor(shape: [rows.count, base.classCount], scalars: targets, dtype: .float64), l2: base.l2,
            selection: base.selection, batchSize: base.batchSize, dtype: base.dtype)
        perturbed.curvature = base.curvature
        perturbed.setParameters(anchor)
        let n = Double(base.rowCount)
        tilt = withoutGradients {
            let probabilities = Tensor(
                shape: [base.rowCount, base.classCount],
                scalars: base.batches(base.rowCount).flatMap { range in
                    base.model(base.inputs.gatheringRows(Array(range))).softmax().scalars
                }, dtype: base.dtype)
            return (probabilities - base.targets) * (1 / n)
        }
        self.baseGradient = baseGradient ?? base.gradient()
    }

    private func moveTo(_ theta: [Double]) {
        base.setParameters(theta)
        perturbed.setParameters(theta)
    }

    /// T(θ) at the current parameters, with its graph when `recording`.
    private func tiltTerm(_ range: Range<Int>) -> Tensor {
        (base.model(base.inputs.gatheringRows(Array(range))) * tilt.gatheringRows(Array(range))).sum()
    }

    /// P(θ).
    public func value(at theta: [Double]) -> Double {
        moveTo(theta)
        let t =
            withoutGradients { base.batches(base.rowCount).reduce(0) { $0 + tiltTerm($1).item } }
            + base.l2 * dot(anchor, theta)
        var distance = theta
        axpy(-1, anchor, &distance)
        return perturbed.loss() - t + 0.5 * damping * dot(distance, distance)
    }

    /// ∇P(θ).
    public func gradient(at theta: [Double]) -> [Double] {
        moveTo(theta)
        var g = perturbed.gradient()
        if theta == anchor {
            axpy(-1, baseGradient, &g)
        } else {
            let tiltGradient: [Double] = withGradients {
                var total = [Double](repeating: 0, count: base.parameterCount)
                for range in base.batches(base.rowCount) {
                    axpy(1, base.layout.flatten(gradients(of: tiltTerm(range), wrt: base.parameters)), &total)
                }
                return total
            }
            axpy(-1, tiltGradient, &g)
            axpy(-base.l2, anchor, &g)
        }
        for q in g.indices { g[q] += damping * (theta[q] - anchor[q]) }
        return g
    }

    /// One damped Newton step from θ: `d = −(C₋(θ) + λ_d I)⁻¹ ∇P(θ)`, then a line search along d
    /// for P's minimum (powers of 2 from 1 while P falls, refined by a parabola), required to lower
    /// P enough (Armijo). Where P is far from quadratic — a logistic regression losing the rows only
    /// one LF voted on — the full Newton step can lower P by 4% of what its quadratic model promises,
    /// and the first acceptable rate alone made the iterates zigzag for four steps.
    /// Returns the new point, whether P moved, and the Newton decrement `∇Pᵀ(C₋ + λ_d I)⁻¹∇P`.
    private func step(from theta: [Double], gradient g: [Double], value: Double) throws
        -> (theta: [Double], value: Double, moved: Bool, decrement: Double)
    {
        moveTo(theta)
        let direction: [Double]
        if perturbed.parameterCount <= Self.denseLimit {
            direction = try perturbed.solve([g], damping: damping, solver: .exact(maxParameters: Self.denseLimit))
                .solutions[0]
        } else {
            // An inexact Newton step: CG to a relative residual of 1e-6 or 500 iterations, whichever
            // comes first (the line search keeps it a descent step either way).
            direction = try perturbed.conjugateGradient(g, damping: damping, tolerance: 1e-6, maxIterations: 500).0
        }
        let slope = dot(g, direction)
        func at(_ rate: Double) -> (theta: [Double], value: Double) {
            var candidate = theta
            axpy(-rate, direction, &candidate)
            return (candidate, self.value(at: candidate))
        }
        // The lowest P over rates 2ᵏ: from 1, doubling while P falls and halving while P falls.
        var best = (rate: 1.0, point: at(1))
        for factor in [2.0, 0.5] {
            var rate = best.rate * factor
            while rate > 1e-10 && rate <= 64 {
                let next = at(rate)
                guard next.value < best.point.value else { break }
                best = (rate, next)
                rate *= factor
            }
        }
        // Then the minimum of the parabola through P(0), P'(0) = −slope and P at the best rate,
        // when it lies inside (P along d is close to a parabola near its minimum).
        let curvature = 2 * (best.point.value - value + slope * best.rate) / (best.rate * best.rate)
        if curvature > 0 {
            let rate = slope / curvature
            if rate > 0 && rate < 2 * best.rate && abs(rate - best.rate) > 1e-3 * best.rate {
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

    /// P's minimizer: Newton steps until ∇P is below `tolerance` × its size at θ*, or a step lowers
    /// P by less than 1e-10 of its value (a network's P is only piecewise smooth — ReLU kinks — so
    /// its gradient can stall near 1e-3 while P is settled to nine digits), or the decrease a step
    /// predicts is below P's rounding.
    public func minimize(tolerance: Double = 1e-6, maxSteps: Int = 100) throws -> [Double] {
        var theta = anchor
        var value = self.value(at: theta)
        var g = gradient(at: theta)
        let start = max(norm(g), 1e-300)
        for _ in 0..<maxSteps {
            guard norm(g) > tolerance * start else { return theta }
            let next = try step(from: theta, gradient: g, value: value)
            let decrease = value - next.value
            (theta, value) = (next.theta, next.value)
            let scale = max(abs(value), 1)
            guard next.moved, next.decrement > 1e-15 * scale, decrease > 1e-10 * scale else { return theta }
            g = gradient(at: theta)
        }
        throw InfluenceError.retrainingDidNotConverge(steps: maxSteps, gradientNorm: norm(g))
    }

    /// The first-order change of a target loss: `−sᵀ ∇P(θ*)` with `s = (C + λ_d I)⁻¹ ∇L_target`
    /// solved once on R (one solve serves every removal).
    public func firstOrderEffect(_ solved: SolvedTarget) -> Double {
        -dot(solved.vector, gradient(at: anchor))
    }

    /// The target's loss at θ (the perturbed model's parameters set to θ).
    public func targetLoss(_ target: InfluenceTarget, at theta: [Double]) -> Double {
        moveTo(theta)
        defer { moveTo(anchor) }
        return perturbed.targetLoss(inputs: target.inputs, targets: target.targets)
    }

    /// The model's class probabilities on `inputs` at θ.
    public func probabilities(_ inputs: Tensor, at theta: [Double]) -> Tensor {
        moveTo(theta)
        defer { moveTo(anchor) }
        return withoutGradients { perturbed.model(inputs.converted(to: perturbed.dtype)).softmax() }
    }

    /// ‖θ − θ*‖.
    public func distance(_ theta: [Double]) -> Double {
        var d = theta
        axpy(-1, anchor, &d)
        return norm(d)
    }
}
