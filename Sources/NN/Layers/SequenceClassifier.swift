/// A text classifier: Embedding → (bi)LSTM → concatenated final hidden states → MLP readout.
///
/// Input is a `[batch, steps]` tensor of token ids; id `paddingId` (0 by default) marks padding,
/// which the LSTM skips (see `LSTM.callAsFunction(_:mask:)`).
public final class SequenceClassifier: Module, Layer {
    public struct Configuration: Codable, Equatable, Sendable {
        public var vocabularySize: Int
        public var embeddingSize: Int
        public var hiddenSize: Int
        public var bidirectional: Bool
        public var readoutSizes: [Int]
        public var outputCount: Int
        public var dropout: Double
        public var paddingId: Int?

        public init(
            vocabularySize: Int, embeddingSize: Int = 100, hiddenSize: Int = 150, bidirectional: Bool = true,
            readoutSizes: [Int] = [64, 32], outputCount: Int = 2, dropout: Double = 0, paddingId: Int? = 0
        ) {
            self.vocabularySize = vocabularySize
            self.embeddingSize = embeddingSize
            self.hiddenSize = hiddenSize
            self.bidirectional = bidirectional
            self.readoutSizes = readoutSizes
            self.outputCount = outputCount
            self.dropout = dropout
            self.paddingId = paddingId
        }
    }

    public let configuration: Configuration
    public let embedding: Embedding
    public let lstm: LSTM
    public let readout: MLP

    public init(_ configuration: Configuration, dtype: DType = .float32, using generator: inout SeededGenerator) {
        self.configuration = configuration
        embedding = Embedding(
            count: configuration.vocabularySize, dimension: configuration.embeddingSize, dtype: dtype, using: &generator
        )
        lstm = LSTM(
            inputSize: configuration.embeddingSize, hiddenSize: configuration.hiddenSize,
            bidirectional: configuration.bidirectional, dtype: dtype, using: &generator)
        readout = MLP(
            inputCount: configuration.hiddenSize * (configuration.bidirectional ? 2 : 1),
            hiddenSizes: configuration.readoutSizes, outputCount: configuration.outputCount,
            dropout: configuration.dropout, dtype: dtype, using: &generator)
    }

    override public var children: [(name: String, module: Module)] {
        [("embedding", embedding), ("lstm", lstm), ("readout", readout)]
    }

    /// - Parameter tokens: `[batch, steps]` token ids. - Returns: logits `[batch, outputCount]`.
    public func callAsFunction(_ tokens: Tensor) -> Tensor {
        precondition(tokens.rank == 2, "SequenceClassifier needs [batch, steps] token ids, got \(tokens.shape)")
        let embedded = embedding(tokens)
        var mask: Tensor?
        if let pad = configuration.paddingId {
            let values = tokens.scalars
            if values.contains(Double(pad)) {
                mask = Tensor(
                    shape: tokens.shape, scalars: values.map { $0 == Double(pad) ? 0 : 1 }, dtype: tokens.dtype)
            }
        }
        let states = lstm(embedded, mask: mask)
        return readout(concat(states.finalHidden, axis: 1))
    }
}
