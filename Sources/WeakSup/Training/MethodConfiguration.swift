/// What a method was trained with — the settings validation-driven tuning may choose — as model
/// files record it and `compare` reports it. Fields a method does not use stay nil.
public struct MethodConfiguration: Codable, Equatable, Sendable {
    /// The end model's optimizer settings.
    public var learningRate: Double?
    public var weightDecay: Double?
    public var batchSize: Int?
    public var maxEpochs: Int?
    public var patience: Int?
    /// The bounds of `maxEpochs` and `patience` in minibatches (`TrainingOptions.maxSteps`); nil
    /// where the epochs are recorded is no bound (as for model files written before there were any).
    public var maxSteps: Int?
    public var patienceSteps: Int?
    /// WeaSEL: the objective, τ₁, what the encoder sees, class-conditional accuracies.
    public var objective: WeaselOptions.Objective?
    public var inverseTemperature: Double?
    public var encoderInput: WeaselOptions.EncoderInput?
    public var classConditional: Bool?
    /// Snorkel's label model: its learning rate and epochs.
    public var labelModelLearningRate: Double?
    public var labelModelEpochs: Int?
    /// The class balance given to the label model or WeaSEL's prior (from the validation labels).
    public var classBalance: [Double]?
    /// Epochs on the validation labels: `supervised-valid`'s training, `+ft`'s fine-tuning.
    public var validationEpochs: Int?
    /// `+ft`: the learning rate of the fine-tuning.
    public var fineTuningLearningRate: Double?
    /// `logreg-valid`: the inverse L2 strength C.
    public var inverseRegularization: Double?

    public init() {}

    /// The optimizer settings of `options`.
    public init(options: TrainingOptions) {
        learningRate = options.learningRate
        weightDecay = options.weightDecay
        batchSize = options.batchSize
        maxEpochs = options.maxEpochs
        patience = options.patience
        maxSteps = options.maxSteps
        patienceSteps = options.patienceSteps
    }

    /// `options` with this configuration's optimizer settings.
    public func applied(to options: TrainingOptions) -> TrainingOptions {
        var result = options
        if let learningRate { result.learningRate = learningRate }
        if let weightDecay { result.weightDecay = weightDecay }
        if let batchSize { result.batchSize = batchSize }
        if let maxEpochs {
            result.maxEpochs = maxEpochs
            result.maxSteps = maxSteps
        }
        if let patience {
            result.patience = patience
            result.patienceSteps = patienceSteps
        }
        return result
    }

    /// The choices in a line: `lr 0.0001, τ₁ 0.5, encoder features+raw, …`.
    public var summary: String {
        var parts: [String] = []
        if let learningRate { parts.append("lr \(learningRate)") }
        if let weightDecay { parts.append("weight decay \(weightDecay)") }
        if let objective { parts.append("objective \(objective.rawValue)") }
        if let inverseTemperature { parts.append("τ₁ \(inverseTemperature)") }
        if let encoderInput { parts.append("encoder \(encoderInput.rawValue)") }
        if let classConditional { parts.append("class-conditional \(classConditional ? "on" : "off")") }
        if let labelModelLearningRate { parts.append("label-model lr \(labelModelLearningRate)") }
        if let labelModelEpochs { parts.append("label-model epochs \(labelModelEpochs)") }
        if let validationEpochs { parts.append("epochs on valid \(validationEpochs)") }
        if let fineTuningLearningRate { parts.append("fine-tuning lr \(fineTuningLearningRate)") }
        if let inverseRegularization { parts.append("C \(inverseRegularization)") }
        if let classBalance {
            parts.append(
                "class balance [" + classBalance.map { String(format: "%.3f", $0) }.joined(separator: ", ") + "]")
        }
        return parts.joined(separator: ", ")
    }
}
