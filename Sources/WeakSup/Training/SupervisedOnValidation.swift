import Autodiff
import Foundation
import NN

/// The honest baseline (the WeaSEL paper's "Sup. (Val. set)"; Zhu et al., ACL 2023): the same end
/// model trained on the small labeled validation split alone, with the same tuning budget as the
/// weakly supervised methods. Its learning rate and weight decay (coordinate-wise over the tuning
/// grid) and its epoch count are chosen by k-fold cross-validation inside the validation split — the
/// configuration and epoch with the best mean held-out score — and its binary threshold on the
/// folds' out-of-fold predictions; the final model is trained on every validation row. The test
/// split is used only for the final evaluation.
public func runSupervisedOnValidation(
    dataset: WeakDataset, endModel spec: EndModelSpec = .defaultMLP, options: TrainingOptions = TrainingOptions(),
    tuning: TuningGrid = .fixed
) throws -> PipelineResult {
    let splits = try ValidationFolds(
        dataset, purpose: "the supervised-valid baseline", folds: tuning.folds, seed: options.seed)
    let labels = splits.labels
    let testLabels = try dataset.goldLabels(.test, for: "evaluation")
    let (c, n, folds) = (dataset.classCount, labels.count, splits.count)
    let inputs = try spec.inputs(dataset.valid, dtype: options.dtype)
    let targets = Tensor.oneHot(labels, classCount: c, dtype: options.dtype)
    let metric = splits.metric

    /// One configuration's cross-validation: the mean held-out score per epoch and the out-of-fold
    /// probabilities of each fold's early-stopped model.
    func crossValidate(_ candidate: TrainingOptions) throws -> (score: Double, epochs: Int, outOfFold: [Double]) {
        // Every fold keeps about the same number of rows, so one step budget serves them all.
        var foldOptions = ValidationFolds.stepBudget(candidate, rowCount: n - n / folds)
        foldOptions.tuneThreshold = false
        foldOptions.progress = nil
        foldOptions.validationMetric = metric
        var histories: [[Double]] = []
        var outOfFold = [Double](repeating: 0, count: n * c)
        for k in 0..<folds {
            let (heldOut, kept) = splits.split(k)
            let model = try spec.makeModel(for: dataset, seed: candidate.seed &+ UInt64(k + 1), dtype: candidate.dtype)
            let report = try trainEndModel(
                model, inputs: inputs.gatheringRows(kept), targets: targets.gatheringRows(kept),
                validationInputs: inputs.gatheringRows(heldOut), validationLabels: heldOut.map { labels[$0] },
                options: foldOptions)
            histories.append(report.validationHistory)
            scatter(
                model.predictProbabilities(inputs.gatheringRows(heldOut)).converted(to: .float64), rows: heldOut,
                into: &outOfFold)
        }
        let common = histories.map(\.count).min() ?? 1
        let meanScore = (0..<common).map { e in histories.reduce(0) { $0 + $1[e] } / Double(folds) }
        let best = meanScore.indices.max { meanScore[$0] < meanScore[$1] } ?? 0
        return (meanScore[best], best + 1, outOfFold)
    }

    let (chosen, validation) = try coordinateSearch(
        start: options,
        coordinates: [
            coordinate("lr", tuning.learningRates, \.learningRate),
            coordinate("weight decay", tuning.weightDecays, \.weightDecay),
        ], report: options.tuningReport
    ) { candidate in
        let result = try crossValidate(candidate)
        return (result.score, result)
    }
    options.progress?(
        "supervised-valid: \(folds)-fold CV chose lr \(chosen.learningRate), weight decay \(chosen.weightDecay), "
            + "\(validation.epochs) epochs (mean held-out \(metric.rawValue) \(String(format: "%.4f", validation.score)))"
    )

    let model = try spec.makeModel(for: dataset, seed: chosen.seed, dtype: chosen.dtype)
    let runEpoch = epochRunner(model, inputs: inputs, targets: targets, sampleWeights: nil, options: chosen)
    var generator = SeededGenerator(seed: chosen.seed &+ 0x7A11)
    for epoch in 1...validation.epochs {
        model.train()
        do { try runEpoch(&generator, StepCounter()) } catch let error as NonFiniteLoss {
            throw PipelineError.trainingDiverged(epoch: epoch, step: error.step, loss: error.value)
        }
    }
    model.eval()
    let threshold = outOfFoldThreshold(validation.outOfFold, labels: labels, classCount: c, tune: chosen.tuneThreshold)
    let report = TrainingReport(
        epochsRun: validation.epochs, bestEpoch: validation.epochs, validationMetric: metric,
        bestValidationScore: validation.score, threshold: threshold, validationHistory: [])
    let test = evaluate(
        model, inputs: try spec.inputs(dataset.test, dtype: chosen.dtype), labels: testLabels, threshold: threshold)
    var result = PipelineResult(model: model, report: report, test: test, trainingRows: [], targets: targets)
    result.configuration = MethodConfiguration(options: chosen)
    result.configuration.validationEpochs = validation.epochs
    return result
}
