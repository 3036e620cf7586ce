import Autodiff
import NN

/// Which end model to train, and how to build it for a dataset.
public enum EndModelSpec: Sendable, Equatable {
    /// An MLP on the features (default 50-50-25, ReLU, dropout 0.3, as in the WeaSEL paper);
    /// `standardize`: the features z-scored inside the model with the training split's statistics.
    case mlp(
        hiddenSizes: [Int] = [50, 50, 25], dropout: Double = 0.3, batchNorm: Bool = false, standardize: Bool = false)
    /// The bi-LSTM sequence classifier on the token view, sequences cut to `maxLength`.
    case lstm(embeddingSize: Int = 100, hiddenSize: Int = 150, readoutSizes: [Int] = [64, 32], maxLength: Int = 128)

    public static let defaultMLP = EndModelSpec.mlp()

    /// The end-model families, as the CLI spells them (`--model mlp|lstm`).
    public enum Kind: String, CaseIterable, Sendable {
        case mlp, lstm

        /// This family's default specification (the WeaSEL paper's sizes).
        public var defaultSpec: EndModelSpec { self == .mlp ? .defaultMLP : .lstm() }
    }

    /// What a model reads: the feature matrix, or token ids (model files spell it `inputs`).
    public enum InputKind: String, Codable, Sendable {
        case features, tokens
    }

    public var kind: Kind {
        if case .lstm = self { return .lstm }
        return .mlp
    }

    public var inputKind: InputKind { kind == .mlp ? .features : .tokens }

    /// Whether the features are standardized inside the model (`mlp(standardize: true)`).
    public var standardizesFeatures: Bool {
        if case .mlp(_, _, _, let standardize) = self { return standardize }
        return false
    }

    /// A freshly initialized model for `dataset`, from `seed`.
    public func makeModel(for dataset: WeakDataset, seed: UInt64, dtype: DType = .float32) throws -> any Layer {
        var generator = SeededGenerator(seed: seed)
        switch self {
        case .mlp(let hidden, let dropout, let batchNorm, let standardize):
            guard dataset.featureCount > 0, let features = dataset.train.features else {
                throw PipelineError.missingInputs(kind: .features)
            }
            let model = MLP(
                inputCount: dataset.featureCount, hiddenSizes: hidden, outputCount: dataset.classCount,
                batchNorm: batchNorm, dropout: dropout, standardizesInputs: standardize, dtype: dtype,
                using: &generator)
            model.inputStandardization?.fit(features)
            return model
        case .lstm(let embedding, let hidden, let readout, _):
            guard let vocabulary = dataset.vocabularySize else { throw PipelineError.missingInputs(kind: .tokens) }
            return SequenceClassifier(
                .init(
                    vocabularySize: vocabulary, embeddingSize: embedding, hiddenSize: hidden,
                    bidirectional: true, readoutSizes: readout, outputCount: dataset.classCount, paddingId: 0),
                dtype: dtype, using: &generator)
        }
    }

    /// The model's input for a split: features `[N, d]`, or token ids `[N, length]`.
    public func inputs(_ split: DatasetSplit, dtype: DType = .float32) throws -> Tensor {
        switch self {
        case .mlp:
            guard let features = split.features else { throw PipelineError.missingInputs(kind: .features) }
            return features.converted(to: dtype)
        case .lstm(_, _, _, let maxLength):
            let longest = split.tokens?.map(\.count).max() ?? 0
            guard let tokens = split.tokenTensor(length: max(1, min(longest, maxLength)), dtype: dtype) else {
                throw PipelineError.missingInputs(kind: .tokens)
            }
            return tokens
        }
    }
}
