import Autodiff
import Foundation
import NN

/// How an end model is trained (defaults: the WeaSEL paper's end-model settings).
public struct TrainingOptions: Sendable {
    public var maxEpochs = 150
    /// Epochs without improvement of the validation metric before stopping.
    public var patience = 30
    /// `maxEpochs` and `patience` also counted in minibatches, whichever bound is smaller (rounded up
    /// to whole epochs, as the validation metric is read once an epoch); nil for no such bound. The
    /// defaults, 150 and 30 epochs of 1,000 minibatches, leave a split of up to 64,000 rows (at batch
    /// 64) its 150 and 30 epochs; a million rows get 10 and 2 — 150 passes over them would be hours
    /// of training for one candidate of the tuning grid. (WRENCH bounds its budget in steps alone.)
    public var maxSteps: Int? = 150_000
    public var patienceSteps: Int? = 30_000
    /// Stop early and keep the best epoch's weights; without it every epoch of `maxEpochs` runs and
    /// the last weights are kept (the validation metric is still recorded).
    public var earlyStopping = true
    public var batchSize = 64
    public var learningRate = 1e-4
    public var weightDecay = 7e-7
    public var seed: UInt64 = 0
    public var dtype: DType = .float32
    /// Tune the binary decision threshold on validation F1 (else 0.5).
    public var tuneThreshold = true
    /// Receives one line per epoch (progress goes to stderr in the CLI).
    public var progress: (@Sendable (String) -> Void)?
    /// Receives one line per tuning coordinate: every value tried with its validation score, and
    /// the value kept (`coordinateSearch`), so a user sees how close each choice was.
    public var tuningReport: (@Sendable (String) -> Void)?
    /// Receives a line when a step deviates from its settings (e.g. Snorkel's label model falling
    /// back to a smaller learning rate); warnings go to stderr in the CLI even when progress does not.
    public var warning: (@Sendable (String) -> Void)?
    /// Stop early on the validation cross-entropy instead of ROC-AUC / accuracy (retraining checks).
    public var stopOnValidationLoss = false
    /// The early-stopping metric; nil chooses it from the validation labels (`ValidationMetric.choose`).
    public var validationMetric: ValidationMetric?
    /// Keep this many checkpoints of the end model (evenly spaced over the epochs up to the best),
    /// for TracIn.
    public var checkpoints = 0

    public init() {}

    /// These options with `label` before each progress line (`objective mig: epoch 3 …`): tuning
    /// trains candidates concurrently, and their lines share one status line.
    public func labelled(_ label: String) -> TrainingOptions {
        var result = self
        if let progress { result.progress = { line in progress("\(label): \(line)") } }
        return result
    }

    /// `maxEpochs` and `patience` in force for epochs of `batchesPerEpoch` minibatches.
    public func epochBudget(batchesPerEpoch: Int) -> (maxEpochs: Int, patience: Int) {
        let batches = max(batchesPerEpoch, 1)
        func epochs(_ epochs: Int, _ steps: Int?) -> Int {
            guard let steps else { return epochs }
            // Whole epochs, rounded up (without `steps + batches − 1`, which overflows for a huge bound).
            return min(epochs, max(1, steps / batches + (steps % batches == 0 ? 0 : 1)))
        }
        return (epochs(maxEpochs, maxSteps), epochs(patience, patienceSteps))
    }
}

/// What training produced besides the weights.
public struct TrainingReport: Sendable {
    public var epochsRun: Int
    public var bestEpoch: Int
    /// The metric early stopping maximized, and its value at the best epoch.
    public var validationMetric: ValidationMetric
    public var bestValidationScore: Double
    /// The decision threshold on P(class 1) for binary tasks.
    public var threshold: Double?
    /// The validation metric after each epoch.
    public var validationHistory: [Double]
    /// The mean training loss of each epoch, per network trained (one for two-stage training; the
    /// encoder and the end model for WeaSEL).
    public var lossHistory: [TrainingCurve] = []
    /// Saved end-model checkpoints (when `TrainingOptions.checkpoints > 0`).
    public var checkpoints: [TrainingCheckpoint] = []
    /// A convex end model trained to convergence: its gradient norm at the end relative to the start.
    public var relativeGradientNorm: Double?
}

/// The end model's parameters after an epoch (flattened in `parameters` order) and the learning rate
/// in force — what TracIn sums over.
public struct TrainingCheckpoint: Sendable, Codable {
    public var epoch: Int
    public var parameters: [Double]
    public var learningRate: Double
    public init(epoch: Int, parameters: [Double], learningRate: Double) {
        self.epoch = epoch
        self.parameters = parameters
        self.learningRate = learningRate
    }
}

