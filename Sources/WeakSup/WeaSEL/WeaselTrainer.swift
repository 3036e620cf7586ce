import Autodiff
import Foundation
import NN

/// What WeaSEL training produced.
public struct WeaselResult {
    public var endModel: any Layer
    /// The trained encoder; `encoder.encode(...)` gives θ and y_e for any row with votes.
    public var encoder: WeaselEncoder
    public var report: TrainingReport
    public var test: Evaluation
    /// The training rows used (those with at least one vote).
    public var trainingRows: [Int]

    /// The result in the form every method returns: the end model's targets are the frozen
    /// encoder's soft labels of the training rows (the labels influence functions attribute).
    public func pipelineResult(dataset: WeakDataset) -> PipelineResult {
        let softLabels = encoder.softLabels(
            features: dataset.train.features?.gatheringRows(trainingRows),
            labelMatrix: dataset.train.labelMatrix.rows(trainingRows))
        return PipelineResult(
            model: endModel, report: report, test: test, trainingRows: trainingRows, targets: softLabels,
            encoder: encoder)
    }
}

/// Trains an end model straight from LF votes with WeaSEL (Cachay et al., NeurIPS 2021,
/// Algorithm 1): for each minibatch the encoder turns (x, votes) into sample-wise LF accuracies θ
/// and soft labels `y_e = softmax(θᵀλ̄)`; the end model f learns from `sg(y_e)` and the encoder
/// from `sg(softmax f(x))` (symmetric cross-entropy by default), each with its own Adam. Rows
/// without any vote are dropped. Early stopping on the end model's validation ROC-AUC (binary) or
/// accuracy keeps the best weights of both networks; the binary threshold is tuned on validation F1.
public func trainWeasel(
    dataset: WeakDataset, endModel spec: EndModelSpec = .defaultMLP,
    options: WeaselOptions = .default, training: TrainingOptions = TrainingOptions()
) throws -> WeaselResult {
    let validLabels = try dataset.goldLabels(.valid, for: "early stopping")
    let testLabels = try dataset.goldLabels(.test, for: "evaluation")
    let (m, c, dtype) = (dataset.lfCount, dataset.classCount, training.dtype)
    guard m >= 1 else { throw PipelineError.noLabelingFunctions }
    let rows = dataset.train.labelMatrix.coveredRows
    guard rows.count >= 2 else { throw PipelineError.tooFewCoveredRows(count: rows.count, needed: 2) }
    let votes = dataset.train.labelMatrix.rows(rows)

    var generator = SeededGenerator(seed: training.seed)
    let endModel = try spec.makeModel(for: dataset, seed: generator.next(), dtype: dtype)
    let encoder = WeaselEncoder(
        options: options, featureCount: dataset.featureCount, lfCount: m, classCount: c,
        standardizesFeatures: spec.standardizesFeatures, dtype: dtype, using: &generator)
    if let features = dataset.train.features { encoder.network.inputStandardization?.fit(features) }
    // Batches are gathered from the full split (training row k is split row `rows[k]`), and the
    // encoder's vote inputs are built per batch from the byte votes: nothing of size N is copied.
    let inputs = try spec.inputs(dataset.train, dtype: dtype)
    let features = dataset.train.features?.converted(to: dtype)
    let prior = options.classBalance ?? Array(repeating: 1 / Double(c), count: c)

    let encoderParameters = encoder.parameters
    let endParameters = endModel.parameters
    let encoderOptimizer = Adam(
        parameters: encoderParameters, learningRate: options.encoderLearningRate,
        weightDecay: options.encoderWeightDecay)
    let endOptimizer = Adam(
        parameters: endParameters, learningRate: training.learningRate, weightDecay: training.weightDecay)

    /// A minibatch's inputs to both networks, built once per batch: the official order runs the
    /// networks on the same batch twice.
    typealias BatchInputs = (encoder: Tensor, votes: LabelMatrix, oneHotVotes: Tensor, end: Tensor)
    func batchInputs(_ batch: [Int]) -> BatchInputs {
        let splitRows = batch.map { rows[$0] }
        let batchVotes = votes.rows(batch)
        return (
            encoder.makeInput(features: features?.gatheringRows(splitRows), labelMatrix: batchVotes, dtype: dtype),
            batchVotes, WeaselEncoder.classMajorVotes(batchVotes, classCount: c, dtype: dtype),
            inputs.gatheringRows(splitRows)
        )
    }

    /// The objective on a batch. `recording` nil records both networks' graphs (the joint step);
    /// otherwise only that network's: the other one's output reaches the loss but none of the
    /// stepped network's parameters through it, so its graph would be built and never used.
    func batchLoss(_ x: BatchInputs, recording: Module? = nil) -> Tensor {
        func maybeRecorded(_ network: Module, _ output: () -> Tensor) -> Tensor {
            recording == nil || recording === network ? output() : withoutGradients(output)
        }
        let s = maybeRecorded(encoder) {
            encoder.scores(accuracies: encoder.accuracies(x.encoder, labelMatrix: x.votes), votes: x.oneHotVotes)
        }
        let logits = maybeRecorded(endModel) { endModel(x.end) }
        return options.objective.loss(encoderScores: s, endLogits: logits, classPrior: prior)
    }

    let report = try trainWithEarlyStopping(
        modules: [endModel, encoder], endModel: endModel, trainingRows: rows.count,
        validationInputs: try spec.inputs(dataset.valid, dtype: dtype), validationLabels: validLabels,
        classCount: c, options: training
    ) { generator, steps in
        for batch in minibatches(count: rows.count, batchSize: training.batchSize, shuffle: true, using: &generator)
        where batch.count > 1 {
            let x = batchInputs(batch)
            if options.encoderFirst {
                // The official code's order: step the encoder, then train f towards the updated encoder.
                let encoderLoss = batchLoss(x, recording: encoder)
                try steps.check(encoderLoss, network: "encoder")
                encoderOptimizer.step(gradients(of: encoderLoss, wrt: encoderParameters))
                let endLoss = batchLoss(x, recording: endModel)
                try steps.check(endLoss, network: TrainingCurve.endModel)
                endOptimizer.step(gradients(of: endLoss, wrt: endParameters))
            } else {
                let loss = batchLoss(x)
                try steps.check(loss, network: "encoder and end model (joint)")
                let grads = gradients(of: loss, wrt: encoderParameters + endParameters)
                encoderOptimizer.step(Array(grads[..<encoderParameters.count]))
                endOptimizer.step(Array(grads[encoderParameters.count...]))
            }
        }
    }
    let test = evaluate(
        endModel, inputs: try spec.inputs(dataset.test, dtype: dtype), labels: testLabels, threshold: report.threshold)
    return WeaselResult(endModel: endModel, encoder: encoder, report: report, test: test, trainingRows: rows)
}
