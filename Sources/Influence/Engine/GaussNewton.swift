import Autodiff
import NN

/// Which curvature matrix influence functions invert.
public enum HessianKind: String, CaseIterable, Sendable {
    /// The exact Hessian of the training objective (double backward). Indefinite for a trained
    /// network away from a minimum, so solves need damping.
    case exact
    /// The generalized Gauss–Newton matrix `G = (1/N) Σ_i w_i J_iᵀ H_out,i J_i + λI`, `J_i = ∂z_i/∂θ`
    /// the Jacobian of the logits and `H_out = diag(p) − ppᵀ` the softmax cross-entropy's Hessian in
    /// the logits — positive semi-definite by construction (Martens 2010; the practice of Kronfluence
    /// and of the "proximal Bregman response" view, Bae et al. 2022). Equal to the Hessian for a
    /// linear softmax model.
    case gaussNewton = "gauss-newton"

    /// The curvature to use by default: exact for convex end models (a linear softmax layer, where
    /// the two agree and the exact one is cheapest), Gauss–Newton for networks.
    public static func preferred(for model: any Layer) -> HessianKind {
        if let mlp = model as? MLP, mlp.configuration.hiddenSizes.isEmpty { return .exact }
        return .gaussNewton
    }
}

extension InfluenceProblem {
    /// `(G + damping·I) v`, matrix-free per batch through the graph: `J v = ∇_u ⟨Jᵀu, v⟩` by the
    /// double-backward trick (any u: `Jᵀu` is linear in u), multiplied row by row by
    /// `(w_i/N)(diag(p_i) − p_i p_iᵀ)`, then one vector-Jacobian product `Jᵀ(·)`.
    func gaussNewtonBody(_ v: [Double], damping: Double, rows: Range<Int>?) -> [Double] {
        let direction = layout.unflatten(v, dtype: dtype)
        var total = [Double](repeating: 0, count: parameterCount)
        for range in batches(rowCount) where rows == nil || range.overlaps(rows!) {
            let part = Array(rows.map { range.clamped(to: $0) } ?? range)
            let logits = model(inputs.gatheringRows(part))
            let dummy = Tensor.zeros(logits.shape, dtype: dtype).requiringGradient()
            let transposed = gradients(of: logits, wrt: parameters, seed: dummy, createGraph: true)
            let inner = zip(transposed, direction).map { ($0 * $1).sum() }.dropFirst()
                .reduce((transposed[0] * direction[0]).sum(), +)
            let jv = gradients(of: inner, wrt: [dummy])[0]
            let scaled: Tensor = withoutGradients {
                let p = logits.softmax()
                let w = Tensor(
                    shape: [part.count, 1], scalars: part.map { weights[$0] / Double(rowCount) }, dtype: dtype)
                return (p * jv - p * (p * jv).sum(axis: 1, keepingDimension: true)) * w
            }
            axpy(1, layout.flatten(gradients(of: logits, wrt: parameters, seed: scaled)), &total)
        }
        if let rows { for i in total.indices { total[i] *= Double(rowCount) / Double(rows.count) } }
        axpy(l2 + damping, v, &total)
        return total
    }
}
