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
            classCount: file.classCount, standardizesFeatures: file.network.architecture.standardizesInputs,
            dtype: dtype, using: &generator)
        let network = try MLP.make(from: file.network, path: path)
        guard network.configuration == encoder.network.configuration else {
            throw ModelFileError(path: path, problem: "the encoder network does not match its WeaSEL options")
        }
        encoder.network.restore(network.snapshot())
        encoder.eval()
        return encoder
    }
}
