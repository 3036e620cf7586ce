import WeakSup

/// Options shared by the commands that train end models.
let endModelOptions: [OptionSpec] = [
    dataOption,
    .choice(
        "model", of: EndModelSpec.Kind.self, help: "end model: an MLP on features, or a bi-LSTM on tokens",
        default: .mlp),
    .value(
        "hidden", placeholder: "LIST",
        help:
            "hidden layer sizes of the MLP (the LSTM's readout); '' = none: logistic regression (default 50,50,25; LSTM 64,32)"
    ),
    .value("dropout", placeholder: "p", help: "dropout of the MLP's hidden layers (default 0.3)"),
    .flag(
        "standardize",
        help:
            "z-score the features with the training split's mean and deviation, inside the model (stored in its file; predict and influence apply it)"
    ),
    .value(
        "lr", placeholder: "η",
        help: "end-model learning rate (Adam); given, it is not tuned (default \(TrainingOptions().learningRate))"),
    .value(
        "weight-decay", placeholder: "λ",
        help: "L2 weight decay of the end model (default \(TrainingOptions().weightDecay))"),
    .value("batch-size", placeholder: "B", help: "minibatch size", default: "\(TrainingOptions().batchSize)"),
    seedOption(help: "random seed (initialization, shuffling, label model)"),
    .value(
        "epochs", placeholder: "E",
        help:
            "maximum epochs (early stopping on validation); by default also at most \(TrainingOptions().maxSteps!) minibatches, in whole epochs",
        default: "\(TrainingOptions().maxEpochs)"),
    .value(
        "patience", placeholder: "P",
        help:
            "epochs without validation improvement before stopping; by default also at most \(TrainingOptions().patienceSteps!) minibatches",
        default: "\(TrainingOptions().patience)"),
    .value(
        "checkpoints", placeholder: "K", help: "keep K end-model checkpoints (for TracIn); written with --out",
        default: "\(TrainingOptions().checkpoints)"),
    quietOption,
]

/// The end-model options minus some (commands that run over several seeds set their own).
func endModelOptions(excluding names: Set<String>) -> [OptionSpec] {
    endModelOptions.filter { !names.contains($0.name) }
}

/// Training options from `endModelOptions`; progress and tuning's choices on stderr unless `--quiet`,
/// warnings always.
func trainingOptions(_ arguments: ParsedArguments) throws -> TrainingOptions {
    var options = TrainingOptions()
    func read<T: ArgumentValue>(_ name: String, _ type: T.Type, _ valid: @escaping (T) -> Bool, _ expected: String)
        throws -> T?
    {
        try arguments.value(name, as: type, where: valid, expected: expected)
    }
    options.seed = try arguments.value("seed", as: UInt64.self) ?? options.seed
    options.maxEpochs = try read("epochs", Int.self, { $0 >= 1 }, "a positive integer") ?? options.maxEpochs
    options.patience = try read("patience", Int.self, { $0 >= 1 }, "a positive integer") ?? options.patience
    // Epochs given are passes over the rows: they lift the default's bound in minibatches.
    if arguments.isGiven("epochs") { options.maxSteps = nil }
    if arguments.isGiven("patience") { options.patienceSteps = nil }
    options.checkpoints =
        try read("checkpoints", Int.self, { $0 >= 0 }, "a non-negative integer") ?? options.checkpoints
    options.learningRate = try read("lr", Double.self, { $0 > 0 }, "a positive number") ?? options.learningRate
    options.weightDecay =
        try read("weight-decay", Double.self, { $0 >= 0 }, "a non-negative number") ?? options.weightDecay
    options.batchSize = try read("batch-size", Int.self, { $0 >= 2 }, "an integer of at least 2") ?? options.batchSize
    options.progress = progressPrinter(arguments)
    if options.progress != nil { options.tuningReport = { StatusLine.shared.permanent($0) } }
    options.warning = { printError("warning: \($0)") }
    return options
}

/// The end model of `--model`, `--hidden` and `--dropout`.
func endModelSpec(_ arguments: ParsedArguments) throws -> EndModelSpec {
    var hidden: [Int]?
    if let text = try arguments.value("hidden", as: String.self), !text.isEmpty {
        hidden = try text.split(separator: ",", omittingEmptySubsequences: false).map { item -> Int in
            guard let size = Int(item), size >= 1 else {
                throw CLIError.usage(
                    "--hidden expects comma-separated positive layer sizes ('' for none), got '\(text)'")
            }
            return size
        }
    } else if arguments.values["hidden"] != nil {
        hidden = []
    }
    let dropout = try arguments.value(
        "dropout", as: Double.self, where: { (0..<1).contains($0) }, expected: "a probability in [0, 1)")
    switch try arguments.value("model", as: EndModelSpec.Kind.self) ?? .mlp {
    case .mlp:
        return .mlp(
            hiddenSizes: hidden ?? [50, 50, 25], dropout: dropout ?? 0.3, standardize: arguments.flag("standardize"))
    case .lstm:
        guard !arguments.flag("standardize") else {
            throw CLIError.usage("--standardize scales the MLP's features; the LSTM reads tokens")
        }
        return .lstm(readoutSizes: hidden ?? [64, 32])
    }
}

