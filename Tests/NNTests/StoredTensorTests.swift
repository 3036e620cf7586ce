import NN
import TestSupport
import Testing

@Suite("Layers declare what they store")
struct StoredTensorTests {
    @Test(
        "every Tensor a layer stores is one of its parameters or buffers",
        arguments: ["linear", "mlp", "batchnorm", "dropout", "embedding", "lstm", "sequence"])
    func everyTensorIsDeclared(_ name: String) throws {
        var generator = SeededGenerator(seed: 1)
        let module: Module
        switch name {
        case "linear": module = Linear(inputCount: 3, outputCount: 2, using: &generator)
        case "mlp":
            module = MLP(
                inputCount: 3, hiddenSizes: [4, 5], outputCount: 2, batchNorm: true, dropout: 0.3, using: &generator)
        case "batchnorm": module = BatchNorm1d(featureCount: 4)
        case "dropout": module = Dropout(probability: 0.5, using: &generator)
        case "embedding": module = Embedding(count: 7, dimension: 3, using: &generator)
        case "lstm": module = LSTM(inputSize: 3, hiddenSize: 4, bidirectional: true, using: &generator)
        default:
            module = SequenceClassifier(
                .init(vocabularySize: 9, embeddingSize: 3, hiddenSize: 4, readoutSizes: [5], outputCount: 2),
                using: &generator)
        }
        let declared = Set((module.parameters + module.namedBuffers.map(\.tensor)).map(ObjectIdentifier.init))
        let stored = storedTensors(of: module)
        #expect(!stored.isEmpty || name == "dropout")
        for tensor in stored {
            #expect(declared.contains(ObjectIdentifier(tensor)), "\(name) stores an undeclared \(tensor.shape) tensor")
        }
        // And the other way round: nothing is declared that the module does not hold.
        #expect(Set(stored.map(ObjectIdentifier.init)) == declared, "\(name)")
    }
}
