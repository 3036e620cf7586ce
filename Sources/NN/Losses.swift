/// How a loss combines its per-sample values `w_i ℓ_i` (as mlx-swift's `LossReduction` and
/// PyTorch's `reduction=`): `.none` keeps them (`[n]`), `.sum` adds them, `.mean` divides the sum
/// by n (not by Σ w).
public enum LossReduction: String, Sendable, CaseIterable {
    case none, sum, mean

    /// Applies the reduction to per-sample losses `[n]` with optional weights `[n]`.
    public func reduce(_ perSample: Tensor, weights: Tensor? = nil, reduction: LossReduction = .mean) -> Tensor {
        var weighted = perSample
        if let weights {
            precondition(
                weights.count == perSample.count,
                "Loss weights: \(weights.count) weights for \(perSample.count) samples")
            weighted = perSample * weights.reshaped(perSample.shape)
        }
        switch self {
        case .none: return weighted
        case .sum: return weighted.sum()
        case .mean: return weighted.sum() * (1 / Double(Swift.max(perSample.count, 1)))
        }
    }
}

/// Losses on logits: a per-sample loss `ℓ_i`, optional per-sample weights `w` (influence functions
/// and label cleaning reweight samples), and a reduction — by default the mean
/// `L = (1/n) Σ_i w_i ℓ_i` (w = 1 when omitted; note the divisor is n, not Σ w).
public enum Loss {
    /// Soft-target cross-entropy `ℓ_i = −Σ_c y_ic log softmax(z_i)_c`.
    /// - Parameters: logits `[n, C]`; targets `[n, C]` (rows are distributions); weights `[n]`.
    public static func softTargetCrossEntropy(
        logits: Tensor, targets: Tensor, weights: Tensor? = nil, reduction: LossReduction = .mean
    ) -> Tensor {
        checkPair(logits, targets, "softTargetCrossEntropy")
        return reduction.reduce(-(logits.logSoftmax() * targets).sum(axis: 1), weights: weights)
    }

    /// Hard-label cross-entropy `ℓ_i = −log softmax(z_i)_{y_i}`.
    public static func crossEntropy(
        logits: Tensor, labels: [Int], weights: Tensor? = nil, reduction: LossReduction = .mean
    ) -> Tensor {
        precondition(
            logits.rank == 2 && logits.shape[0] == labels.count,
            "crossEntropy: logits \(logits.shape) for \(labels.count) labels")
        for (i, label) in labels.enumerated() {
            precondition(
                label >= 0 && label < logits.shape[1],
                "crossEntropy: label \(label) at row \(i) is not in 0..<\(logits.shape[1])")
        }
        return softTargetCrossEntropy(
            logits: logits, targets: Tensor.oneHot(labels, classCount: logits.shape[1], dtype: logits.dtype),
            weights: weights, reduction: reduction)
    }

    /// Binary cross-entropy on one logit per sample: `ℓ_i = softplus(z_i) − y_i z_i`
    /// (= −y log σ(z) − (1−y) log(1−σ(z)), computed stably). logits `[n]` or `[n, 1]`, targets in [0, 1].
    public static func binaryCrossEntropy(
        logits: Tensor, targets: Tensor, weights: Tensor? = nil, reduction: LossReduction = .mean
    ) -> Tensor {
        let z = logits.reshaped([logits.count])
        let y = targets.reshaped([targets.count])
        precondition(z.count == y.count, "binaryCrossEntropy: \(z.count) logits for \(y.count) targets")
        return reduction.reduce(z.softplus() - y * z, weights: weights)
    }

    /// L1 distance between the predicted distribution and the target: `ℓ_i = Σ_c |softmax(z_i)_c − y_ic|`.
    public static func l1Distance(
        logits: Tensor, targets: Tensor, weights: Tensor? = nil, reduction: LossReduction = .mean
    ) -> Tensor {
        checkPair(logits, targets, "l1Distance")
        return reduction.reduce((logits.softmax() - targets).abs().sum(axis: 1), weights: weights)
    }

    /// Squared Hellinger distance `ℓ_i = ½ Σ_c (√p_ic − √y_ic)²` with `p = softmax(z)`.
    /// `√p` is computed as `exp(½ log softmax(z))`, which stays finite (and differentiable) where p → 0.
    public static func squaredHellinger(
        logits: Tensor, targets: Tensor, weights: Tensor? = nil, reduction: LossReduction = .mean
    ) -> Tensor {
        checkPair(logits, targets, "squaredHellinger")
        let rootP = (logits.logSoftmax() * 0.5).exp()
        let rootY = withoutGradients { targets.relu().sqrt() }
        return reduction.reduce((rootP - stopGradient(rootY)).square().sum(axis: 1) * 0.5, weights: weights)
    }

    private static func checkPair(_ logits: Tensor, _ targets: Tensor, _ name: String) {
        precondition(
            logits.rank == 2 && logits.shape == targets.shape,
            "\(name): logits \(logits.shape) and targets \(targets.shape) must both be [n, C]")
    }
}
