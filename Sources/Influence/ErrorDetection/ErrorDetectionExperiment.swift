import Autodiff
import Foundation
import NN
import WeakSup

/// One line of the error-detection experiment.
public struct ErrorDetectionResult: Sendable {
    public var similarity: GradientSimilarity
    public var classBased: Bool
    public var noise: Double
    /// Precision: the fraction of flipped rows among the rows ranked most suspicious.
    public var accuracy: Double
}

/// How the model that errors are detected in is fitted to the noisy labels.
public enum NoisyFit: String, CaseIterable, Sendable {
    /// No early stopping: the full epoch budget, the last weights — the model fits the noisy labels,
    /// as in the IF-class paper.
    case noisy
    /// Early stopping on the validation metric (the model the other commands train).
    case earlyStopped = "early-stopped"
}

/// The protocol of the IF-class paper's Fig. 3b experiment (Nguyen-Duc et al. 2023), with its
/// choices as the defaults.
public struct ErrorDetectionSettings: Sendable {
    /// Gradients of the output layer only (the paper's setting), or of every parameter.
    public var selection = ParameterSelection.lastLayer
    /// A class-balanced clean set of this many validation rows per class (fewer when a class is
    /// small: at most half of each class), disjoint from the rows left for early stopping; nil uses
    /// the whole validation split as the clean set (and for early stopping).
    public var cleanPerClass: Int? = 50
    public var fit = NoisyFit.noisy
    /// The fraction of rows selected as suspicious (nil: the noise rate).
    public var select: Double?
    public var damping = Damping.automatic
    /// Training checkpoints for TracIn.
    public var checkpoints = 5

    public init() {}
}

/// The clean set and the early-stopping rows of the validation split: `perClass` rows of each class
/// drawn with a seed (at most half of the smallest class), the rest for early stopping.
public func cleanSetSplit(labels: [Int], classCount: Int, perClass: Int, seed: UInt64) -> (
    clean: [Int], earlyStopping: [Int]
) {
    var generator = SeededGenerator(seed: seed &+ 0xC1EA)
    let rowsOfClass = (0..<classCount).map { c in labels.indices.filter { labels[$0] == c } }
    let take = min(perClass, rowsOfClass.map { $0.count / 2 }.min() ?? 0)
    var clean: [Int] = []
    for var rows in rowsOfClass {
        rows.seededShuffle(using: &generator)
        clean += rows.prefix(take)
    }
    let chosen = Set(clean)
    return (clean.sorted(), labels.indices.filter { !chosen.contains($0) })
}

/// The fraction of `flipped` rows among the `count` rows with the lowest scores (precision).
public func detectionPrecision(_ scores: [Double], flipped: Set<Int>, count: Int) -> Double {
    let top = scores.indices.sorted { scores[$0] < scores[$1] }.prefix(count)
    return Double(top.filter { flipped.contains($0) }.count) / Double(max(top.count, 1))
}

