/// Why a training pipeline or experiment could not run.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// A split lacks the gold labels a step needs (early stopping, evaluation, a baseline).
    case missingGold(split: WeakDataset.Split, purpose: String)
    /// The dataset has no labeling functions, so there are no votes to learn from.
    case noLabelingFunctions
    /// Fewer training rows have at least one LF vote than training needs.
    case tooFewCoveredRows(count: Int, needed: Int)
    /// A split has fewer rows than a step needs (e.g. k-fold cross-validation).
    case tooFewRows(split: WeakDataset.Split, count: Int, needed: Int, purpose: String)
    /// The loss (at a step) or the parameters (after an epoch) stopped being finite numbers.
    case trainingDiverged(epoch: Int, step: Int?, loss: Double?)
    /// A step reports a binary metric (ROC-AUC) and the task has more classes.
    case needsBinaryTask(purpose: String, classCount: Int)
    /// A metric is undefined because a split's gold labels have a single class.
    case singleClassSplit(split: WeakDataset.Split, purpose: String)
    /// The end model reads features and the dataset has none, or tokens and it has no token view.
    case missingInputs(kind: EndModelSpec.InputKind)

    public var description: String {
        switch self {
        case .missingGold(let split, let purpose):
            return "\(purpose) needs gold labels on the \(split.rawValue) split, and some of its records have none"
        case .noLabelingFunctions:
            return "the dataset has no labeling functions (zero LF columns), so there are no votes to learn from"
        case .tooFewCoveredRows(let count, let needed):
            return "only \(count) training row(s) have at least one LF vote; training needs at least \(needed)"
        case .tooFewRows(let split, let count, let needed, let purpose):
            return "\(purpose) needs at least \(needed) rows in the \(split.rawValue) split, and it has \(count)"
        case .trainingDiverged(let epoch, let step, let loss):
            let place = step.map { "epoch \(epoch), step \($0)" } ?? "epoch \(epoch)"
            let what = loss.map { "the loss is \($0)" } ?? "the parameters are no longer finite"
            return
                "training diverged at \(place): \(what); lower the learning rate (or WeaSEL's inverse temperature τ₁)"
        case .needsBinaryTask(let purpose, let classCount):
            return "\(purpose) needs a binary task, and this one has \(classCount) classes"
        case .singleClassSplit(let split, let purpose):
            return "\(purpose) needs both classes in the \(split.rawValue) split, and its gold labels have only one"
        case .missingInputs(let kind):
            return kind == .features
                ? "the dataset has no features (data.feature); use the LSTM end model on its tokens"
                : "the dataset has no token view (data.text or data.tokens); use the MLP end model"
        }
    }
}

extension WeakDataset {
    /// The gold labels of a split, or `PipelineError.missingGold` saying what needed them.
    public func goldLabels(_ split: Split, for purpose: String) throws -> [Int] {
        guard let labels = self[split].goldLabels else {
            throw PipelineError.missingGold(split: split, purpose: purpose)
        }
        return labels
    }
}
