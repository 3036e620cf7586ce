/// A single-layer, batch-first LSTM, optionally bidirectional, with PyTorch's parameters,
/// gate order (i, f, g, o) and equations:
///
///     i = σ(W_ii x + b_ii + W_hi h + b_hi)    f = σ(W_if x + b_if + W_hf h + b_hf)
///     g = tanh(W_ig x + b_ig + W_hg h + b_hg) o = σ(W_io x + b_io + W_ho h + b_ho)
///     c' = f ⊙ c + i ⊙ g                      h' = o ⊙ tanh(c')
///
/// Parameters `weight_ih_l0 [4H, I]`, `weight_hh_l0 [4H, H]`, `bias_ih_l0 [4H]`, `bias_hh_l0 [4H]`
/// (and `…_reverse` for the backward direction), all `U(−1/√H, 1/√H)`. The input projection of
/// all time steps is one gemm; each direction is the fused `Tensor.lstmLayer` op.
public final class LSTM: Module {
    public let inputSize: Int
    public let hiddenSize: Int
    public let bidirectional: Bool
    /// Per direction: weight_ih, weight_hh, bias_ih, bias_hh.
    let weights: [[Tensor]]

    /// Per-step outputs `[batch, steps, directions·H]` and each direction's final states `[batch, H]`
    /// (forward first).
    public struct Output {
        public let outputs: Tensor
        public let finalHidden: [Tensor]
        public let finalCell: [Tensor]
    }

    public init(inputSize: Int, hiddenSize: Int, bidirectional: Bool = false, dtype: DType = .float32,
                using generator: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0, "LSTM needs positive sizes")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bidirectional = bidirectional
        weights = (0..<(bidirectional ? 2 : 1)).map { _ in
            [Initialization.uniformFanIn([4 * hiddenSize, inputSize], fanIn: hiddenSize, dtype: dtype, using: &generator),
             Initialization.uniformFanIn([4 * hiddenSize, hiddenSize], fanIn: hiddenSize, dtype: dtype, using: &generator),
             Initialization.uniformFanIn([4 * hiddenSize], fanIn: hiddenSize, dtype: dtype, using: &generator),
             Initialization.uniformFanIn([4 * hiddenSize], fanIn: hiddenSize, dtype: dtype, using: &generator)]
        }
    }

    override public var localParameters: [(name: String, tensor: Tensor)] {
        weights.enumerated().flatMap { direction, w in
            let suffix = direction == 0 ? "" : "_reverse"
            return [("weight_ih_l0\(suffix)", w[0]), ("weight_hh_l0\(suffix)", w[1]),
                    ("bias_ih_l0\(suffix)", w[2]), ("bias_hh_l0\(suffix)", w[3])]
        }
    }

    /// - Parameters:
    ///   - input: `[batch, steps, inputSize]`.
    ///   - mask: optional `[batch, steps]` of 1 (real token) / 0 (padding). At a padded step the
    ///     state is carried over unchanged, so with right-padding the forward direction's final
    ///     state is the one after the last real token and the reverse direction starts at it.
    public func callAsFunction(_ input: Tensor, mask: Tensor? = nil) -> Output {
        precondition(input.rank == 3 && input.shape[2] == inputSize,
                     "LSTM(input \(inputSize)) needs [batch, steps, \(inputSize)], got \(input.shape)")
        let (batch, steps, h) = (input.shape[0], input.shape[1], hiddenSize)
        var outputs: [Tensor] = [], finalHidden: [Tensor] = [], finalCell: [Tensor] = []
        for (direction, w) in weights.enumerated() {
            let states = input.lstmLayer(inputWeight: w[0], bias: w[2] + w[3], recurrentWeight: w[1], mask: mask, reverse: direction == 1)
            let last = states.sliced(axis: 1, start: direction == 1 ? 0 : steps - 1, length: 1).reshaped([batch, 2 * h])
            outputs.append(states.sliced(axis: 2, start: 0, length: h))
            finalHidden.append(last.sliced(axis: 1, start: 0, length: h))
            finalCell.append(last.sliced(axis: 1, start: h, length: h))
        }
        return Output(outputs: concat(outputs, axis: 2), finalHidden: finalHidden, finalCell: finalCell)
    }
}
