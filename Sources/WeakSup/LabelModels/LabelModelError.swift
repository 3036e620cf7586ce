/// Why a label model could not be fitted.
public enum LabelModelError: Error, CustomStringConvertible, Equatable {
    case tooFewClasses(Int)
    case voteOutOfRange(row: Int, lf: Int, vote: Int, classCount: Int)
    /// The dataset has no labeling functions at all.
    case noLabelingFunctions
    /// Every LF abstains on every row.
    case noVotes
    case invalidClassBalance([Double], classCount: Int)
    /// Snorkel's matrix-completion loss diverged even at the smallest learning rate tried.
    case diverged(learningRate: Double)
    /// The model cannot tell LF accuracies apart with this few LFs (not identifiable).
    case tooFewLFs(model: LabelModelKind, count: Int, minimum: Int)

    public var description: String {
        switch self {
        case .tooFewClasses(let count): return "a label model needs at least 2 classes, and the task has \(count)"
        case .voteOutOfRange(let row, let lf, let vote, let classCount):
            return "row \(row), LF \(lf): vote \(vote) is not in -1..<\(classCount)"
        case .noLabelingFunctions:
            return "the dataset has no labeling functions (zero LF columns), so there are no votes to model"
        case .noVotes: return "the label matrix has no votes (every LF abstains on every row)"
        case .invalidClassBalance(let balance, let classCount):
            return "the class balance must be \(classCount) positive numbers summing to 1, got \(balance)"
        case .diverged(let learningRate):
            return "Snorkel's label model: the loss diverged even at learning rate \(learningRate)"
        case .tooFewLFs(let model, let count, let minimum):
            return
                "the \(model.rawValue) label model needs at least \(minimum) LFs and the dataset has \(count): with "
                + "fewer, two LFs that disagree could each be the accurate one, so the fit would be a coin flip "
                + "(the answer changes with the seed); use majority or dawid-skene, or add LFs"
        }
    }
}
