import Autodiff
import Foundation
import NN

/// The two-stage pipeline: fit `labelModel` on the training votes, take the soft labels of the
/// covered training rows, train the end model on them (early stopping on validation), evaluate
/// on test.
public func runTwoStage(
    dataset: WeakDataset, labelModel: LabelModel, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions()
) throws -> PipelineResult {
    try labelModel.fit(labelMatrix: dataset.train.labelMatrix, classCount: dataset.classCount)
    return try trainOnLabelModel(dataset: dataset, labelModel: labelModel, endModel: endModel, options: options)
}

/// The second stage alone: the end model trained on a fitted label model's soft labels of the
/// covered training rows.
public func trainOnLabelModel(
    dataset: WeakDataset, labelModel: LabelModel, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions()
) throws -> PipelineResult {
    let covered = dataset.train.labelMatrix.coveredRows
    let soft = labelModel.predictProbabilities(dataset.train.labelMatrix.rows(covered))
    var result = try trainAndEvaluate(
        dataset: dataset, rows: covered, targets: soft, endModel: endModel, options: options)
    result.labelModel = labelModel
    return result
}

/// The supervised ceiling: the same end model trained on the gold training labels.
public func runSupervised(
    dataset: WeakDataset, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions()
) throws -> PipelineResult {
    let gold = try dataset.goldLabels(.train, for: "the supervised baseline")
    let targets = Tensor.oneHot(gold, classCount: dataset.classCount, dtype: .float64)
    return try trainAndEvaluate(
        dataset: dataset, rows: Array(0..<dataset.train.count), targets: targets, endModel: endModel, options: options)
}

/// Trains a fresh end model on `targets` for training `rows`, and evaluates it on test.
public func trainAndEvaluate(
    dataset: WeakDataset, rows: [Int], targets: Tensor, endModel: EndModelSpec,
    options: TrainingOptions
) throws -> PipelineResult {
    let validLabels = try dataset.goldLabels(.valid, for: "early stopping")
    let testLabels = try dataset.goldLabels(.test, for: "evaluation")
    // A convex end model is fitted to convergence in Float64; a network by Adam with early stopping.
    let dtype = endModel.isConvex ? .float64 : options.dtype
    let model = try endModel.makeModel(for: dataset, seed: options.seed, dtype: dtype)
    let inputs = try endModel.inputs(dataset.train, dtype: dtype).gatheringRows(rows)
    let validationInputs = try endModel.inputs(dataset.valid, dtype: dtype)
    let report =
        if endModel.isConvex, let linear = model as? MLP {
            trainConvexEndModel(
                linear, inputs: inputs, targets: targets, validationInputs: validationInputs,
                validationLabels: validLabels,
                options: options)
        } else {
            try trainEndModel(
                model, inputs: inputs, targets: targets, validationInputs: validationInputs,
                validationLabels: validLabels,
                options: options)
        }
    let test = evaluate(
        model, inputs: try endModel.inputs(dataset.test, dtype: dtype), labels: testLabels, threshold: report.threshold)
    return PipelineResult(model: model, report: report, test: test, trainingRows: rows, targets: targets)
}
