/// Elementwise activation functions, by name (as they appear in model files and CLI options).
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu, tanh, sigmoid, softplus, identity

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .relu: return x.relu()
        case .tanh: return x.tanh()
        case .sigmoid: return x.sigmoid()
        case .softplus: return x.softplus()
        case .identity: return x
        }
    }
}
