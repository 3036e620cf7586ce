import Autodiff
import Foundation

/// The loss whose change influence scores predict: the mean cross-entropy of `labels` on `inputs`
/// (one test point, a set of test points, or the validation set).
public struct InfluenceTarget {
    public var inputs: Tensor
    public var targets: Tensor
    public var description: String

    public init(inputs: Tensor, labels: [Int], classCount: Int, description: String) {
        self.inputs = inputs
        self.targets = Tensor.oneHot(labels, classCount: classCount, dtype: .float64)
        self.description = description
    }
}

/// Which loss influence explains: the validation loss, the test loss, or the loss on test points.
public enum TargetSelection: Equatable, Sendable, CustomStringConvertible {
    case validation
    case test
    case testPoints([String])

    /// `valid`, `test`, or comma-separated test ids; nil for an empty list of ids.
    public init?(_ text: String) {
        switch text {
        case "valid": self = .validation
        case "test": self = .test
        default:
            let ids = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !ids.isEmpty else { return nil }
            self = .testPoints(ids)
        }
    }

    public var description: String {
        switch self {
        case .validation: return "valid"
        case .test: return "test"
        case .testPoints(let ids): return ids.joined(separator: ",")
        }
    }
}

/// `s = (H + λI)⁻¹ ∇L_target` and how the solve went: every score below is built from it.
public struct SolvedTarget {
    public var target: InfluenceTarget
    public var vector: [Double]
    public var report: SolveReport
    public var damping: Double
}

extension InfluenceProblem {
    /// `s = (H + λI)⁻¹ ∇L_target`, with λ given or chosen automatically; `damping` of the result is
    /// the λ used (every later solve of the same run uses it).
    public func solve(target: InfluenceTarget, damping: Damping, solver: InverseHVPSolver) throws -> SolvedTarget {
        let v = targetGradient(inputs: target.inputs, targets: target.targets)
        let (solutions, report, used) = try solveChoosingDamping([v], damping: damping, solver: solver)
        return SolvedTarget(target: target, vector: solutions[0], report: report, damping: used)
    }
}
