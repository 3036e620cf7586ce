import Autodiff

/// The validation metric early stopping maximizes.
public enum ValidationMetric: String, Codable, Sendable {
    /// ROC-AUC, for binary tasks whose validation split has both classes (the WeaSEL paper's choice).
    case rocAUC = "AUC"
    /// Accuracy, for multi-class tasks.
    case accuracy
    /// The negative mean cross-entropy of the gold labels: when asked for (retraining checks), and
    /// for a binary task whose validation split has a single class, where ROC-AUC is undefined.
    case negativeCrossEntropy = "-cross-entropy"

    /// The metric for validation labels of a task with `classCount` classes.
    public static func choose(labels: [Int], classCount: Int, preferLoss: Bool = false) -> ValidationMetric {
        if preferLoss { return .negativeCrossEntropy }
        guard classCount == 2 else { return .accuracy }
        return Set(labels).count == 2 ? .rocAUC : .negativeCrossEntropy
    }

    /// The metric's value for class probabilities `[n, C]` (higher is better).
    public func score(probabilities: Tensor, labels: [Int]) -> Double {
        switch self {
        case .rocAUC: return Metrics.rocAUC(scores: Metrics.positiveScores(probabilities), labels: labels)
        case .accuracy: return Metrics.accuracy(predictions: Metrics.predictions(probabilities), labels: labels)
        case .negativeCrossEntropy: return -meanCrossEntropy(probabilities, labels)
        }
    }
}