/// Trains `model` on soft `targets` (`[N, C]`, rows are distributions) with soft-target
/// cross-entropy, Adam (L2 weight decay), shuffled minibatches and early stopping on the
/// validation metric; restores the weights (and BatchNorm statistics) of the best epoch and tunes
/// the binary threshold on validation F1.
/// - Throws: `PipelineError.trainingDiverged` when the loss or the parameters stop being finite.
public func trainEndModel(
    _ model: any Layer, inputs: Tensor, targets: Tensor, sampleWeights: Tensor? = nil,
    validationInputs: Tensor, validationLabels: [Int], options: TrainingOptions
) throws -> TrainingReport {
    precondition(
        inputs.shape[0] == targets.shape[0], "trainEndModel: \(inputs.shape[0]) inputs for \(targets.shape[0]) targets")
    return try trainWithEarlyStopping(
        modules: [model], endModel: model, trainingRows: inputs.shape[0], validationInputs: validationInputs,
        validationLabels: validationLabels, classCount: targets.shape[1], options: options,
        runEpoch: epochRunner(model, inputs: inputs, targets: targets, sampleWeights: sampleWeights, options: options))
}

/// One epoch of soft-target cross-entropy training with Adam over shuffled minibatches (the Adam
/// state lives in the returned closure, across epochs).
func epochRunner(_ model: any Layer, inputs: Tensor, targets: Tensor, sampleWeights: Tensor?, options: TrainingOptions)
    -> (inout SeededGenerator, StepCounter) throws -> Void
{
    let targets = targets.converted(to: options.dtype)
    let weights = sampleWeights?.converted(to: options.dtype)
    let parameters = model.parameters
    let optimizer = Adam(parameters: parameters, learningRate: options.learningRate, weightDecay: options.weightDecay)
    return { generator, steps in
        // Batches of one row cannot be normalized; drop a trailing single row.
        for batch in minibatches(count: inputs.shape[0], batchSize: options.batchSize, shuffle: true, using: &generator)
        where batch.count > 1 {
            let loss = Loss.softTargetCrossEntropy(
                logits: model(inputs.gatheringRows(batch)), targets: targets.gatheringRows(batch),
                weights: weights?.gatheringRows(batch))
            try steps.check(loss)
            optimizer.step(gradients(of: loss, wrt: parameters))
        }
    }
}

/// A loss that is NaN or infinite, at a step of an epoch (turned into `PipelineError.trainingDiverged`).
struct NonFiniteLoss: Error {
    var step: Int
    var value: Double
}

/// Counts the optimizer steps of an epoch, stops the epoch when a loss is not finite, and sums
/// each network's losses for the epoch's mean.
final class StepCounter {
    private(set) var step = 0
    private(set) var sums: [(network: String, total: Double, count: Int)] = []

    func check(_ loss: Tensor, network: String = TrainingCurve.endModel) throws {
        step += 1
        let value = loss.item
        guard value.isFinite else { throw NonFiniteLoss(step: step, value: value) }
        if let k = sums.firstIndex(where: { $0.network == network }) {
            sums[k].total += value
            sums[k].count += 1
        } else {
            sums.append((network, value, 1))
        }
    }
}

