/// The element type of a tensor, chosen per tensor (as in PyTorch and MLX).
///
/// Float32 is the training default (speed); Float64 is used by gradient checks and,
/// by default, by influence solves.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case float64

    /// Bytes per element.
    public var byteCount: Int {
        switch self {
        case .float32: return 4
        case .float64: return 8
        }
    }

    public var description: String { rawValue }
}
