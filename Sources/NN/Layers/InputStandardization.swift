import Autodiff
import Foundation

/// Fixed z-scores of a model's inputs, `(x − mean) ⊙ inverseScale`, with statistics set once from
/// the training rows (`fit`) — the input scaler travels inside the model, so a saved model applies
/// it wherever it is used (prediction, influence) and never twice. As scikit-learn's
/// `StandardScaler`: the population standard deviation, and scale 1 for a constant column.
/// `mean` and `inverse_scale` are buffers: saved, never differentiated.
public final class InputStandardization: Module, Layer {
    public let featureCount: Int
    public let mean: Tensor
    public let inverseScale: Tensor

    /// The identity until `fit` is called.
    public init(featureCount: Int, dtype: DType = .float32) {
        precondition(featureCount > 0, "InputStandardization needs a positive feature count")
        self.featureCount = featureCount
        mean = Tensor.zeros([featureCount], dtype: dtype)
        inverseScale = Tensor.ones([featureCount], dtype: dtype)
    }

    override public var localBuffers: [(name: String, tensor: Tensor)] {
        [("mean", mean), ("inverse_scale", inverseScale)]
    }

    /// Sets the statistics of the first `rows.shape[1]` inputs from `rows` `[n, k]` (k ≤
    /// `featureCount`; the other inputs — e.g. votes beside features — stay as they are). Sums in
    /// Float64, so features far beyond unit scale (|x| ~ 1e30, whose squares overflow Float32) work.
    public func fit(_ rows: Tensor) {
        precondition(
            rows.rank == 2 && rows.shape[1] <= featureCount && rows.shape[0] > 0,
            "InputStandardization(\(featureCount)).fit got rows of shape \(rows.shape)")
        let (n, k) = (rows.shape[0], rows.shape[1])
        let values = rows.converted(to: .float64).scalars
        var means = mean.scalars
        var inverse = inverseScale.scalars
        for column in 0..<k {
            var sum = 0.0
            for i in 0..<n { sum += values[i * k + column] }
            let average = sum / Double(n)
            var squares = 0.0
            for i in 0..<n { squares += (values[i * k + column] - average) * (values[i * k + column] - average) }
            let deviation = (squares / Double(n)).squareRoot()
            means[column] = average
            inverse[column] = deviation > 0 && deviation.isFinite ? 1 / deviation : 1
        }
        mean.assign(scalars: means)
        inverseScale.assign(scalars: inverse)
    }

    /// - Parameter input: `[batch, featureCount]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 2 && input.shape[1] == featureCount,
            "InputStandardization(\(featureCount)) got input of shape \(input.shape)")
        return (input - mean) * inverseScale
    }
}
