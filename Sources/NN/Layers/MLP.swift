/// A multi-layer perceptron. Inputs are optionally standardized first (`InputStandardization`);
/// each hidden layer is Linear → BatchNorm (optional) → activation → Dropout (optional); the
/// output layer is a plain Linear producing logits.
///
/// Parameter names: `linear0.weight`, `linear0.bias`, `norm0.weight`, …, `output.weight`, `output.bias`;
/// buffers `standardization.mean`, `standardization.inverse_scale`, `norm0.running_mean`, ….
public final class MLP: Module, Layer {
    /// Everything needed to rebuild the architecture (saved in model files).
    public struct Configuration: Codable, Equatable, Sendable {
        public var inputCount: Int
        public var hiddenSizes: [Int]
        public var outputCount: Int
        public var activation: Activation
        public var batchNorm: Bool
        public var dropout: Double
        /// Whether the inputs go through a fixed `InputStandardization` first (absent in older files: no).
        public var standardizesInputs: Bool

        public init(
            inputCount: Int, hiddenSizes: [Int], outputCount: Int, activation: Activation = .relu,
            batchNorm: Bool = false, dropout: Double = 0, standardizesInputs: Bool = false
        ) {
            self.inputCount = inputCount
            self.hiddenSizes = hiddenSizes
            self.outputCount = outputCount
            self.activation = activation
            self.batchNorm = batchNorm
            self.dropout = dropout
            self.standardizesInputs = standardizesInputs
        }

        private enum CodingKeys: String, CodingKey {
            case inputCount, hiddenSizes, outputCount, activation, batchNorm, dropout, standardizesInputs
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                inputCount: try container.decode(Int.self, forKey: .inputCount),
                hiddenSizes: try container.decode([Int].self, forKey: .hiddenSizes),
                outputCount: try container.decode(Int.self, forKey: .outputCount),
                activation: try container.decode(Activation.self, forKey: .activation),
                batchNorm: try container.decode(Bool.self, forKey: .batchNorm),
                dropout: try container.decode(Double.self, forKey: .dropout),
                standardizesInputs: try container.decodeIfPresent(Bool.self, forKey: .standardizesInputs) ?? false)
        }

        /// Written only when true, so files of models without it are byte for byte as before.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(inputCount, forKey: .inputCount)
            try container.encode(hiddenSizes, forKey: .hiddenSizes)
            try container.encode(outputCount, forKey: .outputCount)
            try container.encode(activation, forKey: .activation)
            try container.encode(batchNorm, forKey: .batchNorm)
            try container.encode(dropout, forKey: .dropout)
            if standardizesInputs { try container.encode(true, forKey: .standardizesInputs) }
        }
    }

    public let configuration: Configuration
    /// The input scaler, when `configuration.standardizesInputs` (fit it on the training rows).
    public let inputStandardization: InputStandardization?
    public let hiddenLayers: [Linear]
    public let norms: [BatchNorm1d]
    public let dropouts: [Dropout]
    public let output: Linear

    public init(_ configuration: Configuration, dtype: DType = .float32, using generator: inout SeededGenerator) {
        self.configuration = configuration
        inputStandardization =
            configuration.standardizesInputs
            ? InputStandardization(featureCount: configuration.inputCount, dtype: dtype) : nil
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
        batchNorm: Bool = false, dropout: Double = 0, standardizesInputs: Bool = false, dtype: DType = .float32,
        using generator: inout SeededGenerator
    ) {
        self.init(
            Configuration(
                inputCount: inputCount, hiddenSizes: hiddenSizes, outputCount: outputCount,
                activation: activation, batchNorm: batchNorm, dropout: dropout, standardizesInputs: standardizesInputs),
            dtype: dtype, using: &generator)
    }

    override public var children: [(name: String, module: Module)] {
        var result: [(String, Module)] = inputStandardization.map { [("standardization", $0)] } ?? []
        for i in hiddenLayers.indices {
            result.append(("linear\(i)", hiddenLayers[i]))
            if !norms.isEmpty { result.append(("norm\(i)", norms[i])) }
            if !dropouts.isEmpty { result.append(("dropout\(i)", dropouts[i])) }
        }
        return result + [("output", output)]
    }

    /// - Parameter input: `[batch, inputCount]`. - Returns: logits `[batch, outputCount]`.
    public func callAsFunction(_ input: Tensor) -> Tensor {
        var h = inputStandardization.map { $0(input) } ?? input
        for i in hiddenLayers.indices {
            h = hiddenLayers[i](h)
            if !norms.isEmpty { h = norms[i](h) }
            h = configuration.activation(h)
            if !dropouts.isEmpty { h = dropouts[i](h) }
        }
        return output(h)
    }
}
