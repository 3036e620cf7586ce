import Autodiff
import Foundation
import NN
import WeakSup

/// Which parameters influence is computed over.
public enum ParameterSelection: String, Sendable, CaseIterable {
    case all
    /// The output layer only (the usual cheap approximation; exact Hessians become small).
    case lastLayer = "last-layer"
}

/// A trained end model together with its training objective, in Float64 and evaluation mode:
///
///     Ĺ(θ) = (1/N) Σ_i w_i ℓ̂_i(θ) + (λ/2)‖θ‖²,   ℓ̂_i = −Σ_c ŷ_ic log f_c(x_i)
///
/// (λ = the optimizer's L2 weight decay). Everything influence functions need is computed here in
/// batches from the autodiff graph: gradients, exact Hessian-vector products, and class-gradient
/// projections — never an N×P matrix.
public final class InfluenceProblem {
    public let model: any Layer
    /// The parameters influence is computed over (all, or the output layer's).
    public let parameters: [Tensor]
    public let layout: ParameterLayout
    /// Training inputs `[N, …]`, soft targets `[N, C]` and per-row weights (1 unless reweighted).
    public let inputs: Tensor
    public let targets: Tensor
    public var weights: [Double]
    /// L2 weight decay λ of the training objective.
    public let l2: Double
    public let batchSize: Int
    /// The element type of every computation (Float64 by default).
    public let dtype: DType
    public let selection: ParameterSelection
    /// Which curvature `hessianVectorProduct` applies (the exact Hessian unless set).
    public var curvature = HessianKind.exact

    public var rowCount: Int { inputs.shape[0] }
    public var classCount: Int { targets.shape[1] }
    public var parameterCount: Int { layout.count }

    /// - Parameter model: the trained end model; it is copied to Float64 and put in eval mode.
    public init(
        model: any Layer, inputs: Tensor, targets: Tensor, weights: [Double]? = nil, l2: Double = 7e-7,
        selection: ParameterSelection = .all, batchSize: Int = 1024, dtype: DType = .float64
    ) throws {
        precondition(
            inputs.shape[0] == targets.shape[0],
            "InfluenceProblem: \(inputs.shape[0]) inputs, \(targets.shape[0]) targets")
        self.dtype = dtype
        self.selection = selection
        let wide = try EndModelFile(model: model).converted(to: dtype).makeModel(path: "(end model)")
        wide.eval()
        self.model = wide
        switch selection {
        case .all: parameters = wide.parameters
        case .lastLayer:
            guard let mlp = wide as? MLP else {
                parameters = Array(wide.parameters.suffix(2))
                break
            }
            parameters = mlp.output.parameters
        }
        layout = ParameterLayout(parameters)
        self.inputs = inputs.converted(to: dtype)
        self.targets = targets.converted(to: dtype)
        self.weights = weights ?? Array(repeating: 1, count: inputs.shape[0])
        self.l2 = l2
        self.batchSize = batchSize
    }

