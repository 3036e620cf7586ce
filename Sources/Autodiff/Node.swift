/// A backward rule: given the cotangent of an op's output, its inputs, the output itself and
/// which inputs need a gradient, returns one cotangent per input (nil where not needed).
///
/// Rules are written with `Tensor` ops, never raw buffer loops, so that when the backward pass
/// records a graph (`createGraph: true`) their results can be differentiated again.
package typealias BackwardRule = (_ grad: Tensor, _ inputs: [Tensor], _ output: Tensor, _ needs: [Bool]) -> [Tensor?]

/// A cotangent that is zero outside a region of its input, returned by the backward of slicing
/// and gathering so the walker can add it in place instead of materialising a padded tensor
/// (an LSTM slices each of T steps from one projection; padding each would cost O(T²)).
package enum PartialCotangent {
    /// `values` placed at `start` along `axis` of a tensor of `fullShape`.
    case slice(Tensor, axis: Int, start: Int)
    /// Row r of `values` added to row `indices[r]` of a tensor of `fullShape`.
    case rows(Tensor, indices: [Int])
}

/// The record of one op in the define-by-run graph. Holds its inputs strongly and its rule;
/// the rule captures only constants (shapes, axes), never the output, so there are no cycles
/// and a graph is freed as soon as its last output tensor is released.
package final class Node {
    package let name: String
    package let inputs: [Tensor]
    package let backward: BackwardRule
    /// For single-input ops whose cotangent is sparse: used instead of `backward` when no graph
    /// is being recorded. `backward` stays the differentiable definition.
    package let partialBackward: ((_ grad: Tensor) -> PartialCotangent)?

    package init(
        name: String, inputs: [Tensor], backward: @escaping BackwardRule,
        partialBackward: ((_ grad: Tensor) -> PartialCotangent)? = nil
    ) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
        self.partialBackward = partialBackward
    }
}
