import Autodiff
import Foundation

/// Increm-INFL (CHEF §4.1.2): INFL scores of later cleaning rounds from provenance cached in the
/// first, pruning the rows that cannot reach the top b.
///
/// For logistic regression the label-Jacobian columns are `G_ic(w) = ∇_w log p_c(x_i; w) =
/// (e_c − p_i(w)) ⊗ x̃_i`, and `‖∇²_w log p_c(x_i; w)‖ ≤ ½‖x̃_i‖²` for every w (the softmax
/// covariance has norm ≤ ½) — a bound valid along the whole path, which the guarantee needs (a power
/// iteration at w₀ would only give the local norm). With `s_k = H(w_k)⁻¹∇F_valid(w_k)` and the
/// cached `G_ic(w₀)`, the INFL score `(1/N)(s_kᵀG_ic(w_k) − γ_i Σ_c ŷ_ic s_kᵀG_ic(w_k))` differs from
/// its centre `I₀` (the same with `G(w₀)`) by at most `δ_i = (1/N)(1 + γ_i)‖s_k‖ · ½‖x̃_i‖² · ‖w_k − w₀‖`.
/// Rows whose lower bound `min_c I₀ − δ_i` exceeds the b-th smallest upper bound cannot be in the top b.
public struct IncrementalINFL {
    let data0: LogisticData
    let w0: [Double]
    /// `G_ic(w₀)` rows, `[N·C, P]`.
    let jacobian: Tensor
    let hessianBound: [Double]

    /// Caches the provenance at the first round's parameters `w0`.
    public init(data: LogisticData, w0: [Double]) {
        self.data0 = data
        self.w0 = w0
        jacobian = Self.labelJacobian(data, w0, rows: Array(0..<data.rowCount))
        let x = data.inputs.scalars
        let d = data.width
        hessianBound = (0..<data.rowCount).map { i in 0.5 * (0..<d).reduce(0.0) { $0 + x[i * d + $1] * x[i * d + $1] } }
    }

    /// `∇_w log p_c(x_i; w)` for the given rows, `[rows·C, C·(d+1)]`.
    static func labelJacobian(_ data: LogisticData, _ w: [Double], rows: [Int]) -> Tensor {
        let c = data.classCount
        let d = data.width
        let p = data.probabilities(w, rows: rows).scalars
        let x = data.inputs.scalars
        var values = [Double](repeating: 0, count: rows.count * c * c * d)
        for (r, i) in rows.enumerated() {
            for labelClass in 0..<c {
                let base = (r * c + labelClass) * c * d
                for k in 0..<c {
                    let coefficient = (k == labelClass ? 1 : 0) - p[r * c + k]
                    for q in 0..<d { values[base + k * d + q] = coefficient * x[i * d + q] }
                }
            }
        }
        return Tensor(shape: [rows.count * c, c * d], scalars: values, dtype: .float64)
    }

    /// Exact INFL: `(1/N)(u_ic − γ_i Σ_k ŷ_ik u_ik)` for each candidate row, `u = s·G(w)`.
    public static func exactScores(_ data: LogisticData, _ w: [Double], s: [Double], rows: [Int])
        -> [CleaningSuggestion]
    {
        let c = data.classCount
        let n = Double(data.rowCount)
        let u = withoutGradients {
            labelJacobian(data, w, rows: rows).matmul(Tensor(shape: [s.count, 1], scalars: s, dtype: .float64))
        }.scalars
        return rows.enumerated().map { r, i in
            CleaningSuggestion(
                row: i, projections: u[(r * c)..<((r + 1) * c)], label: data.labels[(i * c)..<((i + 1) * c)],
                weight: data.weights[i], rowCount: n)
        }
    }

    /// The top-b suggestions among `candidates` at parameters `w` with `s = H(w)⁻¹∇F_valid(w)`,
    /// evaluating exact scores only for the rows the bound cannot exclude.
    /// - Returns: the top b (most negative first) and how many rows were evaluated exactly.
    public func topSuggestions(data: LogisticData, w: [Double], s: [Double], candidates: [Int], b: Int) -> (
        top: [CleaningSuggestion], exactEvaluations: Int
    ) {
        let c = data.classCount
        let n = Double(data.rowCount)
        let centreU = withoutGradients { jacobian.matmul(Tensor(shape: [s.count, 1], scalars: s, dtype: .float64)) }
            .scalars
        let sNorm = s.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let drift = zip(w, w0).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        var bounds: [(row: Int, lower: Double, upper: Double)] = []
        for i in candidates {
            let current = (0..<c).reduce(0.0) { $0 + data.labels[i * c + $1] * centreU[i * c + $1] }
            let centre = (0..<c).map { (centreU[i * c + $0] - data.weights[i] * current) / n }.min()!
            let delta = (1 + data.weights[i]) * sNorm * hessianBound[i] * drift / n
            bounds.append((i, centre - delta, centre + delta))
        }
        let count = min(b, bounds.count)
        guard count > 0 else { return ([], 0) }
        let threshold = bounds.map(\.upper).sorted()[count - 1]
        let kept = bounds.filter { $0.lower <= threshold }.map(\.row)
        let exact = Self.exactScores(data, w, s: s, rows: kept).sorted { $0.score < $1.score }
        return (Array(exact.prefix(count)), kept.count)
    }
}

extension LogisticData {
    /// `H(w)⁻¹ ∇F_valid(w)` for the objective `(1/N) Σ γ_i ℓ_i + (λ/2)‖w‖²` (dense Hessian, Cholesky).
    public func influenceVector(_ w: [Double], l2: Double, validation: LogisticData) -> [Double] {
        let c = classCount
        let d = width
        let pCount = parameterCount
        let p = probabilities(w).scalars
        let x = inputs.scalars
        var h = [Double](repeating: 0, count: pCount * pCount)
        for i in 0..<rowCount {
            let weight = weights[i] / Double(rowCount)
            for a in 0..<c {
                for b in 0..<c {
                    let cov = weight * ((a == b ? p[i * c + a] : 0) - p[i * c + a] * p[i * c + b])
                    guard cov != 0 else { continue }
                    for q in 0..<d {
                        let xq = cov * x[i * d + q]
                        for r in 0..<d { h[(a * d + q) * pCount + b * d + r] += xq * x[i * d + r] }
                    }
                }
            }
        }
        for q in 0..<pCount { h[q * pCount + q] += l2 }
        var rhs = validation.gradient(w, rows: Array(0..<validation.rowCount))
        _ = BLAS.choleskySolve(a: &h, b: &rhs, n: pCount, rightHandSides: 1)
        return rhs
    }
}