    func batches(_ count: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: batchSize).map { $0..<min($0 + batchSize, count) }
    }

    /// `(1/N) Σ_{i∈range} w_i ℓ̂_i` with a graph (the regularizer is added separately).
    func batchLoss(_ range: Range<Int>) -> Tensor {
        rowsLoss(Array(range)) * (1 / Double(rowCount))
    }

    /// `Σ_{i∈rows} w_i ℓ̂_i` with a graph.
    func rowsLoss(_ rows: [Int]) -> Tensor {
        let w = Tensor(shape: [rows.count], scalars: rows.map { weights[$0] }, dtype: dtype)
        return Loss.softTargetCrossEntropy(
            logits: model(inputs.gatheringRows(rows)), targets: targets.gatheringRows(rows),
            weights: w, reduction: .sum)
    }

    /// The training objective's value.
    public func loss() -> Double {
        withoutGradients { batches(rowCount).reduce(0) { $0 + batchLoss($1).item } } + 0.5 * l2
            * dot(flatParameters, flatParameters)
    }

    /// ∇Ĺ(θ).
    public func gradient() -> [Double] { withGradients { gradientBody() } }

    private func gradientBody() -> [Double] {
        var total = [Double](repeating: 0, count: parameterCount)
        for range in batches(rowCount) {
            axpy(1, layout.flatten(gradients(of: batchLoss(range), wrt: parameters)), &total)
        }
        axpy(l2, flatParameters, &total)
        return total
    }

    /// `(H + damping·I) v` over every batch (or the rows `rows`, scaled to the whole set), with `H`
    /// the exact Hessian `∇²Ĺ(θ)` by double backward, or its generalized Gauss–Newton approximation
    /// (`curvature`).
    public func hessianVectorProduct(_ v: [Double], damping: Double = 0, rows: Range<Int>? = nil) -> [Double] {
        CurvatureOperator(self, rows: rows).apply(v, damping: damping)
    }

    /// The current parameter values, flattened.
    public var flatParameters: [Double] { layout.flatten(parameters) }

    /// Sets the parameters from a flat vector (for retraining and tests).
    public func setParameters(_ values: [Double]) {
        for (p, value) in zip(parameters, layout.unflatten(values, dtype: dtype)) { p.assign(value) }
    }

    /// The gradient of the mean cross-entropy of `labels` (hard, `[n]`) or soft `targets` on
    /// `inputs`: the test-side vector `v` of influence functions.
    public func targetGradient(inputs targetInputs: Tensor, targets targetLabels: Tensor) -> [Double] {
        withGradients { targetGradientBody(inputs: targetInputs, targets: targetLabels) }
    }

    private func targetGradientBody(inputs targetInputs: Tensor, targets targetLabels: Tensor) -> [Double] {
        let x = targetInputs.converted(to: dtype)
        let y = targetLabels.converted(to: dtype)
        let n = x.shape[0]
        var total = [Double](repeating: 0, count: parameterCount)
        for range in batches(n) {
            let rows = Array(range)
            let loss =
                Loss.softTargetCrossEntropy(
                    logits: model(x.gatheringRows(rows)), targets: y.gatheringRows(rows), reduction: .sum)
                * (1 / Double(n))
            axpy(1, layout.flatten(gradients(of: loss, wrt: parameters)), &total)
        }
        return total
    }

    /// The mean cross-entropy on a target set (the loss whose change influence predicts).
    public func targetLoss(inputs targetInputs: Tensor, targets targetLabels: Tensor) -> Double {
        withoutGradients {
            Loss.softTargetCrossEntropy(
                logits: model(targetInputs.converted(to: dtype)), targets: targetLabels.converted(to: dtype)
            ).item
        }
    }

    /// Class-gradient projections `u[k][i, c] = s_kᵀ ∇_θ log f_c(x_i)` for every training row and
    /// class, for each vector `s_k` (DESIGN §5's primitive). Per batch: `J = ∂ log f / ∂θ` is never
    /// formed; `J s = ∇_v ⟨Jᵀ v, s⟩` with a dummy cotangent v (two backward passes, one shared by all s).
    public func classGradientProjections(_ vectors: [[Double]], inputs x: Tensor? = nil) -> [[Double]] {
        withGradients { projectionsBody(vectors, inputs: x) }
    }

    private func projectionsBody(_ vectors: [[Double]], inputs x: Tensor?) -> [[Double]] {
        let x = (x ?? inputs).converted(to: dtype)
        let n = x.shape[0]
        let c = classCount
        let directions = vectors.map { layout.unflatten($0, dtype: dtype) }
        var results = Array(repeating: [Double](), count: vectors.count)
        for range in batches(n) {
            let logProbabilities = model(x.gatheringRows(Array(range))).logSoftmax()
            let dummy = Tensor.zeros([range.count, c], dtype: dtype).requiringGradient()
            let vjp = gradients(of: logProbabilities, wrt: parameters, seed: dummy, createGraph: true)
            for (k, direction) in directions.enumerated() {
                let inner = zip(vjp, direction).map { ($0 * $1).sum() }.dropFirst().reduce(
                    (vjp[0] * direction[0]).sum(), +)
                results[k] += gradients(of: inner, wrt: [dummy])[0].scalars
            }
        }
        return results
    }

    /// The gradient of row i's loss `∇θ ℓ̂_i` (unweighted, without the regularizer), for each row.
    public func perRowGradients(_ rows: [Int]) -> [[Double]] {
        withGradients {
            rows.map { i in
                let loss = Loss.softTargetCrossEntropy(
                    logits: model(inputs.gatheringRows([i])), targets: targets.gatheringRows([i]), reduction: .sum)
                return layout.flatten(gradients(of: loss, wrt: parameters))
            }
        }
    }
}

extension EndModelFile {
    /// The same model with parameters of another dtype (influence solves default to Float64).
    func converted(to dtype: DType) -> EndModelFile {
        switch self {
        case .mlp(var file):
            file.dtype = dtype.rawValue
            return .mlp(file)
        case .sequence(var file):
            file.dtype = dtype.rawValue
            return .sequence(file)
        }
    }
}
