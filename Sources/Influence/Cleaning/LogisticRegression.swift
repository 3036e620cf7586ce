import Autodiff
import Foundation

/// L2-regularized multinomial logistic regression on fixed features, trained by (minibatch) SGD
/// with a seeded minibatch order and the whole trajectory recorded (for DeltaGrad-L replays).
///
/// Defaults: full-batch steps (`batchSize` 0 = all rows), lr 0.1, 300 steps. Measured: with
/// minibatches of 100, each batch's Hessian differs by 30–50% from the others, which bounds
/// DeltaGrad-L's accuracy (4.6e-3 relative distance to retraining); with large steps (lr ≥ 0.5) the
/// replay's errors are amplified near gradient descent's stability limit; full batches at lr 0.1
/// replay within 6e-4.
///
/// Objective `F(w) = (1/N) Σ_i γ_i ℓ_i(w) + (λ/2)‖w‖²`, `ℓ_i = −Σ_c y_ic log softmax(W x̃_i)_c`,
/// `x̃ = (x, 1)`, `w = vec(W)` with `W` of shape `[C, d + 1]`.
///
/// Why a second logistic regression beside `fitLinearSoftmax` (the L-BFGS fitter of convex end
/// models, which `train --hidden ''` and influence use): DeltaGrad-L replays a run of *fixed-step
/// gradient descent* — each step `w ← w − η(∇F_B(w) + λw)` is redone with an approximated batch
/// gradient — so it needs exactly that update rule and its recorded `(batch_t, w_t, ∇_t)`. An
/// L-BFGS step depends on its curvature history and on a line search over exact objective values; a
/// replay would have to recompute both on the changed data, which is the retraining DeltaGrad-L
/// exists to avoid. So the cleaning loop's model, its retraining and its replay all use this one
/// optimizer (CHEF compares DeltaGrad-L with retraining by the same SGD), and every other linear
/// model uses the L-BFGS fitter.
public struct LogisticRegressionSGD: Sendable {
    public var l2 = 0.01
    public var learningRate = 0.1
    public var epochs = 300
    /// Rows per step; 0 = all rows (full-batch gradient descent).
    public var batchSize = 0
    public var seed: UInt64 = 0
    public init() {}
}

/// The data of a logistic-regression problem, Float64: augmented features, soft labels, weights.
public struct LogisticData {
    public var inputs: Tensor  // [N, d + 1]
    public var labels: [Double]  // [N·C]
    public var weights: [Double]  // [N]
    public let classCount: Int

    public init(features: Tensor, labels: [Double], weights: [Double], classCount: Int) {
        let x = features.converted(to: .float64)
        inputs = concat([x, Tensor.ones([x.shape[0], 1], dtype: .float64)], axis: 1)
        self.labels = labels
        self.weights = weights
        self.classCount = classCount
    }

    public var rowCount: Int { inputs.shape[0] }
    public var width: Int { inputs.shape[1] }
    public var parameterCount: Int { classCount * width }

    /// Class probabilities `[n, C]` of rows under `w`.
    public func probabilities(_ w: [Double], rows: [Int]? = nil) -> Tensor {
        let x = rows.map { inputs.gatheringRows($0) } ?? inputs
        return withoutGradients {
            x.matmul(Tensor(shape: [classCount, width], scalars: w, dtype: .float64), transposeOther: true).softmax()
        }
    }

    /// `(1/n) Σ_{i∈rows} γ_i ∇ℓ_i(w)` (no regularizer), with optional replacement labels/weights.
    public func gradient(_ w: [Double], rows: [Int], divisor: Int? = nil) -> [Double] {
        guard !rows.isEmpty else { return [Double](repeating: 0, count: parameterCount) }
        let c = classCount
        let p = probabilities(w, rows: rows).scalars
        var residual = [Double](repeating: 0, count: rows.count * c)
        for (r, i) in rows.enumerated() {
            for k in 0..<c { residual[r * c + k] = weights[i] * (p[r * c + k] - labels[i * c + k]) }
        }
        let g = withoutGradients {
            Tensor(shape: [rows.count, c], scalars: residual, dtype: .float64).matmul(
                inputs.gatheringRows(rows), transposeSelf: true)
        }
        let scale = 1 / Double(divisor ?? rows.count)
        return g.scalars.map { $0 * scale }
    }

    /// Mean weighted loss plus regularizer.
    public func objective(_ w: [Double], l2: Double) -> Double {
        let p = probabilities(w).scalars
        let c = classCount
        var total = 0.0
        for i in 0..<rowCount {
            for k in 0..<c where labels[i * c + k] > 0 {
                total -= weights[i] * labels[i * c + k] * Foundation.log(max(p[i * c + k], 1e-300))
            }
        }
        return total / Double(rowCount) + 0.5 * l2 * w.reduce(0) { $0 + $1 * $1 }
    }
}

/// The recorded SGD run: the minibatch of each step, the parameters before it and its gradient.
public struct SGDTrajectory: Sendable {
    public var batches: [[Int]]
    public var parameters: [[Double]]
    public var gradients: [[Double]]
    public var final: [Double]
}

extension LogisticRegressionSGD {
    /// Minibatch order for every step, from the seed (replays use the same order).
    public func batchOrder(rowCount: Int) -> [[Int]] {
        var generator = SeededGenerator(seed: seed)
        let size = batchSize > 0 ? batchSize : rowCount
        return (0..<epochs).flatMap { _ in
            minibatches(count: rowCount, batchSize: size, shuffle: size < rowCount, using: &generator)
        }
    }

    /// Trains from zero, recording every step.
    public func train(_ data: LogisticData, record: Bool = true) -> SGDTrajectory {
        var w = [Double](repeating: 0, count: data.parameterCount)
        var trajectory = SGDTrajectory(
            batches: batchOrder(rowCount: data.rowCount), parameters: [], gradients: [], final: [])
        for batch in trajectory.batches {
            let g = data.gradient(w, rows: batch)
            if record {
                trajectory.parameters.append(w)
                trajectory.gradients.append(g)
            }
            for q in w.indices { w[q] -= learningRate * (g[q] + l2 * w[q]) }
        }
        trajectory.final = w
        return trajectory
    }
}
