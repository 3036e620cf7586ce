import Foundation
import NN

/// Post-hoc calibration of an end model's probabilities on labeled rows: `softmax(a·z + b)` with
/// one scale `a > 0` (1/temperature; Guo et al., ICML 2017) and one bias per class (`b₀ = 0`; for
/// two classes this is Platt scaling of the logit difference), fitted by minimizing the mean
/// cross-entropy with L-BFGS. With `a > 0` the order of rows by any class's score is unchanged, so
/// ROC-AUC is too; only the probabilities become ones a user can read literally. WeaSEL's end models
/// need it most: trained on flat soft labels (symmetric cross-entropy) they are underconfident and
/// offset (spambase: every P(spam) near 0.4), trained on Max-MIG overconfident.
public struct ProbabilityCalibration: Sendable, Equatable {
    public var scale: Double
    public var biases: [Double]

    public init(scale: Double, biases: [Double]) {
        self.scale = scale
        self.biases = biases
    }

    /// Fits the scale and biases to `logits` (`[n, C]`, row-major) and `labels`.
    public init(logits: [Double], classCount c: Int, labels: [Int]) {
        precondition(logits.count == labels.count * c, "logits must be [labels.count, classCount]")
        // Parameters: log a, then b₁ … b_{C−1}.
        let point = minimizeLBFGS(start: [Double](repeating: 0, count: c)) { parameters in
            let candidate = ProbabilityCalibration(scale: exp(parameters[0]), biases: [0] + parameters[1...])
            return candidate.crossEntropyAndGradient(logits: logits, classCount: c, labels: labels)
        }.point
        self.init(scale: exp(point[0]), biases: [0] + point[1...])
    }

    /// `softmax(a·z + b)` row by row (`[n, C]`, row-major).
    public func probabilities(logits: [Double], classCount c: Int) -> [Double] {
        var result = [Double](repeating: 0, count: logits.count)
        for row in 0..<(logits.count / max(c, 1)) {
            let p = rowProbabilities(logits, row: row, classCount: c)
            for k in 0..<c { result[row * c + k] = p[k] }
        }
        return result
    }

    /// The mean cross-entropy of the calibrated probabilities on `labels`.
    public func crossEntropy(logits: [Double], classCount c: Int, labels: [Int]) -> Double {
        crossEntropyAndGradient(logits: logits, classCount: c, labels: labels).value
    }

    private func rowProbabilities(_ logits: [Double], row: Int, classCount c: Int) -> [Double] {
        let z = (0..<c).map { k in scale * logits[row * c + k] + biases[k] }
        let top = z.max() ?? 0
        let e = z.map { exp($0 - top) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    /// The mean cross-entropy and its gradient with respect to `(log a, b₁ … b_{C−1})`.
    private func crossEntropyAndGradient(logits: [Double], classCount c: Int, labels: [Int])
        -> (value: Double, gradient: [Double])
    {
        var value = 0.0
        var gradient = [Double](repeating: 0, count: c)
        for (row, label) in labels.enumerated() {
            let p = rowProbabilities(logits, row: row, classCount: c)
            value -= log(max(p[label], .leastNormalMagnitude))
            for k in 0..<c {
                let residual = p[k] - (k == label ? 1 : 0)  // ∂loss/∂(a·z_k + b_k)
                gradient[0] += residual * scale * logits[row * c + k]
                if k > 0 { gradient[k] += residual }
            }
        }
        let n = Double(max(labels.count, 1))
        return (value / n, gradient.map { $0 / n })
    }
}
