import Autodiff
import Foundation

/// Classification metrics. Binary metrics take the positive class to be 1 and `scores` to be the
/// probability (or any monotone score) of class 1.
public enum Metrics {
    public static func accuracy(predictions: [Int], labels: [Int]) -> Double {
        precondition(
            predictions.count == labels.count, "accuracy: \(predictions.count) predictions for \(labels.count) labels")
        guard !labels.isEmpty else { return 0 }
        return Double(zip(predictions, labels).filter { $0 == $1 }.count) / Double(labels.count)
    }

    /// `matrix[true class][predicted class]` counts.
    public static func confusionMatrix(predictions: [Int], labels: [Int], classCount: Int) -> [[Int]] {
        var matrix = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
        for (p, y) in zip(predictions, labels) { matrix[y][p] += 1 }
        return matrix
    }

    /// F1 of class `positive`: `2·TP / (2·TP + FP + FN)` (0 when there are no positives at all).
    public static func f1(predictions: [Int], labels: [Int], positive: Int = 1) -> Double {
        var tp = 0
        var fp = 0
        var fn = 0
        for (p, y) in zip(predictions, labels) {
            if p == positive && y == positive {
                tp += 1
            } else if p == positive {
                fp += 1
            } else if y == positive {
                fn += 1
            }
        }
        return tp == 0 ? 0 : 2 * Double(tp) / Double(2 * tp + fp + fn)
    }

    /// The mean over all classes of each class's F1 (binary sets too).
    public static func macroF1(predictions: [Int], labels: [Int], classCount: Int) -> Double {
        (0..<classCount).map { f1(predictions: predictions, labels: labels, positive: $0) }.reduce(0, +)
            / Double(classCount)
    }

    /// Area under the ROC curve: the probability that a random positive scores above a random
    /// negative, ties counting ½ (Mann–Whitney U with mid-ranks). NaN without both classes.
    public static func rocAUC(scores: [Double], labels: [Int]) -> Double {
        let positives = labels.filter { $0 == 1 }.count
        let negatives = labels.count - positives
        guard positives > 0 && negatives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            let midRank = Double(start + end) / 2 + 1
            for k in start...end where labels[order[k]] == 1 { rankSum += midRank }
            start = end + 1
        }
        return (rankSum - Double(positives) * Double(positives + 1) / 2) / (Double(positives) * Double(negatives))
    }

    /// Average precision, `Σ_k (R_k − R_{k−1}) P_k` over the distinct score thresholds from high
    /// to low (scikit-learn's definition; tied scores enter together).
    public static func averagePrecision(scores: [Double], labels: [Int]) -> Double {
        let positives = labels.filter { $0 == 1 }.count
        guard positives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0
        var seen = 0
        var previousRecall = 0.0
        var total = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && scores[order[end + 1]] == scores[order[start]] { end += 1 }
            for k in start...end {
                seen += 1
                if labels[order[k]] == 1 { tp += 1 }
            }
            let recall = Double(tp) / Double(positives)
            let precision = Double(tp) / Double(seen)
            total += (recall - previousRecall) * precision
            previousRecall = recall
            start = end + 1
        }
        return total
    }

    /// Mean negative log-likelihood of the true class, probabilities clipped to [ε, 1−ε] (ε = 1e−15).
    public static func logLoss(probabilities: [[Double]], labels: [Int]) -> Double {
        let epsilon = 1e-15
        return zip(probabilities, labels).map { -Foundation.log(min(max($0[$1], epsilon), 1 - epsilon)) }.reduce(0, +)
            / Double(max(labels.count, 1))
    }

    /// Class 1 where the score is at least `threshold`, else 0.
    public static func thresholded(_ scores: [Double], at threshold: Double) -> [Int] {
        scores.map { $0 >= threshold ? 1 : 0 }
    }

    /// A classifier's decisions from its class probabilities `[n, C]`: for binary tasks class 1
    /// where `P(class 1) ≥ threshold` (0.5 when nil; the tuned decision threshold otherwise), for
    /// multi-class tasks the most probable class.
    public static func predictions(_ probabilities: Tensor, threshold: Double? = nil) -> [Int] {
        guard probabilities.shape[1] == 2 else { return probabilities.argmax(axis: 1) }
        return thresholded(positiveScores(probabilities), at: threshold ?? 0.5)
    }

    /// `P(class 1)` of every row of binary class probabilities `[n, 2]`.
    public static func positiveScores(_ probabilities: Tensor) -> [Double] {
        precondition(
            probabilities.rank == 2 && probabilities.shape[1] == 2,
            "positiveScores needs [n, 2] probabilities, got \(probabilities.shape)")
        let p = probabilities.scalars
        return (0..<probabilities.shape[0]).map { p[$0 * 2 + 1] }
    }

    /// The threshold on `scores` that maximizes binary F1 (ties: the one closest to 0.5), for
    /// tuning a binary classifier's decision threshold on validation data.
    public static func bestF1Threshold(scores: [Double], labels: [Int]) -> (threshold: Double, f1: Double) {
        // One sort, then every distinct threshold's true and false positives by a running count.
        let positives = labels.filter { $0 == 1 }.count
        func counted(truePositives: Int, falsePositives: Int) -> Double {
            truePositives == 0 ? 0 : 2 * Double(truePositives) / Double(truePositives + falsePositives + positives)
        }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var candidates: [(threshold: Double, truePositives: Int, falsePositives: Int)] = []
        var (truePositives, falsePositives, k) = (0, 0, 0)
        while k < order.count {
            let threshold = scores[order[k]]
            while k < order.count && scores[order[k]] == threshold {
                if labels[order[k]] == 1 { truePositives += 1 } else { falsePositives += 1 }
                k += 1
            }
            candidates.append((threshold, truePositives, falsePositives))
        }
        var best = (threshold: 0.5, f1: f1(predictions: thresholded(scores, at: 0.5), labels: labels))
        for candidate in candidates.reversed() {  // ascending thresholds, as ties prefer the one closest to 0.5
            let value = counted(truePositives: candidate.truePositives, falsePositives: candidate.falsePositives)
            if value > best.f1 + 1e-12
                || (abs(value - best.f1) <= 1e-12 && abs(candidate.threshold - 0.5) < abs(best.threshold - 0.5))
            {
                best = (candidate.threshold, value)
            }
        }
        return best
    }
}