/// One value per epoch of something training measured, e.g. a network's mean training loss.
public struct TrainingCurve: Codable, Equatable, Sendable {
    public static let endModel = "end model"
    public var name: String
    public var values: [Double]

    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// The epoch loop shared by every trainer: run an epoch (all `modules` in training mode), score
/// the end model on validation, keep a snapshot of every module at the best epoch, stop after
/// `patience` epochs without improvement, restore the best snapshot, tune the binary threshold.
/// The metric is ROC-AUC for binary tasks, accuracy for multi-class ones (`ValidationMetric`);
/// a binary validation split with a single class has no ROC-AUC, so the loop stops on the
/// validation cross-entropy instead and says so through `options.warning`.
/// - Throws: `PipelineError.trainingDiverged` when `runEpoch` meets a non-finite loss or the
///   modules' parameters stop being finite.
func trainWithEarlyStopping(
    modules: [Module], endModel: any Layer, trainingRows: Int, validationInputs: Tensor, validationLabels: [Int],
    classCount: Int, options: TrainingOptions, runEpoch: (inout SeededGenerator, StepCounter) throws -> Void
) throws -> TrainingReport {
    let budget = options.epochBudget(batchesPerEpoch: (trainingRows + options.batchSize - 1) / options.batchSize)
    let metric =
        options.validationMetric
        ?? ValidationMetric.choose(
            labels: validationLabels, classCount: classCount, preferLoss: options.stopOnValidationLoss)
    if metric == .negativeCrossEntropy && !options.stopOnValidationLoss && options.validationMetric == nil {
        options.warning?(
            "the validation split has a single class, so ROC-AUC is undefined; early stopping uses the validation cross-entropy"
        )
    }
    var generator = SeededGenerator(seed: options.seed &+ 0x7A11)
    // Ties in the metric are broken by the validation cross-entropy: accuracy on a small split moves
    // in steps of 1/n and sits flat while a network that predicts one class for every row is still
    // learning (Debian packages, lr 1e-4: every method stopped at chance after `patience` flat epochs).
    var best = (score: -Double.infinity, tieBreak: -Double.infinity, epoch: 0)
    var snapshot = modules.map { $0.snapshot() }
    var history: [Double] = []
    var losses: [TrainingCurve] = []
    var epochCheckpoints: [TrainingCheckpoint] = []
    var epoch = 0
    while epoch < budget.maxEpochs && (!options.earlyStopping || epoch - best.epoch < budget.patience) {
        epoch += 1
        for module in modules { module.train() }
        let steps = StepCounter()
        do { try runEpoch(&generator, steps) } catch let error as NonFiniteLoss {
            throw PipelineError.trainingDiverged(epoch: epoch, step: error.step, loss: error.value)
        }
        guard modules.allSatisfy({ $0.parameters.allSatisfy { $0.scalars.allSatisfy(\.isFinite) } }) else {
            throw PipelineError.trainingDiverged(epoch: epoch, step: nil, loss: nil)
        }
        let probabilities = endModel.predictProbabilities(validationInputs)
        let score = metric.score(probabilities: probabilities, labels: validationLabels)
        let tieBreak = -meanCrossEntropy(probabilities, validationLabels)
        history.append(score)
        for (network, total, count) in steps.sums {
            if let k = losses.firstIndex(where: { $0.name == network }) {
                losses[k].values.append(total / Double(count))
            } else {
                losses.append(TrainingCurve(name: network, values: [total / Double(count)]))
            }
        }
        if options.checkpoints > 0 {
            epochCheckpoints.append(
                TrainingCheckpoint(
                    epoch: epoch, parameters: endModel.parameters.flatMap(\.scalars), learningRate: options.learningRate
                ))
        }
        if score > best.score || (score == best.score && tieBreak > best.tieBreak) {
            best = (score, tieBreak, epoch)
            snapshot = modules.map { $0.snapshot() }
        }
        options.progress?(
            String(
                format: "epoch %3d  validation %@ %.4f  (best %.4f at %d)", epoch, metric.rawValue, score, best.score,
                best.epoch))
    }
    if !options.earlyStopping {
        best = (history.last ?? best.score, best.tieBreak, epoch)
        snapshot = modules.map { $0.snapshot() }
    }
    for (module, saved) in zip(modules, snapshot) {
        module.restore(saved)
        module.eval()
    }
    var threshold: Double?
    if classCount == 2 {
        threshold = 0.5
        if options.tuneThreshold {
            let scores = Metrics.positiveScores(endModel.predictProbabilities(validationInputs))
            threshold = Metrics.bestF1Threshold(scores: scores, labels: validationLabels).threshold
        }
    }
    let upToBest = epochCheckpoints.filter { $0.epoch <= best.epoch }
    let kept =
        options.checkpoints <= 0 || upToBest.isEmpty
        ? []
        : (1...min(options.checkpoints, upToBest.count)).map { k in
            upToBest[(k * upToBest.count) / min(options.checkpoints, upToBest.count) - 1]
        }
    var report = TrainingReport(
        epochsRun: epoch, bestEpoch: best.epoch, validationMetric: metric, bestValidationScore: best.score,
        threshold: threshold,
        validationHistory: history)
    report.lossHistory = losses
    report.checkpoints = kept
    return report
}

/// Mean cross-entropy of hard labels under predicted probabilities `[n, C]`.
public func meanCrossEntropy(_ probabilities: Tensor, _ labels: [Int]) -> Double {
    let p = probabilities.scalars
    let c = probabilities.shape[1]
    return labels.enumerated().reduce(0.0) { $0 - Foundation.log(max(p[$1.offset * c + $1.element], 1e-15)) }
        / Double(max(labels.count, 1))
}

/// Test-set evaluation of a trained model.
public func evaluate(_ model: any Layer, inputs: Tensor, labels: [Int], threshold: Double?) -> Evaluation {
    Evaluation(
        probabilities: model.predictProbabilities(inputs).converted(to: .float64), labels: labels, threshold: threshold)
}