/// The IF-class paper's Fig. 3b protocol: flip `noise` of the gold training labels to another
/// random class (seeded), fit the end model to the noisy labels (keeping checkpoints for TracIn),
/// rank the training rows by each similarity's score against a class-balanced clean set (most
/// negative first; class-based = min over the clean classes), and report the precision of the top
/// `select` fraction (default: the noise rate).
public func detectLabelErrors(
    dataset: WeakDataset, noise: Double, seed: UInt64, endModel spec: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions(), settings: ErrorDetectionSettings = ErrorDetectionSettings()
) throws -> [ErrorDetectionResult] {
    let gold = try dataset.goldLabels(.train, for: "the error-detection experiment")
    let validLabels = try dataset.goldLabels(.valid, for: "the error-detection experiment")
    precondition(noise > 0 && noise < 1, "noise must be in (0, 1)")
    let c = dataset.classCount
    let n = gold.count
    var generator = SeededGenerator(seed: seed &+ 0xF11B)
    var order = Array(0..<n)
    order.seededShuffle(using: &generator)
    let flipped = Set(order.prefix(Int((noise * Double(n)).rounded())))
    let noisy = gold.indices.map { i -> Int in
        guard flipped.contains(i) else { return gold[i] }
        let other = generator.nextInt(below: c - 1)
        return other >= gold[i] ? other + 1 : other
    }
    let validInputs = try spec.inputs(dataset.valid)
    let (clean, stopping) =
        settings.cleanPerClass.map { cleanSetSplit(labels: validLabels, classCount: c, perClass: $0, seed: seed) }
        ?? (Array(validLabels.indices), Array(validLabels.indices))
    var training = options
    training.seed = seed
    training.checkpoints = settings.checkpoints
    training.earlyStopping = settings.fit == .earlyStopped
    let model = try spec.makeModel(for: dataset, seed: seed)
    let inputs = try spec.inputs(dataset.train)
    let report = try trainEndModel(
        model, inputs: inputs, targets: Tensor.oneHot(noisy, classCount: c),
        validationInputs: validInputs.gatheringRows(stopping),
        validationLabels: stopping.map { validLabels[$0] }, options: training)
    // The rows' gradients use the (noisy, one-hot) labels the model was trained towards; for soft
    // labels of a weakly supervised model see `weasel influence similarity [--hard-labels]`.
    let problem = try InfluenceProblem(
        model: model, inputs: inputs, targets: Tensor.oneHot(noisy, classCount: c, dtype: .float64),
        l2: options.weightDecay, selection: settings.selection)
    problem.curvature = HessianKind.preferred(for: model)
    let count = max(1, Int(((settings.select ?? noise) * Double(n)).rounded()))
    var results: [ErrorDetectionResult] = []
    for similarity in GradientSimilarity.allCases {
        let scores = try problem.similarities(
            similarity, cleanInputs: validInputs.gatheringRows(clean), cleanLabels: clean.map { validLabels[$0] },
            damping: settings.damping, checkpoints: report.checkpoints)
        for classBased in [false, true] {
            let precision = detectionPrecision(
                classBased ? scores.classBased : scores.overall, flipped: flipped, count: count)
            results.append(
                ErrorDetectionResult(similarity: similarity, classBased: classBased, noise: noise, accuracy: precision))
        }
    }
    return results
}

/// One line of the error-detection table: a similarity (plain or class-based) at one noise rate,
/// its detection accuracy per seed.
public struct ErrorDetectionSummary: Sendable {
    public var similarity: GradientSimilarity
    public var classBased: Bool
    public var noise: Double
    public var accuracies: [Double]
}

/// `detectLabelErrors` for every noise rate and seeds `0..<seeds`, gathered per similarity,
/// class-based or not, and noise rate (in the order of `GradientSimilarity.allCases`, plain first).
public func runErrorDetectionExperiment(
    dataset: WeakDataset, noises: [Double], seeds: Int, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions(), settings: ErrorDetectionSettings = ErrorDetectionSettings(),
    progress: ((_ noise: Double, _ seed: UInt64) -> Void)? = nil
) throws -> [ErrorDetectionSummary] {
    var summaries = noises.flatMap { noise in
        GradientSimilarity.allCases.flatMap { similarity in
            [false, true].map {
                ErrorDetectionSummary(similarity: similarity, classBased: $0, noise: noise, accuracies: [])
            }
        }
    }
    for noise in noises {
        for seed in 0..<UInt64(seeds) {
            let results = try detectLabelErrors(
                dataset: dataset, noise: noise, seed: seed, endModel: endModel, options: options, settings: settings)
            for result in results {
                let index = summaries.firstIndex {
                    $0.noise == noise && $0.similarity == result.similarity && $0.classBased == result.classBased
                }!
                summaries[index].accuracies.append(result.accuracy)
            }
            progress?(noise, seed)
        }
    }
    return summaries
}
