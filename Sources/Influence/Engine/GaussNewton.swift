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
