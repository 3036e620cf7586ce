/// Minibatches of row indices for one epoch, shuffled with a seeded generator (or in order).
/// The last batch may be smaller; `dropLast` drops it (BatchNorm needs > 1 row).
public func minibatches(
    count: Int, batchSize: Int, shuffle: Bool, dropLast: Bool = false,
    using generator: inout SeededGenerator
) -> [[Int]] {
    precondition(batchSize > 0, "minibatches: batch size must be positive, got \(batchSize)")
    var order = Array(0..<count)
    if shuffle { order.seededShuffle(using: &generator) }
    var batches = stride(from: 0, to: count, by: batchSize).map { Array(order[$0..<Swift.min($0 + batchSize, count)]) }
    if dropLast, let last = batches.last, last.count < batchSize { batches.removeLast() }
    return batches
}

extension Layer {
    /// Runs the model over all rows of `input` in batches, in evaluation mode and without
    /// recording a graph; restores the previous mode afterwards. - Returns: `[rows, outputs]`.
    public func predictLogits(_ input: Tensor, batchSize: Int = 1024) -> Tensor {
        let wasTraining = isTraining
        eval()
        defer { if wasTraining { train() } }
        return withoutGradients {
            let rows = input.shape[0]
            let parts = stride(from: 0, to: rows, by: batchSize).map { start in
                self(input.sliced(axis: 0, start: start, length: Swift.min(batchSize, rows - start)))
            }
            return concat(parts, axis: 0)
        }
    }

    /// Class probabilities (softmax of the logits) for every row, in evaluation mode.
    public func predictProbabilities(_ input: Tensor, batchSize: Int = 1024) -> Tensor {
        withoutGradients { predictLogits(input, batchSize: batchSize).softmax() }
    }
}
