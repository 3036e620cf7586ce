import Autodiff
import Foundation
import WeakSup

/// One round of the logistic-regression cleaning loop, with both paths timed.
public struct FastCleaningRound: Sendable {
    public var round: Int
    public var selectFullSeconds: Double
    public var selectIncrementalSeconds: Double
    public var exactEvaluations: Int
    public var sameTopB: Bool
    public var updateRetrainSeconds: Double
    public var updateDeltaGradSeconds: Double
    /// `‖w_DeltaGrad − w_retrain‖ / ‖w_retrain‖`.
    public var relativeDistance: Double
    public var f1Retrain: Double
    public var f1DeltaGrad: Double
    public var suggestionsMatchingGold: Int?
}

/// The INFL cleaning loop with an L2-regularized logistic-regression end model (CHEF): each round
/// selects the b most helpful rows both by full INFL and by Increm-INFL (checking they agree), gives
/// them the suggested (or, with `oracle`, gold) label and weight 1, and updates the model both by
/// retraining with the recorded minibatch order and by a DeltaGrad-L replay of the original run.
/// The loop follows the retrained model unless `incremental`, when it follows Increm-INFL's picks
/// and the DeltaGrad-L model.
public func runFastCleaning(
    dataset: WeakDataset, labelModel: LabelModel, budget: Int, batch: Int, gamma: Double, oracle: Bool,
    incremental: Bool, sgd: LogisticRegressionSGD = LogisticRegressionSGD(),
    progress: ((FastCleaningRound) -> Void)? = nil
) throws -> (initialF1: Double, rounds: [FastCleaningRound]) {
    let validLabels = try dataset.goldLabels(.valid, for: "the cleaning loop")
    let testLabels = try dataset.goldLabels(.test, for: "the cleaning loop")
    guard let trainFeatures = dataset.train.features, let validFeatures = dataset.valid.features,
        let testFeatures = dataset.test.features
    else { throw PipelineError.missingInputs(kind: .features) }
    let gold = dataset.train.goldLabels
    if oracle && gold == nil { throw PipelineError.missingGold(split: .train, purpose: "the gold-label oracle") }
    try labelModel.fit(labelMatrix: dataset.train.labelMatrix, classCount: dataset.classCount)
    let rows = dataset.train.labelMatrix.coveredRows
    let c = dataset.classCount
    let original = LogisticData(
        features: trainFeatures.gatheringRows(rows),
        labels: labelModel.predictProbabilities(dataset.train.labelMatrix.rows(rows)).scalars,
        weights: Array(repeating: gamma, count: rows.count), classCount: c)
    let validation = LogisticData(
        features: validFeatures, labels: Tensor.oneHot(validLabels, classCount: c, dtype: .float64).scalars,
        weights: Array(repeating: 1, count: validLabels.count), classCount: c)
    let test = LogisticData(features: testFeatures, labels: [], weights: [], classCount: c)
    func f1(_ w: [Double]) -> Double {
        let predictions = Metrics.predictions(test.probabilities(w))
        return c == 2
            ? Metrics.f1(predictions: predictions, labels: testLabels)
            : Metrics.macroF1(predictions: predictions, labels: testLabels, classCount: c)
    }
    func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
    let trajectory = sgd.train(original)
    var data = original
    var wRetrain = trajectory.final
    var wDeltaGrad = trajectory.final
    let increm = IncrementalINFL(data: original, w0: trajectory.final)
    var cleaned = Set<Int>()
    var rounds: [FastCleaningRound] = []
    while cleaned.count < min(budget, rows.count) {
        let w = incremental ? wDeltaGrad : wRetrain
        let b = min(batch, budget - cleaned.count)
        let candidates = (0..<rows.count).filter { !cleaned.contains($0) }
        var full: [CleaningSuggestion] = []
        var fast: [CleaningSuggestion] = []
        var evaluations = 0
        var s: [Double] = []
        let solve = seconds { s = data.influenceVector(w, l2: sgd.l2, validation: validation) }
        let selectFull =
            solve
            + seconds {
                full = Array(
                    IncrementalINFL.exactScores(data, w, s: s, rows: candidates).sorted { $0.score < $1.score }.prefix(
                        b))
            }
        let selectIncremental =
            solve
            + seconds {
                (fast, evaluations) = increm.topSuggestions(data: data, w: w, s: s, candidates: candidates, b: b)
            }
        let picks = incremental ? fast : full
        var matching = 0
        for pick in picks {
            let label = oracle ? gold![rows[pick.row]] : pick.suggested
            if let gold, pick.suggested == gold[rows[pick.row]] { matching += 1 }
            for k in 0..<c { data.labels[pick.row * c + k] = k == label ? 1 : 0 }
            data.weights[pick.row] = 1
            cleaned.insert(pick.row)
        }
        let retrain = seconds { wRetrain = sgd.train(data, record: false).final }
        let deltaGrad = seconds {
            wDeltaGrad = DeltaGradL().replay(trajectory, old: original, new: data, changed: cleaned, sgd: sgd)
        }
        let distance =
            zip(wDeltaGrad, wRetrain).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            / max(wRetrain.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-300)
        let round = FastCleaningRound(
            round: rounds.count + 1, selectFullSeconds: selectFull, selectIncrementalSeconds: selectIncremental,
            exactEvaluations: evaluations, sameTopB: Set(full.map(\.row)) == Set(fast.map(\.row)),
            updateRetrainSeconds: retrain, updateDeltaGradSeconds: deltaGrad, relativeDistance: distance,
            f1Retrain: f1(wRetrain), f1DeltaGrad: f1(wDeltaGrad), suggestionsMatchingGold: gold == nil ? nil : matching)
        rounds.append(round)
        progress?(round)
    }
    return (f1(trajectory.final), rounds)
}
