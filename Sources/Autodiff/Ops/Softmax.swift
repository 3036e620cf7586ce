/// Softmax and log-softmax over the last axis (each row of a matrix is a distribution).
extension Tensor {
    /// `softmax(x)_c = e^{x_c} / Σ_k e^{x_k}` along the last axis.
    /// Backward: `y ⊙ (g − Σ_k g_k y_k)`, written in tensor ops so it can be differentiated again.
    public func softmax() -> Tensor {
        let n = columns
        let shape = self.shape
        let storage = softmaxKernel(self.storage, rowLength: n, log: false)
        return .result("softmax", shape: shape, storage: storage, inputs: [self]) { g, _, out, _ in
            let g2 = g.reshaped([g.count / n, n])
            let y = out.reshaped([out.count / n, n])
            return [(y * (g2 - (g2 * y).sum(axis: 1, keepingDimension: true))).reshaped(shape)]
        }
    }

    /// `log softmax(x)` along the last axis, computed stably.
    /// Backward: `g − softmax(x) ⊙ Σ_k g_k`.
    public func logSoftmax() -> Tensor {
        let n = columns
        let shape = self.shape
        let storage = softmaxKernel(self.storage, rowLength: n, log: true)
        return .result("logSoftmax", shape: shape, storage: storage, inputs: [self]) { g, _, out, _ in
            let g2 = g.reshaped([g.count / n, n])
            let y = out.reshaped([out.count / n, n])
            return [(g2 - y.exp() * g2.sum(axis: 1, keepingDimension: true)).reshaped(shape)]
        }
    }
}
