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
    /// The parameters of one direction, with PyTorch's names and layouts.
    public struct Direction {
        /// `weight_ih_l0 [4H, I]`: the gates' input weights, stacked i, f, g, o.
        public let inputWeight: Tensor
        /// `weight_hh_l0 [4H, H]`: the gates' recurrent weights.
        public let recurrentWeight: Tensor
        /// `bias_ih_l0 [4H]`.
        public let inputBias: Tensor
        /// `bias_hh_l0 [4H]` (PyTorch keeps two biases; only their sum matters).
        public let recurrentBias: Tensor

        init(inputSize: Int, hiddenSize: Int, dtype: DType, using generator: inout SeededGenerator) {
            func uniform(_ shape: [Int]) -> Tensor {
                Initialization.uniformFanIn(shape, fanIn: hiddenSize, dtype: dtype, using: &generator)
            }
            inputWeight = uniform([4 * hiddenSize, inputSize])
            recurrentWeight = uniform([4 * hiddenSize, hiddenSize])
            inputBias = uniform([4 * hiddenSize])
            recurrentBias = uniform([4 * hiddenSize])
        }

        func named(suffix: String) -> [(name: String, tensor: Tensor)] {
            [
                ("weight_ih_l0\(suffix)", inputWeight), ("weight_hh_l0\(suffix)", recurrentWeight),
                ("bias_ih_l0\(suffix)", inputBias), ("bias_hh_l0\(suffix)", recurrentBias),
            ]
        }
    }

    /// The forward direction, and the reverse one when bidirectional.
    public let forward: Direction
    public let reverse: Direction?

    /// The directions in output order (forward first).
    var directions: [Direction] { [forward] + (reverse.map { [$0] } ?? []) }

    /// Per-step outputs `[batch, steps, directions·H]` and each direction's final states `[batch, H]`
    /// (forward first).
    public struct Output {
        /// Each direction's h and c after every step, `[batch, steps, 2H]`.
        let states: [Tensor]
        let hiddenSize: Int
        public let finalHidden: [Tensor]
        public let finalCell: [Tensor]

        /// Built on each access, not in the forward pass: a sequence classifier reads only the final
        /// states, so copying every step's h in each forward pass was work and memory for nothing.
        public var outputs: Tensor {
            concat(states.map { $0.sliced(axis: 2, start: 0, length: hiddenSize) }, axis: 2)
        }
    }

    public init(
        inputSize: Int, hiddenSize: Int, bidirectional: Bool = false, dtype: DType = .float32,
        using generator: inout SeededGenerator
    ) {
        precondition(inputSize > 0 && hiddenSize > 0, "LSTM needs positive sizes")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        self.bidirectional = bidirectional
        forward = Direction(inputSize: inputSize, hiddenSize: hiddenSize, dtype: dtype, using: &generator)
        reverse =
            bidirectional
            ? Direction(inputSize: inputSize, hiddenSize: hiddenSize, dtype: dtype, using: &generator) : nil
    }

    override public var localParameters: [(name: String, tensor: Tensor)] {
        forward.named(suffix: "") + (reverse?.named(suffix: "_reverse") ?? [])
    }

    /// - Parameters:
    ///   - input: `[batch, steps, inputSize]`.
    ///   - mask: optional `[batch, steps]` of 1 (real token) / 0 (padding). At a padded step the
    ///     state is carried over unchanged, so with right-padding the forward direction's final
    ///     state is the one after the last real token and the reverse direction starts at it.
    public func callAsFunction(_ input: Tensor, mask: Tensor? = nil) -> Output {
        precondition(
            input.rank == 3 && input.shape[2] == inputSize,
            "LSTM(input \(inputSize)) needs [batch, steps, \(inputSize)], got \(input.shape)")
        let (batch, steps, h) = (input.shape[0], input.shape[1], hiddenSize)
        var perDirection: [Tensor] = []
        var finalHidden: [Tensor] = []
        var finalCell: [Tensor] = []
        for (index, direction) in directions.enumerated() {
            let isReverse = index == 1
            let states = input.lstmLayer(
                inputWeight: direction.inputWeight, bias: direction.inputBias + direction.recurrentBias,
                recurrentWeight: direction.recurrentWeight, mask: mask, reverse: isReverse)
            let last = states.sliced(axis: 1, start: isReverse ? 0 : steps - 1, length: 1).reshaped([batch, 2 * h])
            perDirection.append(states)
            finalHidden.append(last.sliced(axis: 1, start: 0, length: h))
            finalCell.append(last.sliced(axis: 1, start: h, length: h))
        }
        return Output(states: perDirection, hiddenSize: h, finalHidden: finalHidden, finalCell: finalCell)
    }
}
