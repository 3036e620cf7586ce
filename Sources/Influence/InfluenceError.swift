import WeakSup

/// Why an influence computation could not be done. Messages say what failed in the library's
/// terms; the CLI adds which flag changes it.
public enum InfluenceError: Error, CustomStringConvertible, Equatable {
    /// Conjugate gradient met a direction of non-positive curvature of `H + damping·I`.
    case negativeCurvature(damping: Double, curvature: Double, iteration: Int)
    /// The Cholesky factorization of the dense `H + damping·I` failed at a leading minor.
    case notPositiveDefinite(damping: Double, minor: Int)
    /// The dense (exact) solver would need a P×P matrix beyond its limit.
    case tooManyParameters(count: Int, limit: Int)
    /// A score needs every row's self-influence, which only the exact solver provides.
    case needsExactSolver(String)
    /// TracIn needs the end-model checkpoints saved during training.
    case needsCheckpoints
    /// The saved checkpoints do not hold the model's parameters.
    case checkpointMismatch(checkpointCount: Int, modelCount: Int)
    /// Exact retraining by Newton's method did not reach a stationary point.
    case retrainingDidNotConverge(steps: Int, gradientNorm: Double)
    /// The model's labels were not made from LF votes, so there are no sources to score.
    case noLabelingFunctionVotes(method: TrainingMethod)
    /// The model was trained, or fine-tuned, on the validation split: its training objective is not
    /// one loss over training rows, which is what influence functions attribute to.
    case noTrainingRowObjective(method: TrainingMethod)
    /// A split lacks the gold labels a computation needs.
    case missingGold(split: WeakDataset.Split, purpose: String)
    /// No test record has this id.
    case unknownTestID(String)
    /// More groups were asked for than the data allows distinct groups of that kind.
    case tooManyGroups(kind: GroupKind, requested: Int, available: Int)
    /// The damping must be a finite number ≥ 0.
    case invalidDamping(Double)
    /// An iterative solver stopped above its tolerance.
    case notConverged(solver: InverseHVPSolver.Kind, iterations: Int, residual: Double, tolerance: Double)

    public var description: String {
        switch self {
        case .negativeCurvature(let damping, let curvature, let iteration):
            return
                "the Hessian + \(damping)·I is not positive definite (CG met curvature \(curvature) at iteration \(iteration))"
        case .notPositiveDefinite(let damping, let minor):
            return "the Hessian + \(damping)·I is not positive definite (Cholesky failed at leading minor \(minor))"
        case .tooManyParameters(let count, let limit):
            return "the exact solver is limited to \(limit) parameters, this selection has \(count)"
        case .needsExactSolver(let what):
            return "\(what) needs every row's self-influence, which only the exact solver computes"
        case .needsCheckpoints:
            return "TracIn needs end-model checkpoints saved during training, and the model has none"
        case .checkpointMismatch(let checkpointCount, let modelCount):
            return "a TracIn checkpoint holds \(checkpointCount) parameters, the model has \(modelCount)"
        case .retrainingDidNotConverge(let steps, let gradientNorm):
            return
                "exact retraining (Newton's method) did not converge in \(steps) steps (gradient norm \(gradientNorm))"
        case .noLabelingFunctionVotes(let method):
            return "the '\(method.rawValue)' model was trained on gold labels: there are no LF votes behind its labels"
        case .noTrainingRowObjective(let method):
            return
                "the '\(method.rawValue)' model was trained or fine-tuned on the validation split, so its objective is not a loss over training rows and influence on them does not apply"
        case .missingGold(let split, let purpose):
            return "\(purpose) needs gold labels on the \(split.rawValue) split, and it has none"
        case .unknownTestID(let id):
            return "no test record has the id '\(id)'"
        case .tooManyGroups(let kind, let requested, let available):
            return
                "\(requested) '\(kind.rawValue)' groups were asked for, and the training data allows \(available) distinct ones"
        case .invalidDamping(let damping):
            return "the damping must be a finite number ≥ 0, got \(damping)"
        case .notConverged(let solver, let iterations, let residual, let tolerance):
            return
                "the \(solver.rawValue) solve did not converge: relative residual \(residual) after \(iterations) iterations (tolerance \(tolerance)), so its scores would be wrong"
        }
    }
}
