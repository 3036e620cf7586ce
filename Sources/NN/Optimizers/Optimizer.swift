/// Updates a fixed, ordered list of parameters in place from gradients in the same order.
/// Per-parameter state is kept in arrays aligned with the parameters.
public protocol Optimizer: AnyObject {
    var parameters: [Tensor] { get }
    /// Learning rate (public so schedules can change it between steps).
    var learningRate: Double { get set }
    /// One update; `gradients[k]` belongs to `parameters[k]`.
    func step(_ gradients: [Tensor])
}

extension Optimizer {
    package func checkGradients(_ gradients: [Tensor]) {
        precondition(
            gradients.count == parameters.count,
            "Optimizer: \(gradients.count) gradients for \(parameters.count) parameters")
        for (p, g) in zip(parameters, gradients) {
            precondition(
                p.shape == g.shape && p.dtype == g.dtype,
                "Optimizer: gradient \(g.shape) \(g.dtype) for parameter \(p.shape) \(p.dtype)")
        }
    }
}

/// A per-element optimizer update, written once for both element types: its hyperparameters
/// travel as the conforming struct's fields, and `updateElements` picks the element type with one
/// `switch` on the dtype (optimizer updates are not differentiated).
package protocol ElementwiseUpdate {
    /// Updates `count` elements of a parameter in place from its gradient and state buffers.
    func apply<T: TensorScalar>(
        parameter: UnsafeMutablePointer<T>, gradient: UnsafePointer<T>, state: [UnsafeMutablePointer<T>], count: Int)
}

/// Runs `update` over a parameter, its gradient and state buffers of the same size, in the
/// parameter's element type.
package func updateElements(
    _ parameter: Tensor, _ gradient: Tensor, state: [Storage], with update: some ElementwiseUpdate
) {
    switch parameter.dtype {
    case .float32:
        update.apply(
            parameter: parameter.storage.pointer(Float.self), gradient: gradient.storage.pointer(Float.self),
            state: state.map { $0.pointer(Float.self) }, count: parameter.count)
    case .float64:
        update.apply(
            parameter: parameter.storage.pointer(Double.self), gradient: gradient.storage.pointer(Double.self),
            state: state.map { $0.pointer(Double.self) }, count: parameter.count)
    }
}
