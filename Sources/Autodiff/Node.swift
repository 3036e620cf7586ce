/// A backward rule: given the cotangent of an op's output, its inputs, the output itself and
/// which inputs need a gradient, returns one cotangent per input (nil where not needed).
///
/// Rules are written with `Tensor` ops, never raw buffer loops, so that when the backward pass
/// records a graph (`createGraph: true`) their results can be differentiated again.
package typealias BackwardRule = (_ grad: Tensor, _ inputs: [Tensor], _ output: Tensor, _ needs: [Bool]) -> [Tensor?]

/// The record of one op in the define-by-run graph. Holds its inputs strongly and its rule;
/// the rule captures only constants (shapes, axes), never the output, so there are no cycles
/// and a graph is freed as soon as its last output tensor is released.
package final class Node {
    package let name: String
    package let inputs: [Tensor]
    package let backward: BackwardRule

    package init(name: String, inputs: [Tensor], backward: @escaping BackwardRule) {
        self.name = name
        self.inputs = inputs
        self.backward = backward
    }
}
