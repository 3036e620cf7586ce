import Foundation

/// A dense, contiguous, row-major array of Float32 or Float64 values that can take part in
/// reverse-mode differentiation.
///
/// Tensors are immutable values as far as the graph is concerned: every op returns a new tensor,
/// and when graph recording is on (see `GradMode`) and any input requires a gradient, the result
/// carries a `Node` with its inputs and backward rule. Parameters are leaves created with
/// `requiresGrad: true`; gradients are *returned* by `gradients(of:wrt:createGraph:)`, never stored
/// on the tensor.
public final class Tensor {
    /// The extent of each axis; `[]` is a scalar.
    public let shape: [Int]
    /// The element type.
    public let dtype: DType
    /// Whether gradients flow back to (or through) this tensor.
    public let requiresGrad: Bool
    package let storage: Storage
    package let node: Node?

    package init(shape: [Int], storage: Storage, requiresGrad: Bool = false, node: Node? = nil) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Negative extent in shape \(shape)")
        precondition(
            shape.reduce(1, *) == storage.count,
            "Shape \(shape) needs \(shape.reduce(1, *)) elements, storage has \(storage.count)")
        self.shape = shape
        self.dtype = storage.dtype
        self.storage = storage
        self.requiresGrad = requiresGrad || node != nil
        self.node = node
    }

    /// Number of elements.
    public var count: Int { storage.count }
    /// Number of axes.
    public var rank: Int { shape.count }
    /// Rows of a matrix (first axis), 1 for a scalar.
    public var rows: Int { shape.first ?? 1 }
    /// Columns of a matrix (last axis), 1 for a scalar.
    public var columns: Int { shape.count >= 2 ? shape[shape.count - 1] : (shape.count == 1 ? shape[0] : 1) }

    /// The result of an op: records a graph node when recording is on and an input needs a gradient.
    package static func result(
        _ name: String, shape: [Int], storage: Storage, inputs: [Tensor], backward: @escaping BackwardRule,
        partialBackward: PartialBackwardRule? = nil
    ) -> Tensor {
        if GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad }) {
            let node = Node(name: name, inputs: inputs, backward: backward, partialBackward: partialBackward)
            return Tensor(shape: shape, storage: storage, node: node)
        }
        return Tensor(shape: shape, storage: storage)
    }
}

// MARK: - Constructors

extension Tensor {
    /// A tensor from values given as Doubles (converted to `dtype`).
    public convenience init(shape: [Int], scalars: [Double], dtype: DType = .float32, requiresGrad: Bool = false) {
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        let storage = Storage(count: scalars.count, dtype: dtype)
        switch dtype {
        case .float32:
            let p = storage.pointer(Float.self)
            for i in scalars.indices { p[i] = Float(scalars[i]) }
        case .float64:
            let p = storage.pointer(Double.self)
            for i in scalars.indices { p[i] = scalars[i] }
        }
        self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
    }

    /// A Float32 tensor from Float values.
    public convenience init(shape: [Int], floats: [Float], requiresGrad: Bool = false) {
        precondition(
            shape.reduce(1, *) == floats.count,
            "Shape \(shape) needs \(shape.reduce(1, *)) values, got \(floats.count)")
        let storage = Storage(count: floats.count, dtype: .float32)
        floats.withUnsafeBufferPointer { storage.raw.copyMemory(from: $0.baseAddress!, byteCount: floats.count * 4) }
        self.init(shape: shape, storage: storage, requiresGrad: requiresGrad)
    }

    /// A scalar (shape `[]`).
    public convenience init(_ value: Double, dtype: DType = .float32) {
        self.init(shape: [], scalars: [value], dtype: dtype)
    }

    /// A matrix from rows of Doubles.
    public convenience init(rows values: [[Double]], dtype: DType = .float32, requiresGrad: Bool = false) {
        let columns = values.first?.count ?? 0
        precondition(values.allSatisfy { $0.count == columns }, "Rows of unequal length")
        self.init(
            shape: [values.count, columns], scalars: values.flatMap { $0 }, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], value: Double, dtype: DType = .float32) -> Tensor {
        let storage = Storage(count: shape.reduce(1, *), dtype: dtype)
        switch dtype {
        case .float32: storage.buffer(Float.self).initialize(repeating: Float(value))
        case .float64: storage.buffer(Double.self).initialize(repeating: value)
        }
        return Tensor(shape: shape, storage: storage)
    }

    public static func zeros(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(shape: shape, storage: Storage(zeros: shape.reduce(1, *), dtype: dtype))
    }

    public static func ones(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        full(shape, value: 1, dtype: dtype)
    }

