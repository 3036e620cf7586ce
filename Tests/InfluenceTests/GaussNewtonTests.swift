import Foundation
import Influence
import TestSupport
import Testing

@Suite("Gauss–Newton curvature")
struct GaussNewtonTests {
    func problem(hidden: [Int], seed: UInt64) throws -> InfluenceProblem {
        var generator = SeededGenerator(seed: seed)
        let model = MLP(
            inputCount: 3, hiddenSizes: hidden, outputCount: 3, activation: .tanh, dtype: .float64, using: &generator)
        let x = Tensor.randomNormal([12, 3], dtype: .float64, using: &generator)
        let raw = Tensor.randomUniform([12, 3], low: 0.1, high: 1, dtype: .float64, using: &generator)
        let targets = withoutGradients { raw / raw.sum(axis: 1, keepingDimension: true) }
        return try InfluenceProblem(
            model: model, inputs: x, targets: targets, weights: (0..<12).map { 0.5 + Double($0 % 3) * 0.25 }, l2: 0.01,
            batchSize: 5)
    }

    func randomVector(_ count: Int, _ generator: inout SeededGenerator) -> [Double] {
        (0..<count).map { _ in generator.nextNormal() }
    }

    @Test("for logistic regression (a linear softmax layer) GGN-vector products equal exact HVPs")
    func linearModel() throws {
        let problem = try problem(hidden: [], seed: 1)
        var generator = SeededGenerator(seed: 2)
        for _ in 0..<3 {
            let v = randomVector(problem.parameterCount, &generator)
            problem.curvature = .exact
            let exact = problem.hessianVectorProduct(v, damping: 0.3)
            problem.curvature = .gaussNewton
            let gaussNewton = problem.hessianVectorProduct(v, damping: 0.3)
            #expect(maxRelativeError(gaussNewton, exact, floor: 1e-12) < 1e-10)
        }
    }

    @Test("for an MLP the GGN is symmetric, positive semi-definite, and equals Σ Jᵀ H_out J built densely")
    func network() throws {
        let problem = try problem(hidden: [4], seed: 3)
        problem.curvature = .gaussNewton
        let p = problem.parameterCount
        var generator = SeededGenerator(seed: 4)
        let u = randomVector(p, &generator)
        let v = randomVector(p, &generator)
        let gu = problem.hessianVectorProduct(u)
        let gv = problem.hessianVectorProduct(v)
        func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(isApproximatelyEqual(dot(u, gv), dot(v, gu), relative: 1e-10))
        for _ in 0..<20 {
            let w = randomVector(p, &generator)
            #expect(dot(w, problem.hessianVectorProduct(w)) >= 0.01 * dot(w, w) - 1e-12)  // ≥ l2‖w‖²
        }
        // Dense: G = (1/N) Σ_i w_i J_iᵀ (diag p_i − p_i p_iᵀ) J_i + l2·I, with J_i's rows ∇θ z_ic.
        var dense = [Double](repeating: 0, count: p * p)
        for i in 0..<problem.rowCount {
            let logits = problem.model(problem.inputs.gatheringRows([i]))
            let jacobian = (0..<3).map { c in
                problem.layout.flatten(
                    gradients(of: logits.sliced(axis: 1, start: c, length: 1).sum(), wrt: problem.parameters))
            }
            let probabilities = withoutGradients { logits.softmax() }.scalars
            let scale = problem.weights[i] / Double(problem.rowCount)
            for a in 0..<3 {
                for b in 0..<3 {
                    let h = scale * ((a == b ? probabilities[a] : 0) - probabilities[a] * probabilities[b])
                    for r in 0..<p { for s in 0..<p { dense[r * p + s] += h * jacobian[a][r] * jacobian[b][s] } }
                }
            }
        }
        let denseGv = (0..<p).map { r in (0..<p).reduce(0.01 * v[r]) { $0 + dense[r * p + $1] * v[$1] } }
        #expect(maxRelativeError(gv, denseGv, floor: 1e-9) < 1e-9)
        // And it differs from the exact Hessian of a network (the point of the approximation).
        problem.curvature = .exact
        #expect(maxRelativeError(problem.hessianVectorProduct(v), gv, floor: 1e-9) > 1e-4)
    }
}
