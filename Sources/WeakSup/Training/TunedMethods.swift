import Autodiff

/// The end model trained with each learning rate of the grid (coordinate search over one
/// coordinate), keeping the best validation score; the result records the optimizer settings.
func searchLearningRate(
    _ options: TrainingOptions, _ tuning: TuningGrid, train: (TrainingOptions) throws -> PipelineResult
) throws -> PipelineResult {
    let (chosen, result) = try coordinateSearch(
        start: options, coordinates: [coordinate("lr", tuning.learningRates, \.learningRate)],
        report: options.tuningReport, labelled: { $0.labelled($1) }
    ) { candidate in
        let result = try train(candidate)
        return (result.report.bestValidationScore, result)
    }
    var tuned = result
    tuned.configuration = MethodConfiguration(options: chosen)
    return tuned
}

/// WeaSEL with its learning rate, τ₁, encoder input and class-conditional accuracies chosen
/// coordinate-wise on the validation split, and (when tuning) the validation class balance as its
/// class prior.
func tunedWeasel(
    dataset: WeakDataset, endModel: EndModelSpec, options: TrainingOptions, weasel: WeaselOptions, tuning: TuningGrid
) throws -> PipelineResult {
    var start = weasel
    if tuning.useValidationClassBalance { start.classBalance = try dataset.validationClassBalance() }
    struct State {
        var training: TrainingOptions
        var weasel: WeaselOptions
    }
    let (chosen, result) = try coordinateSearch(
        start: State(training: options, weasel: start),
        coordinates: [
            coordinate("objective", tuning.objectives, \State.weasel.objective),
            coordinate("lr", tuning.learningRates, \State.training.learningRate),
            coordinate("τ₁", tuning.inverseTemperatures, \State.weasel.inverseTemperature),
            coordinate("encoder input", tuning.encoderInputs, \State.weasel.encoderInput),
            coordinate("class-conditional", tuning.classConditional, \State.weasel.classConditional),
        ], report: options.tuningReport,
        labelled: { state, label in State(training: state.training.labelled(label), weasel: state.weasel) }
    ) { state in
        let result = try trainWeasel(
            dataset: dataset, endModel: endModel, options: state.weasel, training: state.training
        )
        .pipelineResult(dataset: dataset)
        return (result.report.bestValidationScore, result)
    }
    var tuned = result
    tuned.configuration = MethodConfiguration(options: chosen.training)
    tuned.configuration.objective = chosen.weasel.objective
    tuned.configuration.inverseTemperature = chosen.weasel.inverseTemperature
    tuned.configuration.encoderInput = chosen.weasel.encoderInput
    tuned.configuration.classConditional = chosen.weasel.classConditional
    tuned.configuration.classBalance = chosen.weasel.classBalance
    return tuned
}

/// A two-stage method: the label model (given the validation class balance when tuning; Snorkel's
/// learning rate and epochs chosen by its soft labels' validation score), then the end model with
/// its learning rate chosen on validation.
func tunedTwoStage(
    _ kind: LabelModelKind, dataset: WeakDataset, endModel: EndModelSpec, options: TrainingOptions, tuning: TuningGrid
) throws -> PipelineResult {
    let balance = tuning.useValidationClassBalance ? try dataset.validationClassBalance() : nil
    let labelModel = try tunedLabelModel(
        kind, dataset: dataset, classBalance: balance, options: options, tuning: tuning)
    var result = try searchLearningRate(options, tuning) { candidate in
        try trainOnLabelModel(dataset: dataset, labelModel: labelModel, endModel: endModel, options: candidate)
    }
    result.configuration.classBalance = balance
    if let snorkel = labelModel as? SnorkelLabelModel {
        result.configuration.labelModelLearningRate = snorkel.learningRate
        result.configuration.labelModelEpochs = snorkel.epochs
    }
    return result
}

/// The label model of `kind` fitted on the training votes; for Snorkel's, the learning rate and
/// epochs of the grid whose soft labels score best on the validation votes and labels.
func tunedLabelModel(
    _ kind: LabelModelKind, dataset: WeakDataset, classBalance: [Double]?, options: TrainingOptions, tuning: TuningGrid
) throws -> LabelModel {
    func fit(learningRate: Double?, epochs: Int?) throws -> LabelModel {
        let model = kind.make(seed: options.seed, classBalance: classBalance, warning: options.warning)
        if let snorkel = model as? SnorkelLabelModel {
            if let learningRate { snorkel.learningRate = learningRate }
            if let epochs { snorkel.epochs = epochs }
        }
        try model.fit(labelMatrix: dataset.train.labelMatrix, classCount: dataset.classCount)
        return model
    }
    guard kind == .snorkel, tuning.labelModelLearningRates != nil || tuning.labelModelEpochs != nil else {
        return try fit(learningRate: nil, epochs: nil)
    }
    let labels = try dataset.goldLabels(.valid, for: "tuning the label model")
    let metric = ValidationMetric.choose(labels: labels, classCount: dataset.classCount)
    let start = SnorkelLabelModel()
    let (_, model) = try coordinateSearch(
        start: (start.learningRate, start.epochs),
        coordinates: [
            SearchCoordinate(
                name: "label-model lr",
                candidates: { state in
                    (tuning.labelModelLearningRates ?? []).filter { $0 != state.0 }.map { ($0, state.1) }
                }, value: { "\($0.0)" }),
            SearchCoordinate(
                name: "label-model epochs",
                candidates: { state in (tuning.labelModelEpochs ?? []).filter { $0 != state.1 }.map { (state.0, $0) } },
                value: { "\($0.1)" }),
        ], report: options.tuningReport
    ) { state in
        let model = try fit(learningRate: state.0, epochs: state.1)
        let score = metric.score(probabilities: model.predictProbabilities(dataset.valid.labelMatrix), labels: labels)
        return (score.isFinite ? score : -.infinity, model)
    }
    return model
}