    /// Normal samples with the given mean and standard deviation.
    public static func randomNormal(
        _ shape: [Int], mean: Double = 0, standardDeviation: Double = 1, dtype: DType = .float32,
        using generator: inout SeededGenerator
    ) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ in mean + standardDeviation * generator.nextNormal() }
        return Tensor(shape: shape, scalars: values, dtype: dtype)
    }

    /// Uniform samples in [low, high).
    public static func randomUniform(
        _ shape: [Int], low: Double = 0, high: Double = 1, dtype: DType = .float32,
        using generator: inout SeededGenerator
    ) -> Tensor {
        let values = (0..<shape.reduce(1, *)).map { _ in low + (high - low) * generator.nextUniform() }
        return Tensor(shape: shape, scalars: values, dtype: dtype)
    }

    /// A constant mask whose entries are `scale` with probability `keepProbability` and 0 otherwise
    /// (dropout). Written straight into storage.
    public static func bernoulliMask(
        _ shape: [Int], keepProbability: Double, scale: Double, dtype: DType = .float32,
        using generator: inout SeededGenerator
    ) -> Tensor {
        let count = shape.reduce(1, *)
        let storage = Storage(count: count, dtype: dtype)
        // Compare 53-bit uniforms against the threshold in integer space: the same draws as nextUniform().
        let threshold = UInt64(keepProbability * 0x1.0p53)
        // Branch-free: `draw − threshold` wraps to ≥ 2⁶³ exactly when draw < threshold, so its top
        // bit, spread to all bits, masks `scale` (a branch on a random draw mispredicts a third of
        // the time). A local copy of the generator stays in registers.
        var local = generator
        defer { generator = local }
        @inline(__always) func keepMask(_ draw: UInt64) -> UInt64 { 0 &- ((draw >> 11) &- threshold) >> 63 }
        switch dtype {
        case .float32:
            let p = storage.pointer(Float.self)
            let bits = Float(scale).bitPattern
            for i in 0..<count {
                p[i] = Float(bitPattern: bits & UInt32(truncatingIfNeeded: keepMask(local.next())))
            }
        case .float64:
            let p = storage.pointer(Double.self)
            let bits = scale.bitPattern
            for i in 0..<count { p[i] = Double(bitPattern: bits & keepMask(local.next())) }
        }
        return Tensor(shape: shape, storage: storage)
    }

    /// A copy of the values in new storage, with no graph (snapshots of weights, for example).
    public func copied() -> Tensor {
        Tensor(shape: shape, storage: storage.copy())
    }

    /// A new leaf with the same values that requires gradients (shares storage).
    public func requiringGradient() -> Tensor {
        Tensor(shape: shape, storage: storage, requiresGrad: true)
    }
}

// MARK: - Reading values

extension Tensor {
    /// All values as Doubles, row-major.
    public var scalars: [Double] { storage.doubles() }

    /// All values as Floats, row-major.
    public var floats: [Float] {
        switch dtype {
        case .float32: return Array(storage.buffer(Float.self))
        case .float64: return storage.buffer(Double.self).map(Float.init)
        }
    }

    /// The single value of a one-element tensor.
    public var item: Double {
        precondition(count == 1, "item needs a one-element tensor, shape is \(shape)")
        switch dtype {
        case .float32: return Double(storage.pointer(Float.self)[0])
        case .float64: return storage.pointer(Double.self)[0]
        }
    }

    /// The value at a flat row-major index.
    public func scalar(at index: Int) -> Double {
        precondition(index >= 0 && index < count, "Index \(index) out of range for shape \(shape)")
        switch dtype {
        case .float32: return Double(storage.pointer(Float.self)[index])
        case .float64: return storage.pointer(Double.self)[index]
        }
    }

    /// The value at row `row`, column `column` of a matrix.
    public subscript(row: Int, column: Int) -> Double {
        precondition(rank == 2, "Two-index subscript needs a matrix, shape is \(shape)")
        precondition(
            row >= 0 && row < shape[0] && column >= 0 && column < shape[1],
            "Index (\(row), \(column)) out of range for shape \(shape)")
        return scalar(at: row * shape[1] + column)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let values = scalars.prefix(12).map { String(format: "%.5g", $0) }.joined(separator: ", ")
        return "Tensor<\(dtype)>\(shape)[\(values)\(count > 12 ? ", …" : "")]"
    }
}

// MARK: - In-place updates (optimizers only)

extension Tensor {
    /// Overwrites this tensor's values with `other`'s, in place. For optimizers and loading weights:
    /// the caller guarantees no live graph needs the old values.
    public func assign(_ other: Tensor) {
        precondition(other.shape == shape, "assign: shape \(other.shape) does not match \(shape)")
        precondition(other.dtype == dtype, "assign: dtype \(other.dtype) does not match \(dtype)")
        storage.raw.copyMemory(from: other.storage.raw, byteCount: count * dtype.byteCount)
    }

    /// Overwrites this tensor's values from Doubles.
    public func assign(scalars values: [Double]) {
        precondition(values.count == count, "assign: \(values.count) values for shape \(shape)")
        switch dtype {
        case .float32:
            let p = storage.pointer(Float.self)
            for i in values.indices { p[i] = Float(values[i]) }
        case .float64:
            let p = storage.pointer(Double.self)
            for i in values.indices { p[i] = values[i] }
        }
    }
}
