import Autodiff
import Foundation
import NN

extension EndModelSpec {
    /// A linear softmax layer (`--hidden ''`): multinomial logistic regression, whose training
    /// objective is convex — trained to convergence, where influence functions' assumptions hold.
    public var isConvex: Bool {
        if case .mlp(let hidden, _, _, _) = self { return hidden.isEmpty }
        return false
    }
}

/// Minimizes `(1/n) Σ_i w_i ℓ̂_i + (weightL2/2)‖W‖² + (biasL2/2)‖b‖²` over a linear softmax layer
/// (`ℓ̂_i` the soft-target cross-entropy) by full-batch L-BFGS in the model's precision until the
/// gradient's largest entry is below `relativeTolerance` times its value at the start.
/// - Returns: the L-BFGS iterations and the gradient norm at the end relative to the start.
@discardableResult
func fitLinearSoftmax(
    _ model: MLP, inputs x: Tensor, targets: Tensor, sampleWeights: Tensor? = nil, weightL2: Double, biasL2: Double,
    relativeTolerance: Double = 1e-8, maxIterations: Int = 5000
) -> (iterations: Int, relativeGradientNorm: Double) {
    precondition(model.configuration.hiddenSizes.isEmpty, "fitLinearSoftmax needs an MLP without hidden layers")
    let (weight, bias) = (model.output.weight, model.output.bias!)
    let split = weight.count
    func load(_ point: [Double]) {
        weight.assign(scalars: Array(point[..<split]))
        bias.assign(scalars: Array(point[split...]))
    }
    func valueAndGradient(_ point: [Double]) -> (value: Double, gradient: [Double]) {
        load(point)
        let loss =
            Loss.softTargetCrossEntropy(logits: model(x), targets: targets, weights: sampleWeights)
            + weight.square().sum() * (weightL2 / 2) + bias.square().sum() * (biasL2 / 2)
        return (loss.item, gradients(of: loss, wrt: [weight, bias]).flatMap(\.scalars))
    }
    let start = [Double](repeating: 0, count: weight.count + bias.count)
    let initial = valueAndGradient(start).gradient
    func size(_ g: [Double]) -> Double { g.reduce(0) { $0 + $1 * $1 }.squareRoot() }
    let scale = max(initial.map(abs).max() ?? 1, 1e-300)
    let (point, iterations) = minimizeLBFGS(
        start: start, tolerance: relativeTolerance * scale, maxIterations: maxIterations,
        valueAndGradient: valueAndGradient)
    let final = valueAndGradient(point).gradient
    model.eval()
    return (iterations, size(final) / max(size(initial), 1e-300))
}

/// The end-model trainer for a convex end model: the influence objective
/// `(1/N) Σ_i w_i ℓ̂_i + (λ/2)‖θ‖²` (λ = the weight decay, on every parameter) minimized to
/// convergence in Float64, instead of Adam with early stopping; the binary threshold tuned on
/// validation F1 as for every end model.
func trainConvexEndModel(
    _ model: MLP, inputs: Tensor, targets: Tensor, sampleWeights: Tensor? = nil, validationInputs: Tensor,
    validationLabels: [Int], options: TrainingOptions
) -> TrainingReport {
    let classCount = targets.shape[1]
    let (iterations, relative) = fitLinearSoftmax(
        model, inputs: inputs.converted(to: .float64), targets: targets.converted(to: .float64),
        sampleWeights: sampleWeights?.converted(to: .float64), weightL2: options.weightDecay,
        biasL2: options.weightDecay)
    options.progress?(
        "logistic regression: \(iterations) L-BFGS iterations, gradient norm \(relative) of its initial value")
    let metric = options.validationMetric ?? ValidationMetric.choose(labels: validationLabels, classCount: classCount)
    let probabilities = model.predictProbabilities(validationInputs.converted(to: .float64))
    var threshold: Double?
    if classCount == 2 {
        threshold =
            options.tuneThreshold
            ? Metrics.bestF1Threshold(scores: Metrics.positiveScores(probabilities), labels: validationLabels).threshold
            : 0.5
    }
    var report = TrainingReport(
        epochsRun: iterations, bestEpoch: iterations, validationMetric: metric,
        bestValidationScore: metric.score(probabilities: probabilities, labels: validationLabels), threshold: threshold,
        validationHistory: [])
    report.relativeGradientNorm = relative
    return report
}
