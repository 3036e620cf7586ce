import WeakSup

/// Options shared by the commands that train end models.
let endModelOptions: [OptionSpec] = [
    dataOption,
    .choice(
        "model", of: EndModelSpec.Kind.self, help: "end model: MLP 50-50-25 on features, or bi-LSTM on tokens",
        default: .mlp),
    seedOption(help: "random seed (initialization, shuffling, label model)"),
    .value(
        "epochs", placeholder: "E", help: "maximum epochs (early stopping on validation)",
        default: "\(TrainingOptions().maxEpochs)"),
    .value(
        "patience", placeholder: "P", help: "epochs without validation improvement before stopping",
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

/// Training options from `endModelOptions`; progress on stderr unless `--quiet`, warnings always.
func trainingOptions(_ arguments: ParsedArguments) throws -> TrainingOptions {
    var options = TrainingOptions()
    let positive = { (value: Int) in value >= 1 }
    options.seed = try arguments.value("seed", as: UInt64.self) ?? options.seed
    options.maxEpochs =
        try arguments.value("epochs", as: Int.self, where: positive, expected: "a positive integer")
        ?? options.maxEpochs
    options.patience =
        try arguments.value("patience", as: Int.self, where: positive, expected: "a positive integer")
        ?? options.patience
    options.checkpoints =
        try arguments.value("checkpoints", as: Int.self, where: { $0 >= 0 }, expected: "a non-negative integer")
        ?? options.checkpoints
    options.progress = progressPrinter(arguments)
    options.warning = { printError("warning: \($0)") }
    return options
}

func endModelSpec(_ arguments: ParsedArguments) throws -> EndModelSpec {
    (try arguments.value("model", as: EndModelSpec.Kind.self) ?? .mlp).defaultSpec
}

/// WeaSEL's preset and ablation switches.
let weaselPresetOption = OptionSpec.choice(
    "preset", of: WeaselOptions.Preset.self, help: "WeaSEL defaults to start from", default: .official)
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
