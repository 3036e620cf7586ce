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
        precondition(gradients.count == parameters.count, "Optimizer: \(gradients.count) gradients for \(parameters.count) parameters")
        for (p, g) in zip(parameters, gradients) {
            precondition(p.shape == g.shape && p.dtype == g.dtype, "Optimizer: gradient \(g.shape) \(g.dtype) for parameter \(p.shape) \(p.dtype)")
        }
    }
}

/// Runs a per-element update over a parameter, its gradient and state buffers of the same size,
/// in the parameter's element type (optimiser updates are not differentiated).
package func updateElements(
    _ parameter: Tensor, _ gradient: Tensor, _ state: [Storage],
    _ body32: (UnsafeMutablePointer<Float>, UnsafePointer<Float>, [UnsafeMutablePointer<Float>], Int) -> Void,
    _ body64: (UnsafeMutablePointer<Double>, UnsafePointer<Double>, [UnsafeMutablePointer<Double>], Int) -> Void
) {
    switch parameter.dtype {
    case .float32:
        body32(parameter.storage.pointer(Float.self), gradient.storage.pointer(Float.self), state.map { $0.pointer(Float.self) }, parameter.count)
    case .float64:
        body64(parameter.storage.pointer(Double.self), gradient.storage.pointer(Double.self), state.map { $0.pointer(Double.self) }, parameter.count)
    }
}
