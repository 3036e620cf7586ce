import Autodiff

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

/// `s = (H + λI)⁻¹ ∇L_target` and how the solve went: every score below is built from it.
public struct SolvedTarget {
    public var target: InfluenceTarget
    public var vector: [Double]
    public var report: SolveReport
    public var damping: Double
}

extension InfluenceProblem {
    public func solve(target: InfluenceTarget, damping: Double, solver: InverseHVPSolver) throws -> SolvedTarget {
        let v = targetGradient(inputs: target.inputs, targets: target.targets)
        let (solutions, report) = try solve([v], damping: damping, solver: solver)
        return SolvedTarget(target: target, vector: solutions[0], report: report, damping: damping)
    }
}
