import Autodiff
import Foundation
import NN

/// A weakly supervised end model fine-tuned on the clean validation labels (the `+ft` methods;
/// Zhu et al., ACL 2023: continuing to train on the clean labels is what makes weak supervision pay).
/// The number of fine-tuning epochs (0 allowed: the weak model as it is) is chosen by stratified
/// k-fold cross-validation inside the validation split — on each fold a copy of the weak model is
/// fine-tuned on the other folds and scored on the held-out one after every epoch — and the binary
/// threshold on the out-of-fold probabilities at that epoch; the fine-tuning learning rate is the
/// weak model's or one of the tuning grid's, whichever cross-validates best. The final model is the
/// weak model fine-tuned on every validation row for that many epochs at that rate. The test split
/// is used only for the final evaluation.
func fineTuneOnValidation(
    _ base: PipelineResult, dataset: WeakDataset, endModel spec: EndModelSpec, options: TrainingOptions,
    tuning: TuningGrid
) throws -> PipelineResult {
    let splits = try ValidationFolds(
        dataset, purpose: "fine-tuning on the validation labels", folds: tuning.folds, seed: options.seed &+ 0xF7)
    let labels = splits.labels
    let testLabels = try dataset.goldLabels(.test, for: "evaluation")
    let (c, n, folds) = (dataset.classCount, labels.count, splits.count)
    var settings = base.configuration.applied(to: options)
    settings.progress = nil
    let inputs = try spec.inputs(dataset.valid, dtype: settings.dtype)
    let targets = Tensor.oneHot(labels, classCount: c, dtype: settings.dtype)
    let metric = splits.metric

    /// Cross-validated fine-tuning at one learning rate: per fold, a copy of the weak model is
    /// fine-tuned on the other folds and scored on the held-out one after 0, 1, 2, … epochs (until
    /// `patience` epochs bring no improvement or `maxEpochs` is reached, both counted in passes of
    /// at least `ValidationFolds.minimumBatchesPerEpoch` minibatches).
    func crossValidate(_ candidate: TrainingOptions) throws -> (score: Double, epochs: Int, outOfFold: [Double]) {
        var scores: [[Double]] = []
        var probabilities: [[Tensor]] = []
        for k in 0..<folds {
            let (heldOut, kept) = splits.split(k)
            let model = try copyOfModel(base.model)
            let runEpoch = epochRunner(
                model, inputs: inputs.gatheringRows(kept), targets: targets.gatheringRows(kept), sampleWeights: nil,
                options: candidate)
            var generator = SeededGenerator(seed: candidate.seed &+ UInt64(0xF7 + k))
            var foldScores: [Double] = []
            var foldProbabilities: [Tensor] = []
            let budget = ValidationFolds.stepBudget(candidate, rowCount: kept.count)
            func record() {
                model.eval()
                let p = model.predictProbabilities(inputs.gatheringRows(heldOut)).converted(to: .float64)
                foldScores.append(metric.score(probabilities: p, labels: heldOut.map { labels[$0] }))
                foldProbabilities.append(p)
            }
            record()
            while foldScores.count <= budget.maxEpochs,
                foldScores.count - 1 - (foldScores.indices.max { foldScores[$0] < foldScores[$1] } ?? 0)
                    < budget.patience
            {
                model.train()
                try runEpoch(&generator, StepCounter())
                record()
            }
            scores.append(foldScores)
            probabilities.append(foldProbabilities)
        }
        let common = scores.map(\.count).min() ?? 1
        let meanScore = (0..<common).map { e in scores.reduce(0) { $0 + $1[e] } / Double(folds) }
        let epochs = meanScore.indices.max { meanScore[$0] < meanScore[$1] } ?? 0
        var outOfFold = [Double](repeating: 0, count: n * c)
        for k in 0..<folds {
            scatter(probabilities[k][epochs], rows: splits.split(k).heldOut, into: &outOfFold)
        }
        return (meanScore[epochs], epochs, outOfFold)
    }
    // The learning rate (the weak model's first, then the grid's) with the best cross-validated score.
    let (chosen, validation) = try coordinateSearch(
        start: settings,
        coordinates: [coordinate("fine-tuning lr", tuning.learningRates, \.learningRate)], report: options.tuningReport
    ) { candidate in
        let result = try crossValidate(candidate)
        return (result.score, result)
    }
    settings = chosen
    let (epochs, outOfFold) = (validation.epochs, validation.outOfFold)
    options.progress?(
        "fine-tuning: \(folds)-fold CV chose \(epochs) epochs at lr \(chosen.learningRate) on the validation labels "
            + "(mean held-out \(metric.rawValue) \(String(format: "%.4f", validation.score)))")

    let model = try copyOfModel(base.model)
    let runEpoch = epochRunner(model, inputs: inputs, targets: targets, sampleWeights: nil, options: settings)
    var generator = SeededGenerator(seed: settings.seed &+ 0xF7)
    for epoch in 0..<epochs {
        model.train()
        do { try runEpoch(&generator, StepCounter()) } catch let error as NonFiniteLoss {
            throw PipelineError.trainingDiverged(epoch: epoch + 1, step: error.step, loss: error.value)
        }
    }
    model.eval()
    let threshold = outOfFoldThreshold(outOfFold, labels: labels, classCount: c, tune: settings.tuneThreshold)
    var result = base
    result.model = model
    result.report = TrainingReport(
        epochsRun: epochs, bestEpoch: epochs, validationMetric: metric, bestValidationScore: validation.score,
        threshold: threshold, validationHistory: [])
    result.test = evaluate(
        model, inputs: try spec.inputs(dataset.test, dtype: settings.dtype), labels: testLabels, threshold: threshold)
    result.configuration.validationEpochs = epochs
    result.configuration.fineTuningLearningRate = chosen.learningRate
    return result
}
