import Autodiff
import WeakSup

/// The scores of one influence run on a trained model's training data, in the removal convention
/// of DESIGN §5 (negative = removing the item lowers the target loss = harmful). Rows are positions
/// in the training split (ordered by id, as `weasel label` writes them).
public struct InfluenceScores {
    public struct Row: Sendable {
        public var row: Int
        public var score: Double
    }
    /// One (row, source) pair: an LF's vote (`vote` −1 for an abstention term of a surrogate with
    /// abstain weights) or the prior source (`lf == lfCount`).
    public struct Vote: Sendable {
        public var row: Int
        public var lf: Int
        public var vote: Int
        public var score: Double
    }
    public struct LF: Sendable {
        /// The LF index; `lfCount` is the label model's prior source.
        public var lf: Int
        public var score: Double
    }

    public var method: InfluenceMethod
    public var target: InfluenceTarget
    public var rows: [Row]
    /// Source-aware methods only (empty otherwise); the prior source is listed only when its score is nonzero.
    public var lfs: [LF]
    public var votes: [Vote]
    public var solve: SolveReport
    public var damping: Double
}

extension InfluenceSetup {
    /// Scores the training rows (and, for source-aware methods, LFs and votes) by their influence on
    /// `target`'s loss.
    public func scores(_ method: InfluenceMethod, target: InfluenceTarget, damping: Damping, solver: InverseHVPSolver)
        throws -> InfluenceScores
    {
        if method.isSourceAware && terms == nil { throw InfluenceError.noLabelingFunctionVotes(method: file.method) }
        let solved = try problem.solve(target: target, damping: damping, solver: solver)
        var result = InfluenceScores(
            method: method, target: target, rows: [], lfs: [], votes: [], solve: solved.report, damping: solved.damping)
        let rowScores: [Double]
        if let sourceAware = method.sourceAwareMethod, let terms {
            var scores = problem.sourceAwareInfluence(solved, terms: terms, method: sourceAware)
            if method.isRelative {
                scores = try problem.relativeSourceAwareInfluence(scores, damping: solved.damping, solver: solver)
            }
            rowScores = scores.rows
            result.lfs = scores.lfs.enumerated().filter { $0.offset < terms.lfCount || $0.element != 0 }
                .map { InfluenceScores.LF(lf: $0.offset, score: $0.element) }
            result.votes = scores.votes.map {
                InfluenceScores.Vote(row: trainingRows[$0.row], lf: $0.source, vote: $0.vote, score: $0.score)
            }
        } else {
            rowScores =
                method.isRelative
                ? try problem.relativeRowInfluence(solved, solver: solver) : problem.rowInfluence(solved)
        }
        result.rows = rowScores.enumerated().map {
            InfluenceScores.Row(row: trainingRows[$0.offset], score: $0.element)
        }
        return result
    }
}

/// A misclassified test point and what most increased its loss (the source-aware IF paper's Table 2).
public struct MisclassificationExplanation: Sendable {
    /// Position in the test split.
    public var testRow: Int
    public var gold: Int
    public var predicted: Int
    /// The training row, LF and vote whose removal would most lower the point's loss.
    public var row: InfluenceScores.Row
    public var lf: InfluenceScores.LF?
    public var vote: InfluenceScores.Vote?
}

extension InfluenceSetup {
    /// Explains the first `count` misclassified test points (at the model's decision threshold).
    public func explainMisclassified(
        dataset: WeakDataset, count: Int, method: InfluenceMethod, damping: Damping,
        solver: InverseHVPSolver
    ) throws -> [MisclassificationExplanation] {
        guard let gold = dataset.test.goldLabels else {
            throw InfluenceError.missingGold(split: .test, purpose: "explaining misclassified test points")
        }
        let model = try file.endModel.makeModel(path: "(end model)")
        let probabilities = model.predictProbabilities(
            try file.endModelSpec.inputs(dataset.test, dtype: model.parameters[0].dtype))
        let predicted = Metrics.predictions(probabilities.converted(to: .float64), threshold: file.threshold)
        return try gold.indices.filter { predicted[$0] != gold[$0] }.prefix(count).map { i in
            let scores = try scores(
                method, target: try target(.testPoints([dataset.test.ids[i]]), dataset: dataset), damping: damping,
                solver: solver)
            return MisclassificationExplanation(
                testRow: i, gold: gold[i], predicted: predicted[i],
                row: scores.rows.min { $0.score < $1.score }!,
                lf: scores.lfs.min { $0.score < $1.score }, vote: scores.votes.min { $0.score < $1.score })
        }
    }

    /// IF-class ranking of the training rows as likely mislabeled (most negative class-based score
    /// first), with the validation set as the clean set. With `hardLabels`, each row's gradient is
    /// taken towards its most probable label instead of its soft label.
    public func mislabelRanking(
        _ similarity: GradientSimilarity, dataset: WeakDataset, hardLabels: Bool, damping: Damping,
        solver: InverseHVPSolver
    ) throws -> [(row: Int, classBased: Double, overall: Double)] {
        guard let cleanLabels = dataset.valid.goldLabels else {
            throw InfluenceError.missingGold(split: .valid, purpose: "the clean set of IF-class")
        }
        let problem = hardLabels ? try self.problem.withHardLabels() : self.problem
        let scores = try problem.similarities(
            similarity, cleanInputs: try file.endModelSpec.inputs(dataset.valid, dtype: .float64),
            cleanLabels: cleanLabels, damping: damping, solver: solver,
            checkpoints: file.checkpoints ?? [])
        let classBased = scores.classBased
        return classBased.indices.sorted { classBased[$0] < classBased[$1] }.map { i in
            (row: trainingRows[i], classBased: classBased[i], overall: scores.overall[i])
        }
    }
}

extension InfluenceProblem {
    /// The same problem with each row's target replaced by the one-hot of its most probable class.
    public func withHardLabels() throws -> InfluenceProblem {
        let problem = try InfluenceProblem(
            model: model, inputs: inputs,
            targets: Tensor.oneHot(targets.argmax(axis: 1), classCount: classCount, dtype: dtype),
            weights: weights, l2: l2, selection: selection, batchSize: batchSize, dtype: dtype)
        problem.curvature = curvature
        return problem
    }
}
