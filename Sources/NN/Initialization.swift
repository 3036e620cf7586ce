/// PyTorch's default initializations, drawn from a seeded generator.
public enum Initialization {
    /// `U(−1/√fanIn, 1/√fanIn)`: what `nn.Linear`'s Kaiming-uniform (a = √5) gives for the
    /// weight, and its bias initialization; also `nn.LSTM`'s for every weight with fanIn = hidden size.
    public static func uniformFanIn(_ shape: [Int], fanIn: Int, dtype: DType, using generator: inout SeededGenerator)
        -> Tensor
    {
        let bound = fanIn > 0 ? 1 / Double(fanIn).squareRoot() : 0
        return Tensor.randomUniform(shape, low: -bound, high: bound, dtype: dtype, using: &generator)
            .requiringGradient()
    }

    /// `N(0, 1)`: `nn.Embedding`'s default.
    public static func standardNormal(_ shape: [Int], dtype: DType, using generator: inout SeededGenerator) -> Tensor {
        Tensor.randomNormal(shape, dtype: dtype, using: &generator).requiringGradient()
    }
}
