import Autodiff
import Foundation
import NN

/// An end model of either kind inside a trained-model file.
public enum EndModelFile: Codable {
    case mlp(ModelFile<MLP.Configuration>)
    case sequence(ModelFile<SequenceClassifier.Configuration>)

    /// The file form of a trained end model; only the product's end models (MLP, sequence
    /// classifier) can be saved.
    public init(model: any Layer) throws {
        if let sequence = model as? SequenceClassifier {
            self = .sequence(sequence.modelFile())
        } else if let mlp = model as? MLP {
            self = .mlp(mlp.modelFile())
        } else {
            throw ModelFileError(
                path: "(end model)",
                problem: "a \(type(of: model)) cannot be saved as an end model (MLP or sequence classifier)")
        }
    }

    public func makeModel(path: String) throws -> any Layer {
        switch self {
        case .mlp(let file): return try MLP.make(from: file, path: path)
        case .sequence(let file): return try SequenceClassifier.make(from: file, path: path)
        }
    }

    private enum Keys: String, CodingKey { case kind }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: Keys.self).decode(String.self, forKey: .kind)
        switch kind {
        case MLP.kind: self = .mlp(try ModelFile(from: decoder))
        case SequenceClassifier.kind: self = .sequence(try ModelFile(from: decoder))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: try decoder.container(keyedBy: Keys.self),
                debugDescription: "unknown end model kind '\(kind)'")
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case .mlp(let file): try file.encode(to: encoder)
        case .sequence(let file): try file.encode(to: encoder)
        }
    }
}

/// WeaSEL's encoder inside a trained-model file.
public struct WeaselEncoderFile: Codable {
    public var options: WeaselOptions
    public var featureCount: Int
    public var lfCount: Int
    public var classCount: Int
    public var network: ModelFile<MLP.Configuration>
}

extension WeaselEncoder {
    public func file() -> WeaselEncoderFile {
        WeaselEncoderFile(
            options: options, featureCount: featureCount, lfCount: lfCount, classCount: classCount,
            network: network.modelFile())
    }

    public static func make(from file: WeaselEncoderFile, path: String) throws -> WeaselEncoder {
        var generator = SeededGenerator(seed: 0)
        let dtype = DType(rawValue: file.network.dtype) ?? .float32
        let encoder = WeaselEncoder(
            options: file.options, featureCount: file.featureCount, lfCount: file.lfCount,
            classCount: file.classCount, dtype: dtype, using: &generator)
        let network = try MLP.make(from: file.network, path: path)
        guard network.configuration == encoder.network.configuration else {
            throw ModelFileError(path: path, problem: "the encoder network does not match its WeaSEL options")
        }
        encoder.network.restore(network.snapshot())
        encoder.eval()
        return encoder
    }
}

/// What a trained model was trained on, to refuse data that does not match.
public struct DatasetSignature: Codable, Equatable, Sendable {
    public var name: String
    public var classNames: [String]
    public var lfCount: Int
    public var featureCount: Int
    public var trainRows: Int
    /// FNV-1a hash of the training ids and votes.
    public var trainHash: String

    public init(_ dataset: WeakDataset) {
        name = dataset.name
        classNames = dataset.classNames
        lfCount = dataset.lfCount
        featureCount = dataset.featureCount
        trainRows = dataset.train.count
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ text: String) { for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 } }
        for (i, id) in dataset.train.ids.enumerated() {
            mix(id)
            mix(":")
            mix(dataset.train.labelMatrix.row(i).map(String.init).joined(separator: ","))
            mix(";")
        }
        trainHash = String(hash, radix: 16)
    }
}

/// A trained end model and how its training labels were made (DESIGN §6): the method, the seed,
/// the label model's decomposition or WeaSEL's encoder, and the training rows — enough for the
/// influence module to rebuild the exact training objective.
public struct TrainedModelFile: Codable {
    public var format = "weasel-trained-model"
    public var version = 1
    public var method: TrainingMethod
    public var seed: UInt64
    public var dataset: DatasetSignature
    /// `features` (MLP) or `tokens` (sequence classifier), and the token length used.
    public var inputs: EndModelSpec.InputKind
    public var maxLength: Int?
    /// The binary decision threshold on P(class 1).
    public var threshold: Double?
    public var endModel: EndModelFile
    public var encoder: WeaselEncoderFile?
    /// Two-stage methods: the label model and its decomposition.
    public var labelModel: LabelModelKind?
    public var decomposition: LabelDecomposition?
    /// Rows of the training split (ordered by id) the end model was trained on; nil when it was
    /// trained on the validation split (`supervised-valid`).
    public var trainingRows: [Int]?
    public var test: Evaluation?
    /// The end model's L2 weight decay (part of the training objective influence differentiates).
    public var weightDecay: Double?
    /// End-model checkpoints saved during training (`--checkpoints K`), for TracIn.
    public var checkpoints: [TrainingCheckpoint]?

