import Foundation

/// A model whose architecture is a `Codable` configuration, so it can be saved and rebuilt.
public protocol SavableModel: Module {
    associatedtype Configuration: Codable & Equatable
    /// The `kind` string written to model files.
    static var kind: String { get }
    var configuration: Configuration { get }
    init(_ configuration: Configuration, dtype: DType, using generator: inout SeededGenerator)
    /// How many scalars (parameters and buffers) a model of this architecture holds, or nil when a
    /// size is not positive, a probability is outside [0, 1), or the count overflows — checked
    /// before a model read from a file is allocated.
    static func storedValueCount(_ configuration: Configuration) -> Int?
}

/// `a·b + c` for sizes read from a file: nil on overflow, a non-positive `a` or `b`, or a negative `c`.
func checkedSize(_ a: Int, times b: Int, plus c: Int = 0) -> Int? {
    guard a > 0, b > 0, c >= 0 else { return nil }
    let (product, overflow) = a.multipliedReportingOverflow(by: b)
    let (sum, overflow2) = product.addingReportingOverflow(c)
    return overflow || overflow2 ? nil : sum
}

/// The sum of sizes, nil if any is nil or the sum overflows.
func checkedSum(_ sizes: [Int?]) -> Int? {
    var total = 0
    for size in sizes {
        guard let size else { return nil }
        let (sum, overflow) = total.addingReportingOverflow(size)
        guard !overflow else { return nil }
        total = sum
    }
    return total
}

extension MLP: SavableModel {
    public static var kind: String { "mlp" }

    public static func storedValueCount(_ c: Configuration) -> Int? {
        guard (0..<1).contains(c.dropout) else { return nil }
        let widths = [c.inputCount] + c.hiddenSizes + [c.outputCount]
        return checkedSum(
            (1..<widths.count).map { k in
                let isHidden = k < widths.count - 1
                // weight [out, in], bias [out]; BatchNorm: weight, bias, running mean and variance.
                guard let perOutput = checkedSize(widths[k - 1], times: 1, plus: 1 + (c.batchNorm && isHidden ? 4 : 0))
                else {
                    return nil
                }
                return checkedSize(perOutput, times: widths[k])
            })
    }
}

extension SequenceClassifier: SavableModel {
    public static var kind: String { "sequence-classifier" }

    public static func storedValueCount(_ c: Configuration) -> Int? {
        let directions = c.bidirectional ? 2 : 1
        guard (0..<1).contains(c.dropout), c.paddingId.map({ (0..<c.vocabularySize).contains($0) }) ?? true,
            let gates = checkedSize(4, times: c.hiddenSize),
            // per direction: weight_ih [4H, E], weight_hh [4H, H], two biases [4H]
            let perGate = checkedSize(c.embeddingSize, times: 1, plus: c.hiddenSize + 2)
        else { return nil }
        return checkedSum([
            checkedSize(c.vocabularySize, times: c.embeddingSize),
            checkedSize(gates, times: perGate).flatMap { checkedSize($0, times: directions) },
            checkedSize(directions, times: c.hiddenSize).flatMap {
                MLP.storedValueCount(.init(inputCount: $0, hiddenSizes: c.readoutSizes, outputCount: c.outputCount))
            },
        ])
    }
}

/// One named array in a model file: row-major `values` of the given `shape`.
public struct NamedArray: Codable, Equatable, Sendable {
    public var name: String
    public var shape: [Int]
    public var values: [Double]
}

/// The JSON layout of a model file (see README, "Model files"):
///
///     {"format": "weasel-model", "version": 1, "kind": "mlp", "dtype": "float32",
///      "architecture": {...the model's Configuration...},
///      "parameters": [{"name": "linear0.weight", "shape": [50, 57], "values": [...]}, ...],
///      "buffers":    [{"name": "norm0.running_mean", "shape": [50], "values": [...]}, ...]}
///
/// Parameters and buffers appear in the model's `namedParameters` / `namedBuffers` order with
/// PyTorch's names and layouts; values are row-major. Unknown extra keys are ignored on load.
public struct ModelFile<Configuration: Codable & Equatable>: Codable {
    public var format = "weasel-model"
    public var version = 1
    public var kind: String
    public var dtype: String
    public var architecture: Configuration
    public var parameters: [NamedArray]
    public var buffers: [NamedArray]
}

/// Why a model file could not be read; every message names the file and the problem.
public struct ModelFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public var description: String { "model file \(path): \(problem)" }

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
}

extension SavableModel {
    /// This model as a model-file value (architecture, parameters, buffers).
    public func modelFile() -> ModelFile<Configuration> {
        let dtype = parameters.first?.dtype ?? .float32
        return ModelFile(
            kind: Self.kind, dtype: dtype.rawValue, architecture: configuration,
            parameters: namedParameters.map {
                NamedArray(name: $0.name, shape: $0.tensor.shape, values: $0.tensor.scalars)
            },
            buffers: namedBuffers.map { NamedArray(name: $0.name, shape: $0.tensor.shape, values: $0.tensor.scalars) })
    }

