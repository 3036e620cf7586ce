@_exported import Autodiff

/// A network component with named, ordered parameters, buffers and child modules, and a
/// training/evaluation flag that propagates to its children (as `torch.nn.Module`).
///
/// Names are dotted paths (`layers.0.weight`) in a fixed order, so influence code can flatten all
/// parameters (or the last layer's) into one vector and back, and model files can name them.
open class Module {
    /// Training mode (batch statistics in BatchNorm, active dropout) or evaluation mode.
    public private(set) var isTraining = true

    public init() {}

    /// Direct children in a fixed order. Subclasses override.
    open var children: [(name: String, module: Module)] { [] }
    /// This module's own parameters (not its children's). Subclasses override.
    open var localParameters: [(name: String, tensor: Tensor)] { [] }
    /// This module's own buffers: state that is saved but never receives gradients
    /// (BatchNorm's running statistics). Subclasses override.
    open var localBuffers: [(name: String, tensor: Tensor)] { [] }

    /// Sets training mode here and in every descendant.
    public func train() { setTraining(true) }
    /// Sets evaluation mode here and in every descendant.
    public func eval() { setTraining(false) }

    private func setTraining(_ value: Bool) {
        isTraining = value
        for child in children { child.module.setTraining(value) }
    }

    /// All parameters with dotted names, depth-first in declaration order.
    public var namedParameters: [(name: String, tensor: Tensor)] {
        localParameters
            + children.flatMap { child in
                child.module.namedParameters.map { ("\(child.name).\($0.name)", $0.tensor) }
            }
    }

    /// All parameters in the order of `namedParameters`.
    public var parameters: [Tensor] { namedParameters.map(\.tensor) }

    /// All buffers with dotted names.
    public var namedBuffers: [(name: String, tensor: Tensor)] {
        localBuffers
            + children.flatMap { child in
                child.module.namedBuffers.map { ("\(child.name).\($0.name)", $0.tensor) }
            }
    }

    /// Copies of every parameter and buffer, in `namedParameters` then `namedBuffers` order
    /// (to keep the weights of the best epoch while training goes on).
    public func snapshot() -> [Tensor] {
        (parameters + namedBuffers.map(\.tensor)).map { $0.copied() }
    }

    /// Writes a `snapshot()` of a module of the same architecture back into this one.
    public func restore(_ snapshot: [Tensor]) {
        let targets = parameters + namedBuffers.map(\.tensor)
        precondition(
            snapshot.count == targets.count,
            "Module.restore: \(snapshot.count) tensors for \(targets.count) parameters and buffers")
        for (target, saved) in zip(targets, snapshot) { target.assign(saved) }
    }

    /// Total number of scalar parameters.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}

/// A module that maps one tensor to another (`callAsFunction`), so models compose.
public protocol Layer: Module {
    func callAsFunction(_ input: Tensor) -> Tensor
}