/// Features this far from unit scale stall the default network: at |x| ~ 1e6 a synthetic task's
/// test ROC-AUC fell from 0.94 to 0.74, at 1e30 to chance; at 1e3 it still trained (0.93).
let featureScaleWarningLimit: Float = 1e4

/// Warns on stderr when an MLP without `--standardize` would read features beyond
/// `featureScaleWarningLimit` in absolute value (the network trains, but may learn nothing).
func warnAboutFeatureScale(_ dataset: WeakDataset, _ spec: EndModelSpec) {
    if let warning = featureScaleWarning(dataset, spec) { printError("warning: " + warning) }
}

/// `warnAboutFeatureScale`'s line, or nil when the features are fine for the end model.
func featureScaleWarning(_ dataset: WeakDataset, _ spec: EndModelSpec) -> String? {
    guard spec.kind == .mlp, !spec.standardizesFeatures, let features = dataset.train.features else { return nil }
    let d = features.shape[1]
    var (largest, column) = (Float(0), 0)
    for (index, value) in features.floats.enumerated() where abs(value) > largest {
        (largest, column) = (abs(value), index % d)
    }
    guard largest > featureScaleWarningLimit else { return nil }
    return "training feature \(column) reaches |x| = \(String(format: "%.3g", Double(largest))), far beyond the "
        + "unit scale the network's initialization and learning rate assume: it may learn nothing; "
        + "--standardize z-scores the features inside the model"
}

/// WeaSEL's preset and ablation switches.
let weaselPresetOption = OptionSpec.choice(
    "preset", of: WeaselOptions.Preset.self,
    help: "WeaSEL defaults to start from (mig: the official settings with Max-MIG's objective)", default: .official)
let weaselOptionSpecs: [OptionSpec] = [
    weaselPresetOption,
    .choice("encoder-input", of: WeaselOptions.EncoderInput.self, help: "ablation: what the encoder sees"),
    .flag("linear-encoder", help: "ablation: a single linear layer as encoder"),
    .choice("accuracy", of: WeaselOptions.AccuracyFunction.self, help: "ablation: accuracy function"),
    .value("tau1", placeholder: "T", help: "ablation: inverse temperature before the softmax"),
    .choice("tau2", of: WeaselOptions.AccuracyScale.self, help: "ablation: accuracy scale"),
    .choice("loss", of: WeaselOptions.Objective.self, help: "ablation: training objective"),
    .choice("class-conditional", of: Switch.self, help: "ablation: accuracies per class (m×C) or per LF (m)"),
]

/// WeaSEL's options: the preset, then each ablation switch that was given.
func weaselOptions(_ arguments: ParsedArguments) throws -> WeaselOptions {
    var options = WeaselOptions(preset: try arguments.value("preset", as: WeaselOptions.Preset.self) ?? .official)
    if let input = try arguments.value("encoder-input", as: WeaselOptions.EncoderInput.self) {
        options.encoderInput = input
    }
    if arguments.flag("linear-encoder") { options.linearEncoder = true }
    if let accuracy = try arguments.value("accuracy", as: WeaselOptions.AccuracyFunction.self) {
        options.accuracyFunction = accuracy
    }
    if let tau1 = try arguments.value("tau1", as: Double.self, where: { $0 > 0 }, expected: "a positive number") {
        options.inverseTemperature = tau1
    }
    if let scale = try arguments.value("tau2", as: WeaselOptions.AccuracyScale.self) { options.accuracyScale = scale }
    if let objective = try arguments.value("loss", as: WeaselOptions.Objective.self) { options.objective = objective }
    if let classConditional = try arguments.value("class-conditional", as: Switch.self) {
        options.classConditional = classConditional.isOn
    }
    return options
}

/// `--no-tune`: every method with its fixed defaults instead of the validation-driven search.
let noTuneOption = OptionSpec.flag(
    "no-tune",
    help:
        "use the fixed defaults instead of choosing each method's settings on the validation split (lr, WeaSEL's τ₁, …)"
)

/// The tuning grid: the library's, minus every coordinate an option given on the command line
/// fixes (`--lr`, `--weight-decay`, `--tau1`, `--loss` or `--preset`, `--encoder-input`,
/// `--class-conditional`); `TuningGrid.fixed` with `--no-tune`. A default is not a choice: it
/// used to count as one for `--preset`, which has a default, so the objective was never searched.
func tuningGrid(_ arguments: ParsedArguments) -> TuningGrid {
    guard !arguments.flag("no-tune") else { return .fixed }
    var grid = TuningGrid()
    if arguments.isGiven("lr") { grid.learningRates = nil }
    if arguments.isGiven("weight-decay") { grid.weightDecays = nil }
    if arguments.isGiven("tau1") { grid.inverseTemperatures = nil }
    if arguments.isGiven("loss") || arguments.isGiven("preset") { grid = grid.keepingObjective }
    if arguments.isGiven("encoder-input") { grid.encoderInputs = nil }
    if arguments.isGiven("class-conditional") { grid.classConditional = nil }
    return grid
}
