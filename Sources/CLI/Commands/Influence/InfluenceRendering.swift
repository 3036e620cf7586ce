import Influence

/// LF names with the label model's prior source last.
func sourceNames(_ dataset: WeakDataset) -> [String] { dataset.lfNames + ["(prior)"] }

/// A vote's class name, or `abstain` for an abstention term.
func voteName(_ vote: Int, _ dataset: WeakDataset) -> String { vote >= 0 ? dataset.classNames[vote] : "abstain" }

/// How far to trust an influence run: the solve (iterations, residual), the damping and curvature
/// used, and how close the trained parameters are to a stationary point (influence functions
/// assume one).
func trustText(_ setup: InfluenceSetup, solve: SolveReport, damping: Double) -> String {
    "solver \(solve.solver.rawValue): \(solve.iterations) iterations, relative residual \(number(solve.relativeResidual, "%.2e"))"
        + (solve.converged ? "" : " (fixed iteration count: NOT converged)")
        + ", damping \(number(damping, "%.3g")), \(setup.problem.curvature.rawValue) curvature, "
        + "\(setup.problem.parameterCount) parameters; gradient norm at the trained parameters "
        + "\(number(setup.gradientNormRatio, "%.2e")) of its value at initialization (influence assumes ≈ 0)"
}
