import Autodiff

extension InfluenceProblem {
    /// Ordinary influence of every training row on the target, in the removal convention of
    /// DESIGN §5: the first-order change of the target loss if row i were removed,
    /// `(w_i/N) sᵀ∇ℓ̂_i = −(w_i/N) Σ_c ŷ_ic u_ic` with `u_ic = sᵀ∇ log f_c(x_i)`. (Koh & Liang's
    /// `I_up,loss = −vᵀH⁻¹∇ℓ̂_i` is the upweighting derivative; removal ≈ −(1/N)·I_up,loss.)
    /// Negative = removing the row lowers the target loss = the row is harmful.
    public func rowInfluence(_ solved: SolvedTarget) -> [Double] {
        rowInfluence(projections: classGradientProjections([solved.vector])[0])
    }

    /// Ordinary influence from precomputed class-gradient projections `u [N·C]`.
    func rowInfluence(projections u: [Double]) -> [Double] {
        let c = classCount
        let y = targets.scalars
        let n = Double(rowCount)
        return (0..<rowCount).map { i in
            -(weights[i] / n) * (0..<c).reduce(0.0) { $0 + y[i * c + $1] * u[i * c + $1] }
        }
    }

    /// Self-influence `∇ℓ̂_iᵀ (H + λI)⁻¹ ∇ℓ̂_i` of each row (needs the exact solver: one dense
    /// factorization, all rows as right-hand sides).
    public func selfInfluence(rows: [Int], damping: Double, solver: InverseHVPSolver) throws -> [Double] {
        guard case .exact = solver else {
            throw InfluenceError.needsExactSolver("RelatIF")
        }
        let grads = perRowGradients(rows)
        let (solutions, _) = try solve(grads, damping: damping, solver: solver)
        return zip(grads, solutions).map { max(dot($0, $1), 1e-300) }
    }

    /// RelatIF (Barshan et al. 2020): ordinary influence divided by `√(∇ℓ̂_iᵀ(H + λI)⁻¹∇ℓ̂_i)`,
    /// so rows with large self-influence (outliers) do not dominate.
    public func relativeRowInfluence(_ solved: SolvedTarget, solver: InverseHVPSolver) throws -> [Double] {
        let scores = rowInfluence(solved)
        let selfScores = try selfInfluence(rows: Array(0..<rowCount), damping: solved.damping, solver: solver)
        return zip(scores, selfScores).map { $0 / $1.squareRoot() }
    }
}
