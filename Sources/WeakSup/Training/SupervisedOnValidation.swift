import Autodiff
import Foundation
import NN

/// The honest baseline (the WeaSEL paper's "Sup. (Val. set)"; Zhu et al., ACL 2023): the same end
/// model trained on the small labeled validation split alone. Its epoch count is chosen by
/// `folds`-fold cross-validation inside the validation split — the epoch with the best mean
/// held-out score — and its binary threshold on the folds' out-of-fold predictions; test data is
/// used only for the final evaluation.
public func runSupervisedOnValidation(
    dataset: WeakDataset, endModel spec: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions(), folds: Int = 5
) throws -> PipelineResult {
    let labels = try dataset.goldLabels(.valid, for: "the supervised-valid baseline")
    let testLabels = try dataset.goldLabels(.test, for: "evaluation")
    let c = dataset.classCount
    let n = labels.count
    guard n >= 2 * folds else {
        throw PipelineError.tooFewRows(
            split: .valid, count: n, needed: 2 * folds, purpose: "\(folds)-fold cross-validation")
    }
    let inputs = try spec.inputs(dataset.valid, dtype: options.dtype)
    let targets = Tensor.oneHot(labels, classCount: c, dtype: options.dtype)
    var generator = SeededGenerator(seed: options.seed &+ 0xF01D)
    var order = Array(0..<n)
    order.seededShuffle(using: &generator)
    // Stratified folds: the rows of each class are dealt out in turn, so every fold has every class
    // that has at least `folds` rows; one metric for all folds (cross-entropy when a class is rarer).
    var seen = [Int](repeating: 0, count: c)
    var foldOf = [Int](repeating: 0, count: n)
    for i in order {
        foldOf[i] = seen[labels[i]] % folds
        seen[labels[i]] += 1
    }
    var foldOptions = options
    foldOptions.tuneThreshold = false
    foldOptions.progress = nil
    foldOptions.validationMetric =
        seen.allSatisfy { $0 >= folds } ? ValidationMetric.choose(labels: labels, classCount: c) : .negativeCrossEntropy
    var histories: [[Double]] = []
    var outOfFold = [Double](repeating: 0, count: n * c)
    for k in 0..<folds {
        let heldOut = order.filter { foldOf[$0] == k }
        let kept = order.filter { foldOf[$0] != k }
        let model = try spec.makeModel(for: dataset, seed: options.seed &+ UInt64(k + 1), dtype: options.dtype)
        let report = try trainEndModel(
            model, inputs: inputs.gatheringRows(kept), targets: targets.gatheringRows(kept),
            validationInputs: inputs.gatheringRows(heldOut), validationLabels: heldOut.map { labels[$0] },
            options: foldOptions)
        histories.append(report.validationHistory)
        let p = model.predictProbabilities(inputs.gatheringRows(heldOut)).scalars
        for (r, i) in heldOut.enumerated() { for j in 0..<c { outOfFold[i * c + j] = p[r * c + j] } }
    }
    let commonEpochs = histories.map(\.count).min() ?? 1
    let meanScore = (0..<commonEpochs).map { e in histories.reduce(0) { $0 + $1[e] } / Double(folds) }
    let epochs = (meanScore.indices.max { meanScore[$0] < meanScore[$1] } ?? 0) + 1
    options.progress?(
        "supervised-valid: \(folds)-fold CV chose \(epochs) epochs (mean held-out score \(String(format: "%.4f", meanScore[epochs - 1])))"
    )

    let model = try spec.makeModel(for: dataset, seed: options.seed, dtype: options.dtype)
    let runEpoch = epochRunner(model, inputs: inputs, targets: targets, sampleWeights: nil, options: options)
    var trainingGenerator = SeededGenerator(seed: options.seed &+ 0x7A11)
    for epoch in 1...epochs {
        model.train()
        do { try runEpoch(&trainingGenerator, StepCounter()) } catch let error as NonFiniteLoss {
            throw PipelineError.trainingDiverged(epoch: epoch, step: error.step, loss: error.value)
        }
    }
    model.eval()
    var threshold: Double?
    if c == 2 {
        threshold =
            options.tuneThreshold
            ? Metrics.bestF1Threshold(scores: (0..<n).map { outOfFold[$0 * 2 + 1] }, labels: labels).threshold : 0.5
    }
    let report = TrainingReport(
        epochsRun: epochs, bestEpoch: epochs, validationMetric: foldOptions.validationMetric!,
        bestValidationScore: meanScore[epochs - 1],
        threshold: threshold, validationHistory: meanScore)
    let test = evaluate(
        model, inputs: try spec.inputs(dataset.test, dtype: options.dtype), labels: testLabels, threshold: threshold)
    return PipelineResult(model: model, report: report, test: test, trainingRows: [], targets: targets)
}
