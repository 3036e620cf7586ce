/// A backward rule: given the cotangent of an op's output, its inputs, the output itself and
/// which inputs need a gradient, returns one cotangent per input (nil where not needed).
///
/// Rules are written with `Tensor` ops, never raw buffer loops, so that when the backward pass
/// records a graph (`createGraph: true`) their results can be differentiated again.
package typealias BackwardRule = (_ grad: Tensor, _ inputs: [Tensor], _ output: Tensor, _ needs: [Bool]) -> [Tensor?]

/// A backward rule that returns `PartialCotangent`s (see `Node.partialBackward`).
package typealias PartialBackwardRule = (_ grad: Tensor, _ inputs: [Tensor], _ needs: [Bool]) -> [PartialCotangent?]

/// A cotangent the walker adds into its input's sum itself, when no graph is recorded, instead of
/// receiving it as a finished tensor: slicing and gathering return the region that is not zero
/// (an LSTM slices each of T steps from one projection; padding each would cost O(T²)), and a
/// matrix product returns its factors, so a second contribution is summed by gemm itself (β = 1)
/// instead of a product into fresh memory and then a pass adding it.
package enum PartialCotangent {
    /// `values` placed at `start` along `axis` of a tensor of `fullShape`.
    case slice(Tensor, axis: Int, start: Int)
    /// Row r of `values` added to row `indices[r]` of a tensor of `fullShape`.
    case rows(Tensor, indices: [Int])
    /// `op(a) · op(b)`, `op` transposing where its flag is set.
    case product(Tensor, Tensor, transposeA: Bool, transposeB: Bool)
    /// A finished cotangent.
    case dense(Tensor)
}

/// The record of one op in the define-by-run graph. Holds its inputs strongly and its rule;
/// the rule captures only constants (shapes, axes), never the output, so there are no cycles
/// and a graph is freed as soon as its last output tensor is released.
package final class Node {
    package let name: String
    package let inputs: [Tensor]
    package let backward: BackwardRule
    /// One cotangent per input (nil where not needed) for the walker to add itself: used instead of
    /// `backward` when no graph is being recorded. `backward` stays the differentiable definition.
    package let partialBackward: PartialBackwardRule?

    package init(
        name: String, inputs: [Tensor], backward: @escaping BackwardRule, partialBackward: PartialBackwardRule? = nil
    ) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
        self.partialBackward = partialBackward
    }
}
