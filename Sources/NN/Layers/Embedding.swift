/// A lookup table of `count` vectors of size `dimension` (`weight: [count, dimension]`, init N(0, 1)
/// as `nn.Embedding`). Token ids arrive as a tensor of integral values, so token batches flow
/// through the same minibatch machinery as feature batches.
public final class Embedding: Module {
    public let count: Int
    public let dimension: Int
    public let weight: Tensor

    public init(count: Int, dimension: Int, dtype: DType = .float32, using generator: inout SeededGenerator) {
        precondition(count > 0 && dimension > 0, "Embedding needs positive sizes")
        self.count = count
        self.dimension = dimension
        weight = Initialization.standardNormal([count, dimension], dtype: dtype, using: &generator)
    }

    override public var localParameters: [(name: String, tensor: Tensor)] { [("weight", weight)] }

    /// - Parameter ids: token ids of any shape `S`. - Returns: `S + [dimension]`.
    public func callAsFunction(_ ids: Tensor) -> Tensor {
        let indices = ids.scalars.map { value -> Int in
            let id = Int(value)
            precondition(
                Double(id) == value && id >= 0 && id < count, "Embedding(\(count)): token id \(value) out of range")
            return id
        }
        return weight.gatheringRows(indices).reshaped(ids.shape + [dimension])
    }
}
