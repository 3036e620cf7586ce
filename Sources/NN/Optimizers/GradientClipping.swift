/// Rescales gradients so their joint L2 norm is at most `maxNorm` (as `clip_grad_norm_`).
/// - Returns: the clipped gradients and the norm before clipping.
public func clipGradientNorm(_ gradients: [Tensor], maxNorm: Double) -> (gradients: [Tensor], norm: Double) {
    precondition(maxNorm > 0, "clipGradientNorm: maxNorm must be positive, got \(maxNorm)")
    let norm = withoutGradients { gradients.reduce(0.0) { $0 + $1.converted(to: .float64).square().sum().item } }
        .squareRoot()
    let scale = maxNorm / (norm + 1e-6)
    guard scale < 1 else { return (gradients, norm) }
    return (withoutGradients { gradients.map { $0 * scale } }, norm)
}
