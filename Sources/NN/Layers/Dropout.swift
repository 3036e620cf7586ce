/// Inverted dropout: in training, each element is zeroed with probability `p` and the rest are
/// scaled by `1/(1−p)`; in evaluation it is the identity (as `nn.Dropout`).
/// The mask is a constant tensor from the layer's own seeded generator.
public final class Dropout: Module, Layer {
    public let probability: Double
    private var generator: SeededGenerator

    public init(probability: Double, using generator: inout SeededGenerator) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
        self.probability = probability
        self.generator = generator.split()
    }

    public func callAsFunction(_ input: Tensor) -> Tensor {
        guard isTraining && probability > 0 else { return input }
        var local = generator  // a local copy: no exclusivity checks per element
        defer { generator = local }
        return input
            * Tensor.bernoulliMask(
                input.shape, keepProbability: 1 - probability, scale: 1 / (1 - probability),
                dtype: input.dtype, using: &local)
    }
}