    /// Rebuilds a model from a model-file value; `path` names the source in errors.
    public static func make(from file: ModelFile<Configuration>, path: String) throws -> Self {
        guard file.format == "weasel-model" else {
            throw ModelFileError(path: path, problem: "format is '\(file.format)', expected 'weasel-model'")
        }
        guard file.version == 1 else {
            throw ModelFileError(path: path, problem: "version \(file.version) is not supported (expected 1)")
        }
        guard file.kind == kind else {
            throw ModelFileError(path: path, problem: "holds a '\(file.kind)' model, expected '\(kind)'")
        }
        guard let dtype = DType(rawValue: file.dtype) else {
            throw ModelFileError(path: path, problem: "unknown dtype '\(file.dtype)'")
        }
        // Check the architecture against the arrays the file holds before allocating: a model far
        // larger than what the file can fill is refused outright (a corrupted size must not allocate
        // terabytes); otherwise the arrays are checked one by one below, with precise messages.
        let held = checkedSum((file.parameters + file.buffers).map { $0.values.count }) ?? 0
        guard let expected = storedValueCount(file.architecture) else {
            throw ModelFileError(
                path: path,
                problem: "the architecture has a size that is not positive, a dropout outside [0, 1), or is too large")
        }
        guard expected <= max(2 * held, 1 << 20) else {
            throw ModelFileError(
                path: path,
                problem: "the architecture holds \(expected) values, the file's parameters and buffers only \(held)")
        }
        var generator = SeededGenerator(seed: 0)
        let model = Self(file.architecture, dtype: dtype, using: &generator)
        try fill(model.namedParameters, from: file.parameters, section: "parameter", path: path)
        try fill(model.namedBuffers, from: file.buffers, section: "buffer", path: path)
        return model
    }

    /// Writes the model to `url` as JSON, atomically (a temporary file renamed into place), so an
    /// interrupted save never leaves a half-written file.
    public func save(to url: URL) throws { try writeJSONAtomically(modelFile(), to: url) }

    /// Reads a model written by `save(to:)`. Fails with a `ModelFileError` naming the problem:
    /// unreadable or malformed JSON, another kind of model, a missing, extra or misshapen
    /// parameter, or a non-finite value.
    public static func load(from url: URL) throws -> Self {
        try make(from: try readJSON(ModelFile<Configuration>.self, from: url, what: "model file"), path: url.path)
    }
}

private func fill(_ targets: [(name: String, tensor: Tensor)], from arrays: [NamedArray], section: String, path: String)
    throws
{
    var byName: [String: NamedArray] = [:]
    for array in arrays {
        guard byName.updateValue(array, forKey: array.name) == nil else {
            throw ModelFileError(path: path, problem: "\(section) '\(array.name)' appears twice")
        }
    }
    for (name, tensor) in targets {
        guard let array = byName.removeValue(forKey: name) else {
            throw ModelFileError(path: path, problem: "missing \(section) '\(name)'")
        }
        guard array.shape == tensor.shape else {
            throw ModelFileError(
                path: path,
                problem: "\(section) '\(name)' has shape \(array.shape), the architecture needs \(tensor.shape)")
        }
        guard array.values.count == tensor.count else {
            throw ModelFileError(
                path: path, problem: "\(section) '\(name)' has \(array.values.count) values for shape \(array.shape)")
        }
        if let bad = array.values.firstIndex(where: { !$0.isFinite }) {
            throw ModelFileError(path: path, problem: "\(section) '\(name)' has a non-finite value at index \(bad)")
        }
        tensor.assign(scalars: array.values)
    }
    if let extra = byName.keys.sorted().first {
        throw ModelFileError(path: path, problem: "unexpected \(section) '\(extra)' (not in the architecture)")
    }
}

/// Encodes `value` as JSON and writes it atomically (`writeAtomically`). A NaN or infinite number
/// anywhere in `value` is an error naming its field, and nothing is written.
public func writeJSONAtomically<T: Encodable>(_ value: T, toPath path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data: Data
    do { data = try encoder.encode(value) } catch EncodingError.invalidValue(_, let context) {
        let field = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        throw OutputFileError.nonFiniteValue(path: path, field: field.isEmpty ? "(top level)" : field)
    }
    try writeAtomically(data, toPath: path)
}

/// `writeJSONAtomically(_:toPath:)` for a file URL.
public func writeJSONAtomically<T: Encodable>(_ value: T, to url: URL) throws {
    try writeJSONAtomically(value, toPath: url.path)
}

/// Reads and decodes a JSON file, turning every failure into a `ModelFileError` that names the
/// file and, for decoding errors, the field.
public func readJSON<T: Decodable>(_ type: T.Type, from url: URL, what: String) throws -> T {
    let data: Data
    do { data = try InputFile.contents(url.path) } catch {
        throw ModelFileError(
            path: url.path, problem: error.reason == .directory ? "is a directory, not a \(what)" : error.problem)
    }
    // Strict JSON first (Foundation also takes a trailing comma), with the line and field where it
    // breaks — Foundation's decoder says only "not valid JSON".
    if let problem = JSONProblem.first(in: data, allowingByteOrderMark: false) {
        throw ModelFileError(path: url.path, problem: "\(problem)")
    }
    do { return try JSONDecoder().decode(type, from: data) } catch {
        guard let error = error as? DecodingError else {
            throw ModelFileError(path: url.path, problem: "cannot be decoded (\(error.localizedDescription))")
        }
        throw ModelFileError(path: url.path, problem: describe(error))
    }
}

private func describe(_ error: DecodingError) -> String {
    func pathText(_ path: [CodingKey]) -> String {
        path.isEmpty
            ? "the top level"
            : "'" + path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".") + "'"
    }
    switch error {
    case .dataCorrupted(let context):
        return context.codingPath.isEmpty
            ? "is not valid JSON" : "bad value at \(pathText(context.codingPath)): \(context.debugDescription)"
    case .keyNotFound(let key, let context):
        return "missing field '\(key.stringValue)' at \(pathText(context.codingPath))"
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
        return "wrong type at \(pathText(context.codingPath)): \(context.debugDescription)"
    @unknown default:
        return "cannot be decoded"
    }
}
