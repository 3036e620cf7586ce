import Foundation
import TestSupport
import Testing
import WeakSup

@Suite("Metrics against hand-computed values")
struct MetricsTests {
    @Test("accuracy, F1, macro-F1, confusion matrix")
    func classification() {
        let labels = [1, 1, 1, 0, 0, 0, 0, 1]
        let predictions = [1, 1, 0, 0, 0, 1, 0, 1]
        // TP 3, FN 1, FP 1, TN 3 → accuracy 6/8, F1(1) = 6/8, F1(0) = 6/8.
        #expect(Metrics.accuracy(predictions: predictions, labels: labels) == 0.75)
        #expect(Metrics.f1(predictions: predictions, labels: labels) == 0.75)
        #expect(Metrics.macroF1(predictions: predictions, labels: labels, classCount: 2) == 0.75)
        #expect(Metrics.confusionMatrix(predictions: predictions, labels: labels, classCount: 2) == [[3, 1], [1, 3]])
        #expect(Metrics.f1(predictions: [0, 0], labels: [0, 0]) == 0)
    }

    @Test("ROC-AUC counts ties as one half")
    func auc() {
        // Positives score 0.9, 0.5; negatives 0.5, 0.1: pairs (0.9>0.5) (0.9>0.1) (0.5=0.5 → ½) (0.5>0.1) → 3.5/4.
        #expect(Metrics.rocAUC(scores: [0.9, 0.5, 0.5, 0.1], labels: [1, 1, 0, 0]) == 0.875)
        #expect(Metrics.rocAUC(scores: [0.3, 0.3, 0.3], labels: [1, 0, 1]) == 0.5)
        #expect(Metrics.rocAUC(scores: [0.1, 0.2], labels: [1, 1]).isNaN)
    }

    @Test("average precision (scikit-learn's definition, tied scores together)")
    func averagePrecision() {
        // Scores 0.9(+) 0.8(−) 0.7(+) 0.6(−): recall steps ½ at P=1 and ½ at P=2/3 → 5/6.
        #expect(
            isApproximatelyEqual(
                Metrics.averagePrecision(scores: [0.9, 0.8, 0.7, 0.6], labels: [1, 0, 1, 0]), 5.0 / 6, relative: 1e-12))
        // A tie between a positive and a negative at the top: one step to recall 1 at precision ½.
        #expect(Metrics.averagePrecision(scores: [0.5, 0.5], labels: [1, 0]) == 0.5)
    }

    @Test("log loss and threshold tuning")
    func logLossAndThreshold() {
        let loss = Metrics.logLoss(probabilities: [[0.2, 0.8], [0.6, 0.4]], labels: [1, 1])
        #expect(isApproximatelyEqual(loss, -(Foundation.log(0.8) + Foundation.log(0.4)) / 2, relative: 1e-12))
        let tuned = Metrics.bestF1Threshold(scores: [0.1, 0.35, 0.4, 0.8], labels: [0, 1, 1, 1])
        #expect(tuned.threshold == 0.35 && tuned.f1 == 1)
        let evaluation = Evaluation(
            probabilities: Tensor(shape: [2, 2], scalars: [0.9, 0.1, 0.3, 0.7], dtype: .float64), labels: [0, 1])
        #expect(evaluation.accuracy == 1 && evaluation.auc == 1 && evaluation.threshold == 0.5)
    }
}

@Suite("Probability calibration")
struct ProbabilityCalibrationTests {
    @Test("recovers the scale and bias that distorted calibrated logits; lowers the cross-entropy; keeps the ranking")
    func recoversDistortion() {
        // Labels drawn from softmax(z) over 3 classes; the model reports z/5 shifted by (0, 1, −2).
        var generator = SeededGenerator(seed: 11)
        let (n, c) = (6000, 3)
        var truth: [Double] = []
        var labels: [Int] = []
        for _ in 0..<n {
            let z = (0..<c).map { _ in 2 * generator.nextNormal() }
            let e = z.map(exp)
            let total = e.reduce(0, +)
            var u = generator.nextUniform() * total
            var label = c - 1
            for k in 0..<c {
                u -= e[k]
                if u < 0 {
                    label = k
                    break
                }
            }
            truth += z
            labels.append(label)
        }
        let shift = [0.0, 1, -2]
        let distorted = truth.enumerated().map { $0.element / 5 + shift[$0.offset % c] }
        let calibration = ProbabilityCalibration(logits: distorted, classCount: c, labels: labels)
        #expect(abs(calibration.scale - 5) < 0.4)
        #expect(abs(calibration.biases[1] - (-5)) < 0.4 && abs(calibration.biases[2] - 10) < 0.6)
        let identity = ProbabilityCalibration(scale: 1, biases: [0, 0, 0])
        let before = identity.crossEntropy(logits: distorted, classCount: c, labels: labels)
        let after = calibration.crossEntropy(logits: distorted, classCount: c, labels: labels)
        let ideal = identity.crossEntropy(logits: truth, classCount: c, labels: labels)
        #expect(after < before && abs(after - ideal) < 0.01)
        // Each class's score orders the rows as before (the scale is positive).
        let p = calibration.probabilities(logits: distorted, classCount: c)
        let rows = Array(0..<200)
        #expect(
            rows.sorted { distorted[$0 * c + 1] - distorted[$0 * c] < distorted[$1 * c + 1] - distorted[$1 * c] }
                == rows.sorted { p[$0 * c + 1] / p[$0 * c] < p[$1 * c + 1] / p[$1 * c] })
    }
}
