import Autodiff

/// How much `λI` is added to the curvature before it is inverted.
public enum Damping: Equatable, Sendable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// A given λ ≥ 0.
    case fixed(Double)
    /// λ = `automaticFraction` × the mean curvature tr(H)/P (a seeded Hutchinson estimate), raised
    /// tenfold until the solve succeeds (positive definite, converged) — at most `automaticRaises` times.
    case automatic

    /// The fraction of the mean curvature the automatic damping starts from.
    public static let automaticFraction = 0.01
    public static let automaticRaises = 8

    public init(floatLiteral value: Double) { self = .fixed(value) }
    public init(integerLiteral value: Int) { self = .fixed(Double(value)) }
}

extension InfluenceProblem {
    /// Hutchinson's estimate of the mean curvature `tr(H)/P` (with the current `curvature`) from
    /// `samples` seeded Rademacher vectors: `E[vᵀHv] = tr(H)` (the regularizer λ included).
    public func meanCurvature(samples: Int = 10, seed: UInt64 = 0) -> Double {
        var generator = SeededGenerator(seed: seed &+ 0x7ACE)
        var total = 0.0
        let curvature = CurvatureOperator(self)
        for _ in 0..<samples {
            let v = (0..<parameterCount).map { _ in generator.nextUniform() < 0.5 ? -1.0 : 1.0 }
            total += dot(v, curvature.apply(v, damping: 0))
        }
        return total / Double(samples * parameterCount)
    }

    /// Solves `(H + λI) x = v_k` with λ given or chosen automatically (see `Damping.automatic`).
    /// - Returns: the solutions, how the solve went, and the λ used.
    /// - Throws: the last solve's error when no λ tried works.
    public func solveChoosingDamping(_ rightHandSides: [[Double]], damping: Damping, solver: InverseHVPSolver) throws
        -> (
            solutions: [[Double]], report: SolveReport, damping: Double
        )
    {
        switch damping {
        case .fixed(let value):
            let (solutions, report) = try solve(rightHandSides, damping: value, solver: solver)
            return (solutions, report, value)
        case .automatic:
            var value = Damping.automaticFraction * max(abs(meanCurvature()), 1e-8)
            for attempt in 0...Damping.automaticRaises {
                do {
                    let (solutions, report) = try solve(rightHandSides, damping: value, solver: solver)
                    return (solutions, report, value)
                } catch let error as InfluenceError {
                    switch error {
                    case .negativeCurvature, .notPositiveDefinite, .notConverged:
                        if attempt == Damping.automaticRaises { throw error }
                        value *= 10
                    default: throw error
                    }
                }
            }
            fatalError("unreachable: the last attempt returns or throws")
        }
    }
}
