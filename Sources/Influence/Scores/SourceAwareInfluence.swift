import Autodiff
import Foundation
import WeakSup

/// Source-aware influence (Zhang et al., 2022) of every term `(row i, source j, class c)`, in the
/// removal convention of DESIGN §5, with the roll-ups of the paper's Table 1.
public struct SourceAwareScores {
    public enum Method: String, Sendable, CaseIterable {
        /// Reweighting: remove the term `ℓ̄_ijc = −(W/Z_i) log f_c(x_i)` from the objective:
        /// `−(1/N)(W/Z_i) u_ic` (the paper's `φ^rw = (W/Z_i) u_ic` is positive when harmful).
        case reweighting = "rw"
        /// Weight-moving: remove source j's weight on class c from row i's label and renormalize:
        /// `(1/N) Σ_k (ŷ'_ik − ŷ_ik) u_ik`, ŷ' the renormalized label (the row leaves training
        /// when no weight remains).
        case weightMoving = "wm"
    }

    public var method: Method
    public var terms: SourceTerms
    /// One score per term.
    public var scores: [Double]

    /// Sum over classes: one score per (row, source) that voted, keyed `row·(m+1) + source`.
    public var votes: [(row: Int, source: Int, vote: Int, score: Double)] {
        var totals: [Int: (Int, Int, Int, Double)] = [:]
        let width = terms.lfCount + 1
        for t in 0..<terms.count {
            let key = terms.row[t] * width + terms.source[t]
            let previous = totals[key]?.3 ?? 0
            totals[key] = (terms.row[t], terms.source[t], terms.vote[t], previous + scores[t])
        }
        return totals.values.map { (row: $0.0, source: $0.1, vote: $0.2, score: $0.3) }.sorted {
            ($0.row, $0.source) < ($1.row, $1.source)
        }
    }

    /// Sum over rows and classes: one score per LF (and the prior source last).
    public var lfs: [Double] {
        var totals = [Double](repeating: 0, count: terms.lfCount + 1)
        for t in 0..<terms.count { totals[terms.source[t]] += scores[t] }
        return totals
    }

    /// Sum over sources and classes: one score per training row (equals ordinary IF when the
    /// terms reproduce the training labels exactly).
    public var rows: [Double] {
        var totals = [Double](repeating: 0, count: terms.rowCount)
        for t in 0..<terms.count { totals[terms.row[t]] += scores[t] }
        return totals
    }

    /// Sum over the rows where LF j voted k: one score per label-model parameter `W[j, k, c]`
    /// (index `(j·C + k)·C + c`), for sample-independent decompositions.
    public var parameters: [Double] {
        let c = terms.classCount
        var totals = [Double](repeating: 0, count: terms.lfCount * c * c)
        for t in 0..<terms.count where terms.source[t] < terms.lfCount {
            totals[(terms.source[t] * c + terms.vote[t]) * c + terms.classIndex[t]] += scores[t]
        }
        return totals
    }
}

extension InfluenceProblem {
    /// Source-aware scores of every term from one set of class-gradient projections.
    /// The problem's targets should be the labels the terms represent.
    public func sourceAwareInfluence(
        _ solved: SolvedTarget, terms: SourceTerms, method: SourceAwareScores.Method,
        projections: [Double]? = nil
    ) -> SourceAwareScores {
        precondition(
            terms.rowCount == rowCount,
            "sourceAwareInfluence: terms for \(terms.rowCount) rows, problem has \(rowCount)")
        let u = projections ?? classGradientProjections([solved.vector])[0]
        let c = classCount
        let n = Double(rowCount)
        var scores = [Double](repeating: 0, count: terms.count)
        switch method {
        case .reweighting:
            for t in 0..<terms.count {
                let i = terms.row[t]
                scores[t] = -(weights[i] / n) * terms.weight[t] / terms.normalizer[i] * u[i * c + terms.classIndex[t]]
            }
        case .weightMoving:
            let sums = terms.classSums
            for t in 0..<terms.count {
                let i = terms.row[t]
                let change = terms.weightMovingChange(term: t, classSums: sums)
                scores[t] = (weights[i] / n) * (0..<c).reduce(0.0) { $0 + change[$1] * u[i * c + $1] }
            }
        }
        return SourceAwareScores(method: method, terms: terms, scores: scores)
    }

    /// The relative (RelatIF-style) version: each term's score divided by the square root of its
    /// self-influence `∇δᵀ(H + λI)⁻¹∇δ`, δ the term's change of the row's loss. Needs the exact
    /// solver (per row, the C×C matrix `G_i H⁻¹ G_iᵀ` of class gradients `G_i = ∇ log f(x_i)`).
    public func relativeSourceAwareInfluence(_ scores: SourceAwareScores, damping: Double, solver: InverseHVPSolver)
        throws -> SourceAwareScores
    {
        guard case .exact = solver else {
            throw InfluenceError.needsExactSolver("a relative source-aware score")
        }
        let c = classCount
        let terms = scores.terms
        // Class gradients of every row, then G_i H⁻¹ G_iᵀ per row from one factorization.
        let classGradients: [[Double]] = withGradients {
            (0..<rowCount).flatMap { i -> [[Double]] in
                let logP = model(inputs.gatheringRows([i])).logSoftmax()
                return (0..<c).map { k in
                    layout.flatten(gradients(of: logP.sliced(axis: 1, start: k, length: 1).sum(), wrt: parameters))
                }
            }
        }
        let (solutions, _) = try solve(classGradients, damping: damping, solver: solver)
        func kernel(_ i: Int, _ a: Int, _ b: Int) -> Double { dot(classGradients[i * c + a], solutions[i * c + b]) }
        let sums = terms.classSums
        var relative = scores
        for t in 0..<terms.count {
            let i = terms.row[t]
            // δ's gradient is −Σ_k a_k ∇log f_k with a = (W/Z) e_c (RW) or ŷ' − ŷ (WM).
            var a = [Double](repeating: 0, count: c)
            switch scores.method {
            case .reweighting: a[terms.classIndex[t]] = terms.weight[t] / terms.normalizer[i]
            case .weightMoving: a = terms.weightMovingChange(term: t, classSums: sums)
            }
            var selfInfluence = 0.0
            for p in 0..<c {
                for q in 0..<c where a[p] != 0 && a[q] != 0 { selfInfluence += a[p] * a[q] * kernel(i, p, q) }
            }
            relative.scores[t] = scores.scores[t] / max(selfInfluence, 1e-300).squareRoot()
        }
        return relative
    }
}
