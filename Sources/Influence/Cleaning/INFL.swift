import Autodiff
import Foundation
import NN
import WeakSup

/// A cleaning suggestion for one training row.
public struct CleaningSuggestion: Sendable {
    public var row: Int
    /// The class the row should be relabeled to.
    public var suggested: Int
    /// Predicted change of the validation loss if the row is relabeled and fully weighted
    /// (negative = cleaning it helps); rows are ranked by it.
    public var score: Double
}

extension CleaningSuggestion {
    /// INFL's suggestion for a row with soft label ŷ and weight γ from its class-gradient projections
    /// `u_c = sᵀ∇ log f_c(x)`: relabeling it to class c (weight 1) changes the validation loss by
    /// `(1/N)(u_c − γ Σ_k ŷ_k u_k)`; the suggestion is the class with the most negative change.
    init(row: Int, projections u: ArraySlice<Double>, label y: ArraySlice<Double>, weight: Double, rowCount n: Double) {
        let current = zip(y, u).reduce(0.0) { $0 + $1.0 * $1.1 }
        let changes = u.map { ($0 - weight * current) / n }
        let best = changes.indices.min { changes[$0] < changes[$1] }!
        self.init(row: row, suggested: best, score: changes[best])
    }
}

extension InfluenceProblem {
    /// CHEF's INFL (Wu, Weimer & Davidson, VLDB 2021) for rows with soft labels ŷ_i and weight
    /// γ_i: relabeling row i to class c and raising its weight to 1 changes the objective's
    /// gradient by `J_y (e_c − ŷ_i) + (1 − γ_i) ∇ℓ̂_i`, with label-Jacobian columns `−∇ log f_c(x_i)`;
    /// the validation loss then changes by `−(1/N) sᵀ[…] = (1/N)(u_ic − γ_i Σ_k ŷ_ik u_ik)`,
    /// `s = (H + λI)⁻¹∇L_valid`, `u_ic = sᵀ∇ log f_c(x_i)`. For each candidate row the suggested class
    /// is the one with the most negative change; rows are ranked by it, most helpful first.
    public func cleaningSuggestions(_ solved: SolvedTarget, candidates: [Int]) -> [CleaningSuggestion] {
        let u = classGradientProjections([solved.vector])[0]
        let y = targets.scalars
        let c = classCount
        let n = Double(rowCount)
        return candidates.map { i in
            CleaningSuggestion(
                row: i, projections: u[(i * c)..<((i + 1) * c)], label: y[(i * c)..<((i + 1) * c)], weight: weights[i],
                rowCount: n)
        }.sorted { $0.score < $1.score }
    }
}

/// One round of the cleaning loop.
public struct CleaningRound: Sendable {
    public var round: Int
    public var cleaned: [Int]
    /// How many suggested labels matched gold (when gold is known).
    public var suggestionsMatchingGold: Int?
    public var testF1: Double
    public var testAccuracy: Double
}

/// The INFL cleaning loop (`weasel clean`): soft labels from a label model on the covered training
/// rows, uncleaned rows weighted γ; each round scores every uncleaned row on the validation loss,
/// takes the `batch` most helpful, gives them the suggested label (or the gold label with
/// `oracle`), weight 1, and retrains from the current weights (early stopping on validation).
public func runCleaning(
    dataset: WeakDataset, labelModel: LabelModel, budget: Int, batch: Int, gamma: Double, oracle: Bool,
    damping: Damping = .automatic, options: TrainingOptions = TrainingOptions(),
    progress: ((CleaningRound) -> Void)? = nil
) throws -> (initial: Evaluation, rounds: [CleaningRound]) {
    let validLabels = try dataset.goldLabels(.valid, for: "the cleaning loop")
    let testLabels = try dataset.goldLabels(.test, for: "the cleaning loop")
    let gold = dataset.train.goldLabels
    if oracle && gold == nil { throw PipelineError.missingGold(split: .train, purpose: "the gold-label oracle") }
    try labelModel.fit(labelMatrix: dataset.train.labelMatrix, classCount: dataset.classCount)
    let rows = dataset.train.labelMatrix.coveredRows
    let c = dataset.classCount
    var labels = labelModel.predictProbabilities(dataset.train.labelMatrix.rows(rows)).scalars
    var weights = [Double](repeating: gamma, count: rows.count)
    let spec = EndModelSpec.defaultMLP
    let inputs = try spec.inputs(dataset.train).gatheringRows(rows)
    let validInputs = try spec.inputs(dataset.valid)
    let testInputs = try spec.inputs(dataset.test)
    let model = try spec.makeModel(for: dataset, seed: options.seed)
    func fit() throws -> TrainingReport {
        try trainEndModel(
            model, inputs: inputs, targets: Tensor(shape: [rows.count, c], scalars: labels),
            sampleWeights: Tensor(shape: [rows.count], scalars: weights), validationInputs: validInputs,
            validationLabels: validLabels, options: options)
    }
    var report = try fit()
    let initial = evaluate(model, inputs: testInputs, labels: testLabels, threshold: report.threshold)
    var cleaned = Set<Int>()
    var rounds: [CleaningRound] = []
    let target = InfluenceTarget(inputs: validInputs, labels: validLabels, classCount: c, description: "valid loss")
    while cleaned.count < min(budget, rows.count) {
        let problem = try InfluenceProblem(
            model: model, inputs: inputs, targets: Tensor(shape: [rows.count, c], scalars: labels),
            weights: weights, l2: options.weightDecay)
        let solved = try problem.solve(target: target, damping: damping, solver: .conjugateGradient())
        let picks = problem.cleaningSuggestions(solved, candidates: (0..<rows.count).filter { !cleaned.contains($0) })
            .prefix(min(batch, budget - cleaned.count))
        var matching = 0
        for pick in picks {
            let label = oracle ? gold![rows[pick.row]] : pick.suggested
            if let gold, pick.suggested == gold[rows[pick.row]] { matching += 1 }
            for k in 0..<c { labels[pick.row * c + k] = k == label ? 1 : 0 }
            weights[pick.row] = 1
            cleaned.insert(pick.row)
        }
        report = try fit()  // warm start: `model` keeps its weights
        let e = evaluate(model, inputs: testInputs, labels: testLabels, threshold: report.threshold)
        let round = CleaningRound(
            round: rounds.count + 1, cleaned: picks.map { rows[$0.row] },
            suggestionsMatchingGold: gold == nil ? nil : matching,
            testF1: e.f1 ?? e.macroF1, testAccuracy: e.accuracy)
        rounds.append(round)
        progress?(round)
    }
    return (initial, rounds)
}