/// Test-set metrics of a classifier.
public struct Evaluation: Codable, Equatable, Sendable {
    public var accuracy: Double
    /// Binary F1 of class 1 at the decision threshold (nil for multi-class).
    public var f1: Double?
    public var macroF1: Double
    /// Binary only; nil when the labels have a single class (ROC-AUC is undefined then).
    public var auc: Double?
    /// Binary only; nil when no label is positive.
    public var averagePrecision: Double?
    public var logLoss: Double
    /// The decision threshold on P(class 1) (binary), 0.5 unless tuned.
    public var threshold: Double?

    /// Evaluates class probabilities `[n, C]` against gold labels; binary decisions at `threshold`
    /// (0.5 when nil).
    public init(probabilities: Tensor, labels: [Int], threshold: Double? = nil) {
        let classCount = probabilities.shape[1]
        let predictions = Metrics.predictions(probabilities, threshold: threshold)
        if classCount == 2 {
            let scores = Metrics.positiveScores(probabilities)
            f1 = Metrics.f1(predictions: predictions, labels: labels)
            let auc = Metrics.rocAUC(scores: scores, labels: labels)
            let averagePrecision = Metrics.averagePrecision(scores: scores, labels: labels)
            self.auc = auc.isNaN ? nil : auc
            self.averagePrecision = averagePrecision.isNaN ? nil : averagePrecision
            self.threshold = threshold ?? 0.5
        }
        accuracy = Metrics.accuracy(predictions: predictions, labels: labels)
        macroF1 = Metrics.macroF1(predictions: predictions, labels: labels, classCount: classCount)
        let p = probabilities.scalars
        logLoss = Metrics.logLoss(
            probabilities: labels.indices.map { Array(p[($0 * classCount)..<(($0 + 1) * classCount)]) }, labels: labels)
    }
}
