import Autodiff

/// Stratified folds for cross-validation inside a labeled split: the rows of each class, in a
/// seeded random order, are dealt out to the folds in turn, so every fold has every class that has
/// at least `folds` rows.
/// - Returns: the fold of each row, in `0..<folds`.
func stratifiedFolds(labels: [Int], classCount: Int, folds: Int, seed: UInt64) -> [Int] {
    var generator = SeededGenerator(seed: seed &+ 0xF01D)
    var order = Array(labels.indices)
    order.seededShuffle(using: &generator)
    var seen = [Int](repeating: 0, count: classCount)
    var foldOf = [Int](repeating: 0, count: labels.count)
    for i in order {
        foldOf[i] = seen[labels[i]] % folds
        seen[labels[i]] += 1
    }
    return foldOf
}

/// The metric for cross-validation: the split's metric when every class has at least `folds` rows
/// (so each held-out fold has every class), else the cross-entropy.
func crossValidationMetric(labels: [Int], classCount: Int, folds: Int) -> ValidationMetric {
    let counts = (0..<classCount).map { c in labels.filter { $0 == c }.count }
    return counts.allSatisfy { $0 >= folds }
        ? ValidationMetric.choose(labels: labels, classCount: classCount) : .negativeCrossEntropy
}

/// The labeled validation split dealt into stratified folds, for the choices made by
/// cross-validation inside it (`supervised-valid`, `logreg-valid`, `+ft`).
struct ValidationFolds {
    let labels: [Int]
    let count: Int
    let foldOf: [Int]
    /// The split's metric, or the cross-entropy when a class is too rare for every fold to have it.
    let metric: ValidationMetric

    /// - Throws: `PipelineError` when the split has no gold labels or fewer than two rows per fold.
    init(_ dataset: WeakDataset, purpose: String, folds: Int, seed: UInt64) throws {
        labels = try dataset.goldLabels(.valid, for: purpose)
        guard labels.count >= 2 * folds else {
            throw PipelineError.tooFewRows(
                split: .valid, count: labels.count, needed: 2 * folds, purpose: "\(folds)-fold cross-validation")
        }
        count = folds
        foldOf = stratifiedFolds(labels: labels, classCount: dataset.classCount, folds: folds, seed: seed)
        metric = crossValidationMetric(labels: labels, classCount: dataset.classCount, folds: folds)
    }

    /// Minibatches an epoch of a validation-only training must hold for `maxEpochs` and `patience`
    /// to count it as one epoch.
    static let minimumBatchesPerEpoch = 10

    /// `options` with `maxEpochs` and `patience` counted in passes of at least
    /// `minimumBatchesPerEpoch` minibatches when training on `rowCount` rows. The weakly supervised
    /// methods train on the whole training split (spambase: 54 batches an epoch, so patience 30 is
    /// 1,620 optimizer steps); on a fold of a small validation split an epoch is one or a few steps,
    /// and the same epoch counts gave `supervised-valid` 30 steps of patience on 48 rows — it
    /// stopped near chance. Scaling the counts gives the baselines the same budget in optimizer steps
    /// (WRENCH counts its budget in steps for the same reason); epochs are still chosen and reported
    /// as whole passes.
    static func stepBudget(_ options: TrainingOptions, rowCount: Int) -> TrainingOptions {
        let batches = max(1, (rowCount + options.batchSize - 1) / options.batchSize)
        let scale = max(1, (minimumBatchesPerEpoch + batches - 1) / batches)
        var scaled = options
        scaled.maxEpochs = options.maxEpochs * scale
        scaled.patience = options.patience * scale
        return scaled
    }

    /// The rows held out in fold k, and the rest.
    func split(_ k: Int) -> (heldOut: [Int], kept: [Int]) {
        (labels.indices.filter { foldOf[$0] == k }, labels.indices.filter { foldOf[$0] != k })
    }
}

/// A deep copy of an end model (its file form rebuilt).
func copyOfModel(_ model: any Layer) throws -> any Layer {
    try EndModelFile(model: model).makeModel(path: "(end model)")
}

/// Writes rows `rows` of class probabilities `[rows.count, C]` into a flat `[N·C]` buffer.
func scatter(_ probabilities: Tensor, rows: [Int], into buffer: inout [Double]) {
    let c = probabilities.shape[1]
    let p = probabilities.scalars
    for (r, i) in rows.enumerated() { for k in 0..<c { buffer[i * c + k] = p[r * c + k] } }
}

/// The binary decision threshold tuned on out-of-fold probabilities (0.5 unless asked to tune;
/// nil for multi-class tasks).
func outOfFoldThreshold(_ probabilities: [Double], labels: [Int], classCount: Int, tune: Bool) -> Double? {
    guard classCount == 2 else { return nil }
    guard tune else { return 0.5 }
    return Metrics.bestF1Threshold(scores: labels.indices.map { probabilities[$0 * 2 + 1] }, labels: labels).threshold
}
