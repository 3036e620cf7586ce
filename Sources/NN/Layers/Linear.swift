/// A fully connected layer `y = x Wᵀ + b`.
///
/// Weight layout is PyTorch's: `weight` is `[outputCount, inputCount]`, `bias` is `[outputCount]`,
/// both initialized `U(−1/√inputCount, 1/√inputCount)`. The product uses gemm's transpose flag,
/// so no transpose is materialized.
public final class Linear: Module, Layer {
    public let inputCount: Int
    public let outputCount: Int
    public let weight: Tensor
    public let bias: Tensor?

    public init(
        inputCount: Int, outputCount: Int, bias: Bool = true, dtype: DType = .float32,
        using generator: inout SeededGenerator
    ) {
        precondition(inputCount > 0 && outputCount > 0, "Linear needs positive sizes, got \(inputCount)→\(outputCount)")
        self.inputCount = inputCount
        self.outputCount = outputCount
        weight = Initialization.uniformFanIn(
            [outputCount, inputCount], fanIn: inputCount, dtype: dtype, using: &generator)
        self.bias =
            bias ? Initialization.uniformFanIn([outputCount], fanIn: inputCount, dtype: dtype, using: &generator) : nil
    }

    override public var localParameters: [(name: String, tensor: Tensor)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// - Parameter input: `[batch, inputCount]`. - Returns: `[batch, outputCount]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        precondition(
            input.rank == 2 && input.shape[1] == inputCount,
            "Linear(\(inputCount)→\(outputCount)) got input of shape \(input.shape)")
        guard let bias else { return input.matmul(weight, transposeOther: true) }
        return input.matmul(weight, transposeOther: true, plusRow: bias)
    }
}
