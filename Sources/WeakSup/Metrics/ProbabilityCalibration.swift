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
        result.withUnsafeMutableBufferPointer { out in
            for row in 0..<(logits.count / max(c, 1)) {
                writeRowProbabilities(logits, row: row, classCount: c, into: out.baseAddress! + row * c)
            }
        }
        return result
    }

    /// The mean cross-entropy of the calibrated probabilities on `labels`.
    public func crossEntropy(logits: [Double], classCount c: Int, labels: [Int]) -> Double {
        crossEntropyAndGradient(logits: logits, classCount: c, labels: labels).value
    }

    /// Row `row`'s calibrated probabilities, written to `p[0..<C]` (no allocation per row).
    private func writeRowProbabilities(
        _ logits: [Double], row: Int, classCount c: Int, into p: UnsafeMutablePointer<Double>
    ) {
        var top = -Double.infinity
        for k in 0..<c {
            p[k] = scale * logits[row * c + k] + biases[k]
            top = max(top, p[k])
        }
        var total = 0.0
        for k in 0..<c {
            p[k] = exp(p[k] - top)
            total += p[k]
        }
        for k in 0..<c { p[k] /= total }
    }

    /// The mean cross-entropy and its gradient with respect to `(log a, b₁ … b_{C−1})`.
    private func crossEntropyAndGradient(logits: [Double], classCount c: Int, labels: [Int])
        -> (value: Double, gradient: [Double])
    {
        var value = 0.0
        var gradient = [Double](repeating: 0, count: c)
        let p = UnsafeMutablePointer<Double>.allocate(capacity: c)
        defer { p.deallocate() }
        for (row, label) in labels.enumerated() {
            writeRowProbabilities(logits, row: row, classCount: c, into: p)
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