    /// - Parameter options: the training options the model was trained with (seed, weight decay).
    public init(
        method: TrainingMethod, dataset: WeakDataset, endModelSpec: EndModelSpec, result: PipelineResult,
        options: TrainingOptions
    ) throws {
        self.method = method
        seed = options.seed
        self.dataset = DatasetSignature(dataset)
        inputs = endModelSpec.inputKind
        if case .lstm(_, _, _, let maxLength) = endModelSpec { self.maxLength = maxLength }
        threshold = result.report.threshold
        endModel = try EndModelFile(model: result.model)
        encoder = result.encoder?.file()
        labelModel = result.labelModel?.kind
        decomposition = result.labelModel?.decomposition
        trainingRows = method.trainsOnValidation ? nil : result.trainingRows
        test = result.test
        weightDecay = options.weightDecay
        checkpoints = result.report.checkpoints.isEmpty ? nil : result.report.checkpoints
    }

    /// Writes the file atomically; a non-finite value anywhere is an error and nothing is written.
    public func save(toPath path: String) throws { try writeJSONAtomically(self, toPath: path) }

    public func save(to url: URL) throws { try save(toPath: url.path) }

    public static func load(from url: URL) throws -> TrainedModelFile {
        let file = try readJSON(TrainedModelFile.self, from: url, what: "trained model file")
        guard file.format == "weasel-trained-model" else {
            throw ModelFileError(
                path: url.path,
                problem: "format is '\(file.format)', expected 'weasel-trained-model' (written by `weasel train --out`)"
            )
        }
        guard file.version == 1 else {
            throw ModelFileError(path: url.path, problem: "version \(file.version) is not supported (expected 1)")
        }
        return file
    }

    /// The end-model specification that rebuilds this model's inputs.
    public var endModelSpec: EndModelSpec {
        switch inputs {
        case .features: return .defaultMLP
        case .tokens: return .lstm(maxLength: maxLength ?? 128)
        }
    }

    /// Checks that `dataset` can be fed to this model (same classes and features); with
    /// `sameTraining`, that it is the very data the model was trained on.
    public func check(_ dataset: WeakDataset, sameTraining: Bool, path: String) throws {
        let signature = DatasetSignature(dataset)
        guard signature.classNames.count == self.dataset.classNames.count else {
            throw ModelFileError(
                path: path,
                problem:
                    "the model has \(self.dataset.classNames.count) classes, the data \(signature.classNames.count)")
        }
        guard inputs == .tokens || signature.featureCount == self.dataset.featureCount else {
            throw ModelFileError(
                path: path,
                problem:
                    "the model expects \(self.dataset.featureCount) features, the data has \(signature.featureCount)")
        }
        if sameTraining && signature != self.dataset {
            throw ModelFileError(
                path: path,
                problem:
                    "the data does not match the model's training data (it was trained on '\(self.dataset.name)': \(self.dataset.trainRows) rows, \(self.dataset.lfCount) LFs, hash \(self.dataset.trainHash); given '\(signature.name)': \(signature.trainRows) rows, \(signature.lfCount) LFs, hash \(signature.trainHash))"
            )
        }
    }
}

extension TrainedModelFile {
    /// The end model's class probabilities `[n, C]` (Float64) for every row of a split of `dataset`,
    /// after checking that the data fits the model (same classes and features).
    public func predictProbabilities(_ dataset: WeakDataset, split: WeakDataset.Split, path: String) throws -> Tensor {
        try check(dataset, sameTraining: false, path: path)
        let model = try endModel.makeModel(path: path)
        return model.predictProbabilities(try endModelSpec.inputs(dataset[split], dtype: model.parameters[0].dtype))
            .converted(to: .float64)
    }
}
