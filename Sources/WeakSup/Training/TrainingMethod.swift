/// How the end model's training labels are made — the methods `weasel train` and `weasel compare`
/// run, spelled as the CLI and model files spell them.
public enum TrainingMethod: String, CaseIterable, Codable, Sendable {
    /// WeaSEL: the end model trained jointly with an encoder of the LF votes (no label model).
    case weasel
    /// Two-stage pipelines: a label model's soft labels, then the end model.
    case majority
    case dawidSkene = "dawid-skene"
    case snorkel
    /// A weakly supervised method's end model, then fine-tuned on the clean validation labels
    /// (epochs by cross-validation inside the validation split; Zhu et al., ACL 2023).
    case weaselFineTuned = "weasel+ft"
    case majorityFineTuned = "majority+ft"
    case dawidSkeneFineTuned = "dawid-skene+ft"
    case snorkelFineTuned = "snorkel+ft"
    /// The ceiling: the end model trained on the gold training labels.
    case supervised
    /// The honest baselines: the end model, or an L2 logistic regression, trained on the labeled
    /// validation split alone (settings by cross-validation inside it).
    case supervisedValid = "supervised-valid"
    case logisticRegressionValid = "logreg-valid"

    /// The weakly supervised method a `+ft` method fine-tunes.
    public var baseMethod: TrainingMethod? {
        switch self {
        case .weaselFineTuned: return .weasel
        case .majorityFineTuned: return .majority
        case .dawidSkeneFineTuned: return .dawidSkene
        case .snorkelFineTuned: return .snorkel
        default: return nil
        }
    }

    /// The label model of a two-stage method (and of its `+ft` version).
    public var labelModel: LabelModelKind? {
        switch baseMethod ?? self {
        case .majority: return .majority
        case .dawidSkene: return .dawidSkene
        case .snorkel: return .snorkel
        default: return nil
        }
    }

    /// Whether the labels come from LF votes (as opposed to gold labels only).
    public var isWeaklySupervised: Bool { (baseMethod ?? self) == .weasel || labelModel != nil }

    /// Whether the end model is trained on the validation split rather than on training rows.
    public var trainsOnValidation: Bool { self == .supervisedValid || self == .logisticRegressionValid }

    /// Whether the end model's training objective is one loss over training rows — what influence
    /// functions attribute to (not so for the validation baselines and the fine-tuned methods).
    public var hasTrainingRowObjective: Bool { !trainsOnValidation && baseMethod == nil }

    /// Trains the end model with this method and evaluates it on the test split. With a tuning
    /// grid, the method first picks its configuration on the validation split (`TuningGrid`); the
    /// result's `configuration` records what was used.
    /// - Parameters:
    ///   - weasel: WeaSEL's options (used by the WeaSEL methods only).
    ///   - base: for a `+ft` method, its base method's result with the same options, to fine-tune
    ///     instead of training it again.
    public func run(
        dataset: WeakDataset, endModel: EndModelSpec = .defaultMLP, options: TrainingOptions = TrainingOptions(),
        weasel: WeaselOptions = .default, tuning: TuningGrid = .fixed, base: PipelineResult? = nil
    ) throws -> PipelineResult {
        var tuning = tuning
        if endModel.isConvex { tuning.learningRates = nil }  // fitted to convergence: no learning rate
        if let baseMethod {
            let base =
                try base
                ?? baseMethod.run(
                    dataset: dataset, endModel: endModel, options: options, weasel: weasel, tuning: tuning)
            return try fineTuneOnValidation(
                base, dataset: dataset, endModel: endModel, options: options, tuning: tuning)
        }
        switch self {
        case .weasel:
            return try tunedWeasel(
                dataset: dataset, endModel: endModel, options: options, weasel: weasel, tuning: tuning)
        case .supervised:
            return try searchLearningRate(options, tuning) {
                try runSupervised(dataset: dataset, endModel: endModel, options: $0)
            }
        case .supervisedValid:
            return try runSupervisedOnValidation(dataset: dataset, endModel: endModel, options: options, tuning: tuning)
        case .logisticRegressionValid:
            return try runLogisticRegressionOnValidation(dataset: dataset, options: options, tuning: tuning)
        default:
            return try tunedTwoStage(
                labelModel!, dataset: dataset, endModel: endModel, options: options, tuning: tuning)
        }
    }
}
