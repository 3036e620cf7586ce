/// Batch normalization over the rows of a `[batch, features]` input, as `nn.BatchNorm1d`.
///
/// Training: normalizes with the batch mean and the *biased* batch variance, and updates
/// `running = (1 − momentum)·running + momentum·batch` with the *unbiased* variance.
/// Evaluation: normalizes with the running statistics (constants). Affine `weight` (γ, init 1)
/// and `bias` (β, init 0). Running statistics are buffers: saved, never differentiated.
public final class BatchNorm1d: Module, Layer {
    public let featureCount: Int
    public let momentum: Double
    public let epsilon: Double
    public let weight: Tensor
    public let bias: Tensor
    public let runningMean: Tensor
    public let runningVariance: Tensor

    public init(featureCount: Int, momentum: Double = 0.1, epsilon: Double = 1e-5, dtype: DType = .float32) {
        precondition(featureCount > 0, "BatchNorm1d needs a positive feature count")
        self.featureCount = featureCount
        self.momentum = momentum
        self.epsilon = epsilon
        weight = Tensor.ones([featureCount], dtype: dtype).requiringGradient()
        bias = Tensor.zeros([featureCount], dtype: dtype).requiringGradient()
        runningMean = Tensor.zeros([featureCount], dtype: dtype)
        runningVariance = Tensor.ones([featureCount], dtype: dtype)
    }

    override public var localParameters: [(name: String, tensor: Tensor)] { [("weight", weight), ("bias", bias)] }
    override public var localBuffers: [(name: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 2 && input.shape[1] == featureCount,
            "BatchNorm1d(\(featureCount)) got input of shape \(input.shape)")
        let normalized: Tensor
        if isTraining {
            let n = input.shape[0]
            precondition(n > 1, "BatchNorm1d in training mode needs more than one row per batch")
            let mean = input.mean(axis: 0, keepingDimension: true)
            let centered = input - mean
            let variance = centered.square().mean(axis: 0, keepingDimension: true)
            normalized = centered * (variance + epsilon).pow(-0.5)
            withoutGradients {
                let unbiased = variance * (Double(n) / Double(n - 1))
                runningMean.assign(runningMean * (1 - momentum) + mean.reshaped([featureCount]) * momentum)
                runningVariance.assign(runningVariance * (1 - momentum) + unbiased.reshaped([featureCount]) * momentum)
            }
        } else {
            let scale = withoutGradients { (runningVariance + epsilon).pow(-0.5) }
            normalized = (input - runningMean) * scale
        }
        return normalized * weight + bias
    }
}
