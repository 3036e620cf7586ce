import Autodiff
import Foundation
import NN
import WeakSup

/// One line of the error-detection experiment.
public struct ErrorDetectionResult: Sendable {
    public var similarity: GradientSimilarity
    public var classBased: Bool
    public var noise: Double
    /// Fraction of the flipped rows among the `select` fraction ranked most suspicious.
    public var accuracy: Double
}

/// The IF-class paper's Fig. 3b protocol: flip `noise` of the gold training labels to another
/// random class (seeded), train the end model on the noisy labels (keeping checkpoints for TracIn),
/// rank the training rows by each similarity's score (most negative first; class-based = min over
/// the clean classes, the validation set being the clean set), and report the fraction of flipped
/// rows among the top `select` (default: the noise rate).
public func detectLabelErrors(
    dataset: WeakDataset, noise: Double, select: Double? = nil, seed: UInt64,
    endModel spec: EndModelSpec = .defaultMLP, options: TrainingOptions = TrainingOptions(),
    damping: Damping = .automatic, checkpoints: Int = 5
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
    var training = options
    training.seed = seed
    training.checkpoints = checkpoints
    let model = try spec.makeModel(for: dataset, seed: seed)
    let inputs = try spec.inputs(dataset.train)
    let validInputs = try spec.inputs(dataset.valid)
    let report = try trainEndModel(
        model, inputs: inputs, targets: Tensor.oneHot(noisy, classCount: c), validationInputs: validInputs,
        validationLabels: validLabels, options: training)
    // The rows' gradients use the (noisy, one-hot) labels the model was trained towards; for soft
    // labels of a weakly supervised model see `weasel influence --similarity … [--hard-labels]`.
    let problem = try InfluenceProblem(
        model: model, inputs: inputs, targets: Tensor.oneHot(noisy, classCount: c, dtype: .float64),
        l2: options.weightDecay)
    let count = max(1, Int(((select ?? noise) * Double(n)).rounded()))
    func accuracy(_ scores: [Double]) -> Double {
        let top = scores.indices.sorted { scores[$0] < scores[$1] }.prefix(count)
        return Double(top.filter { flipped.contains($0) }.count) / Double(max(flipped.count, 1))
    }
    var results: [ErrorDetectionResult] = []
    for similarity in GradientSimilarity.allCases {
        let scores = try problem.similarities(
            similarity, cleanInputs: validInputs, cleanLabels: validLabels, damping: damping,
            checkpoints: report.checkpoints)
        results.append(
            ErrorDetectionResult(
                similarity: similarity, classBased: false, noise: noise, accuracy: accuracy(scores.overall)))
        results.append(
            ErrorDetectionResult(
                similarity: similarity, classBased: true, noise: noise, accuracy: accuracy(scores.classBased)))
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
    dataset: WeakDataset, noises: [Double], seeds: Int, select: Double? = nil, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions(), damping: Damping = .automatic, checkpoints: Int = 5,
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
                dataset: dataset, noise: noise, select: select, seed: seed, endModel: endModel,
                options: options, damping: damping, checkpoints: checkpoints)
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
