/// A multi-layer perceptron. Each hidden layer is Linear → BatchNorm (optional) → activation →
/// Dropout (optional); the output layer is a plain Linear producing logits.
///
/// Parameter names: `linear0.weight`, `linear0.bias`, `norm0.weight`, …, `output.weight`, `output.bias`.
public final class MLP: Module, Layer {
    /// Everything needed to rebuild the architecture (saved in model files).
    public struct Configuration: Codable, Equatable, Sendable {
        public var inputCount: Int
        public var hiddenSizes: [Int]
        public var outputCount: Int
        public var activation: Activation
        public var batchNorm: Bool
        public var dropout: Double

        public init(
            inputCount: Int, hiddenSizes: [Int], outputCount: Int, activation: Activation = .relu,
            batchNorm: Bool = false, dropout: Double = 0
        ) {
            self.inputCount = inputCount
            self.hiddenSizes = hiddenSizes
            self.outputCount = outputCount
            self.activation = activation
            self.batchNorm = batchNorm
            self.dropout = dropout
        }
    }

    public let configuration: Configuration
    public let hiddenLayers: [Linear]
    public let norms: [BatchNorm1d]
    public let dropouts: [Dropout]
    public let output: Linear

    public init(_ configuration: Configuration, dtype: DType = .float32, using generator: inout SeededGenerator) {
        self.configuration = configuration
        var layers: [Linear] = []
        var norms: [BatchNorm1d] = []
        var dropouts: [Dropout] = []
        var width = configuration.inputCount
        for size in configuration.hiddenSizes {
            layers.append(Linear(inputCount: width, outputCount: size, dtype: dtype, using: &generator))
            if configuration.batchNorm { norms.append(BatchNorm1d(featureCount: size, dtype: dtype)) }
            if configuration.dropout > 0 {
                dropouts.append(Dropout(probability: configuration.dropout, using: &generator))
            }
            width = size
        }
        output = Linear(inputCount: width, outputCount: configuration.outputCount, dtype: dtype, using: &generator)
        hiddenLayers = layers
        self.norms = norms
        self.dropouts = dropouts
    }

    public convenience init(
        inputCount: Int, hiddenSizes: [Int], outputCount: Int, activation: Activation = .relu,
        batchNorm: Bool = false, dropout: Double = 0, dtype: DType = .float32,
        using generator: inout SeededGenerator
    ) {
        self.init(
            Configuration(
                inputCount: inputCount, hiddenSizes: hiddenSizes, outputCount: outputCount,
                activation: activation, batchNorm: batchNorm, dropout: dropout),
            dtype: dtype, using: &generator)
    }

    override public var children: [(name: String, module: Module)] {
        var result: [(String, Module)] = []
        for i in hiddenLayers.indices {
            result.append(("linear\(i)", hiddenLayers[i]))
            if !norms.isEmpty { result.append(("norm\(i)", norms[i])) }
            if !dropouts.isEmpty { result.append(("dropout\(i)", dropouts[i])) }
        }
        return result + [("output", output)]
    }

    /// - Parameter input: `[batch, inputCount]`. - Returns: logits `[batch, outputCount]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var h = input
        for i in hiddenLayers.indices {
            h = hiddenLayers[i](h)
            if !norms.isEmpty { h = norms[i](h) }
            h = configuration.activation(h)
            if !dropouts.isEmpty { h = dropouts[i](h) }
        }
        return output(h)
    }
}
