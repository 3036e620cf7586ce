import Autodiff

/// A plain MLP written directly with tensor ops, for the demo and the autodiff benchmark.
/// (The NN module's `MLP` is the product's layer; this keeps the foundation's tools free of it.)
struct DenseNetwork {
    let parameters: [Tensor]
    let smooth: Bool

    /// - Parameter smooth: tanh hidden activations instead of ReLU (for finite-difference checks,
    ///   which are unreliable across ReLU's kink).
    init(sizes: [Int], dtype: DType, smooth: Bool = false, using generator: inout SeededGenerator) {
        self.smooth = smooth
        var parameters: [Tensor] = []
        for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
            let bound = 1 / Double(fanIn).squareRoot()  // PyTorch's Linear initialization
            parameters.append(
                Tensor.randomUniform([fanIn, fanOut], low: -bound, high: bound, dtype: dtype, using: &generator)
                    .requiringGradient())
            parameters.append(
                Tensor.randomUniform([fanOut], low: -bound, high: bound, dtype: dtype, using: &generator)
                    .requiringGradient())
        }
        self.parameters = parameters
    }

    /// Logits for a batch `x` (rows are samples), optionally with other parameter values.
    func logits(_ x: Tensor, parameters override: [Tensor]? = nil) -> Tensor {
        let p = override ?? parameters
        var h = x
        for layer in 0..<p.count / 2 {
            h = h.matmul(p[2 * layer], plusRow: p[2 * layer + 1])
            if layer < p.count / 2 - 1 { h = smooth ? h.tanh() : h.relu() }
        }
        return h
    }
}
