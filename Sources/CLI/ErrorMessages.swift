import Influence

/// The one line the CLI prints for an error that ends a command: the library's message, plus the
/// flag that changes the outcome where there is one (library messages never name flags).
func errorMessage(for error: Error) -> String {
    let message: String
    switch error {
    case let error as CLIError: message = error.description
    case let error as InfluenceError:
        message = "error: \(error.description)" + (hint(for: error).map { "; \($0)" } ?? "")
    case let error as CustomStringConvertible: message = "error: \(error.description)"
    default: message = "error: \(error)"
    }
    return message.escapingControlCharacters
}

private func hint(for error: InfluenceError) -> String? {
    switch error {
    case .negativeCurvature(let damping, _, _), .notPositiveDefinite(let damping, _):
        return "raise the damping (e.g. --damping \(max(damping * 10, 0.001)))"
    case .tooManyParameters: return "use --last-layer, or --solver cg or lissa (not for relative methods)"
    case .needsExactSolver: return "use --solver exact (with --last-layer for large models)"
    case .needsCheckpoints: return "train with --checkpoints K"
    case .checkpointMismatch: return nil
    case .noLabelingFunctionVotes: return "only --method if and relatif apply to such a model"
    case .tooManyGroups: return "lower --count"
    case .notConverged(let solver, _, _, _):
        return solver == .lissa
            ? "raise the damping, use --solver cg or exact, or accept it with --iterations N"
            : "raise the damping, or accept the result with --iterations N"
    case .retrainingDidNotConverge, .noTrainingRowObjective, .missingGold, .unknownTestID, .invalidDamping: return nil
    }
}
