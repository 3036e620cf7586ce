import Autodiff
import NN

extension WeaselOptions.Objective {
    /// The batch loss from the encoder's scores `s` and the end model's logits `f` (both `[b, C]`):
    /// the sum of `terms`. Where the objective uses stop-gradient, each network only receives its
    /// own term's gradient, so one backward pass over the sum serves both optimizers.
    func loss(encoderScores s: Tensor, endLogits f: Tensor, classPrior: [Double]) -> Tensor {
        let parts = terms(encoderScores: s, endLogits: f, classPrior: classPrior)
        return parts.dropFirst().reduce(parts[0], +)
    }

    /// The objective's terms: for the symmetric objectives `[end model's term, encoder's term]`
    /// (`L_f` with target `sg(y_e)`, `L_e` with target `sg(softmax f)`); one term otherwise.
    public func terms(encoderScores s: Tensor, endLogits f: Tensor, classPrior: [Double]) -> [Tensor] {
        switch self {
        case .symmetricCE:
            return [
                Loss.softTargetCrossEntropy(logits: f, targets: stopGradient(s.softmax())),
                Loss.softTargetCrossEntropy(logits: s, targets: stopGradient(f.softmax())),
            ]
        case .symmetricCENoStopGrad:
            return [
                Loss.softTargetCrossEntropy(logits: f, targets: s.softmax()),
                Loss.softTargetCrossEntropy(logits: s, targets: f.softmax()),
            ]
        case .oneSidedCE:
            return [Loss.softTargetCrossEntropy(logits: f, targets: s.softmax())]
        case .l1:
            return [
                Loss.l1Distance(logits: f, targets: stopGradient(s.softmax())),
                Loss.l1Distance(logits: s, targets: stopGradient(f.softmax())),
            ]
        case .squaredHellinger:
            return [
                Loss.squaredHellinger(logits: f, targets: stopGradient(s.softmax())),
                Loss.squaredHellinger(logits: s, targets: stopGradient(f.softmax())),
            ]
        case .mig:
            return [-mutualInformationGain(s.softmax(), f.softmax(), prior: classPrior)]
        }
    }
}

/// Max-MIG's mutual-information gain for a batch (Cao et al., ICLR 2019):
/// `(1/n) Σ_i log(Σ_c a_ic b_ic / p_c) − (1/(n(n−1))) Σ_{i≠k} Σ_c a_ic b_kc / p_c`.
func mutualInformationGain(_ a: Tensor, _ b: Tensor, prior: [Double]) -> Tensor {
    let n = Double(a.shape[0])
    let scaled = a / Tensor(shape: [prior.count], scalars: prior, dtype: a.dtype)  // a_ic / p_c
    let paired = (scaled * b).sum(axis: 1)  // Σ_c a_ic b_ic / p_c
    let all = (scaled.sum(axis: 0) * b.sum(axis: 0)).sum()  // Σ_{i,k} Σ_c a_ic b_kc / p_c
    return paired.log().mean() - (all - paired.sum()) * (1 / max(n * (n - 1), 1))
}
