import Foundation

/// Validation-driven configuration, the WeaSEL paper's protocol ("learning rates chosen according
/// to the best validation ROC-AUC" for every method): each method picks its settings from small
/// grids by the validation metric of its early-stopped end model (ROC-AUC for binary tasks,
/// accuracy otherwise) — never by test data. The search is coordinate-wise: starting from the
/// defaults, each coordinate in turn tries its values with the others at their best so far (WeaSEL:
/// 7 runs instead of the 36 of the full product). A grid that is nil is not searched (the option
/// given is kept).
public struct TuningGrid: Sendable, Equatable {
    /// The end model's learning rate (every method that trains an end model).
    public var learningRates: [Double]? = [1e-4, 3e-5, 1e-3]
    /// WeaSEL: the objective (searched first: symmetric cross-entropy or Max-MIG, each of which
    /// collapses where the other does not), τ₁, the encoder's input, class-conditional accuracies.
    public var objectives: [WeaselOptions.Objective]? = [.symmetricCE, .mig]
    public var inverseTemperatures: [Double]? = [0.25, 0.5, 1]
    public var encoderInputs: [WeaselOptions.EncoderInput]? = [.featuresAndRawVotes, .featuresAndOneHotVotes]
    public var classConditional: [Bool]? = [true, false]
    /// Snorkel's label model, chosen by its own soft labels' validation score (as Snorkel's
    /// documentation tunes it on a labeled dev set), so no end model is trained per candidate.
    public var labelModelLearningRates: [Double]? = [0.01, 0.001]
    public var labelModelEpochs: [Int]? = [100, 500]
    /// `supervised-valid`'s weight decay (with its learning rate and epochs, by cross-validation).
    public var weightDecays: [Double]? = [7e-7, 1e-4, 1e-2]
    /// `logreg-valid`'s inverse regularization strength C.
    public var inverseRegularizations: [Double] = [0.01, 0.1, 1, 10, 100]
    /// Folds of the cross-validation inside the validation split (`supervised-valid`,
    /// `logreg-valid`, `+ft`).
    public var folds = 5
    /// Give the label models and WeaSEL's class prior the class balance of the validation labels.
    public var useValidationClassBalance = true

    public init() {}

    /// No search: every method with its fixed defaults (`--no-tune`); the cross-validated baselines
    /// still choose their epochs (and C) inside the validation split.
    public static let fixed: TuningGrid = {
        var grid = TuningGrid()
        grid.learningRates = nil
        grid.objectives = nil
        grid.inverseTemperatures = nil
        grid.encoderInputs = nil
        grid.classConditional = nil
        grid.labelModelLearningRates = nil
        grid.labelModelEpochs = nil
        grid.weightDecays = nil
        grid.inverseRegularizations = [1]
        grid.useValidationClassBalance = false
        return grid
    }()
}

extension TuningGrid {
    /// The grid without the objective coordinate (the objective given is kept).
    public var keepingObjective: TuningGrid {
        var grid = self
        grid.objectives = nil
        return grid
    }
}

extension WeakDataset {
    /// The class balance of the validation labels, with one pseudo-count per class (so no class has
    /// probability 0).
    public func validationClassBalance() throws -> [Double] {
        let labels = try goldLabels(.valid, for: "the class balance")
        var counts = [Double](repeating: 1, count: classCount)
        for label in labels { counts[label] += 1 }
        let total = counts.reduce(0, +)
        return counts.map { $0 / total }
    }
}

/// One coordinate of `coordinateSearch`: its name, the candidate states it derives from the current
/// best (each differing in this setting alone), and the setting's value as text (for the report).
struct SearchCoordinate<State> {
    let name: String
    let candidates: (State) -> [State]
    let value: (State) -> String
}

/// Coordinate-wise search: `evaluate` the start, then for each coordinate try its other values
/// with the rest at their best so far, keeping a candidate only if its score is strictly higher
/// (ties keep the earlier, so the defaults win ties). The candidates of one coordinate (and the
/// start with the first coordinate's) are evaluated concurrently on the available cores; each run
/// is seeded by its own options, so the choice does not depend on scheduling. `report` receives
/// one line per coordinate with every value tried, its score and the value kept — so a user sees
/// how close each choice was. `labelled` gives a state to evaluate its name in the search
/// (`objective mig`), e.g. so that its progress lines say which of the concurrent runs they are from.
func coordinateSearch<State, Outcome>(
    start: State, coordinates: [SearchCoordinate<State>], report: ((String) -> Void)? = nil,
    labelled: ((State, String) -> State)? = nil, evaluate: (State) throws -> (score: Double, result: Outcome)
) throws -> (state: State, result: Outcome) {
    var best: (state: State, score: Double, result: Outcome)?
    let searched =
        coordinates.isEmpty ? [SearchCoordinate(name: "", candidates: { _ in [] }, value: { _ in "" })] : coordinates
    for coordinate in searched {
        let states = (best == nil ? [start] : []) + coordinate.candidates(best?.state ?? start)
        var tried: [(value: String, score: Double)] = best.map { [(coordinate.value($0.state), $0.score)] } ?? []
        // Named when the coordinate is searched (more than one value), as its report line is.
        let searching = tried.count + states.count > 1
        let evaluated = states.map { state in
            searching ? labelled.map { $0(state, "\(coordinate.name) \(coordinate.value(state))") } ?? state : state
        }
        for (state, evaluation) in zip(states, try evaluateConcurrently(evaluated, evaluate)) {
            tried.append((coordinate.value(state), evaluation.score))
            if best == nil || evaluation.score > best!.score { best = (state, evaluation.score, evaluation.result) }
        }
        if let report, tried.count > 1 {
            let scores = tried.map { "\($0.value) \(String(format: "%.4f", $0.score))" }.joined(separator: " | ")
            report("tuning \(coordinate.name): \(scores) → \(coordinate.value(best!.state))")
        }
    }
    return (best!.state, best!.result)
}

/// A coordinate of `coordinateSearch`: from the current state, the states with one setting set to
/// each of the grid's other values (none when the grid is nil).
func coordinate<State, Value: Equatable>(
    _ name: String, _ grid: [Value]?, _ setting: WritableKeyPath<State, Value>
) -> SearchCoordinate<State> {
    SearchCoordinate(
        name: name,
        candidates: { current in
            (grid ?? []).filter { $0 != current[keyPath: setting] }.map { value in
                var candidate = current
                candidate[keyPath: setting] = value
                return candidate
            }
        },
        value: { state in
            let value = state[keyPath: setting]
            return (value as? any RawRepresentable<String>)?.rawValue ?? "\(value)"
        })
}

/// `evaluate` for every state, concurrently (the results in the order of the states).
private func evaluateConcurrently<State, Outcome>(
    _ states: [State], _ evaluate: (State) throws -> (score: Double, result: Outcome)
) throws -> [(score: Double, result: Outcome)] {
    guard states.count > 1 else { return try states.map(evaluate) }
    let results = ConcurrentResults<(score: Double, result: Outcome)>(count: states.count)
    try withoutActuallyEscaping(evaluate) { evaluate in
        nonisolated(unsafe) let body = evaluate
        nonisolated(unsafe) let inputs = states
        DispatchQueue.concurrentPerform(iterations: states.count) { k in
            results.set(k, Swift.Result { try body(inputs[k]) })
        }
        _ = try results.values.map { try $0!.get() }
    }
    return try results.values.map { try $0!.get() }
}
