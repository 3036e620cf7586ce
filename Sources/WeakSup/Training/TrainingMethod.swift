/// How the end model's training labels are made — the methods `weasel train` and `weasel compare`
/// run, spelled as the CLI and model files spell them.
public enum TrainingMethod: String, CaseIterable, Codable, Sendable {
    /// WeaSEL: the end model trained jointly with an encoder of the LF votes (no label model).
    case weasel
    /// Two-stage pipelines: a label model's soft labels, then the end model.
    case majority
    case dawidSkene = "dawid-skene"
    case snorkel
    /// The ceiling: the end model trained on the gold training labels.
    case supervised
    /// The honest baseline: the end model trained on the labeled validation split alone.
    case supervisedValid = "supervised-valid"

    /// The label model of a two-stage method.
    public var labelModel: LabelModelKind? {
        switch self {
        case .majority: return .majority
        case .dawidSkene: return .dawidSkene
        case .snorkel: return .snorkel
        case .weasel, .supervised, .supervisedValid: return nil
        }
    }

    /// Whether the labels come from LF votes (as opposed to gold labels).
    public var isWeaklySupervised: Bool { self == .weasel || labelModel != nil }

    /// Whether the end model is trained on the validation split rather than on training rows.
    public var trainsOnValidation: Bool { self == .supervisedValid }

    /// Trains the end model with this method and evaluates it on the test split.
    /// - Parameter weasel: WeaSEL's options (used by `.weasel` only).
    public func run(
        dataset: WeakDataset, endModel: EndModelSpec = .defaultMLP, options: TrainingOptions = TrainingOptions(),
        weasel: WeaselOptions = .default
    ) throws -> PipelineResult {
        switch self {
        case .weasel:
            return try trainWeasel(dataset: dataset, endModel: endModel, options: weasel, training: options)
                .pipelineResult(dataset: dataset)
        case .supervised:
            return try runSupervised(dataset: dataset, endModel: endModel, options: options)
        case .supervisedValid:
            return try runSupervisedOnValidation(dataset: dataset, endModel: endModel, options: options)
        case .majority, .dawidSkene, .snorkel:
            return try runTwoStage(
                dataset: dataset, labelModel: labelModel!.make(seed: options.seed, warning: options.warning),
                endModel: endModel, options: options)
        }
    }
}
