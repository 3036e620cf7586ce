import Autodiff
import Foundation

/// How `(H + λI)⁻¹ v` is computed.
public enum InverseHVPSolver: Sendable, Equatable {
    /// Dense Hessian from P exact HVPs, then Cholesky (LAPACK `dposv`). For P up to `maxParameters`.
    case exact(maxParameters: Int = 4000)
    /// Conjugate gradient on `(H + λI)` with exact HVPs: stops at relative residual `tolerance`; not
    /// reaching it within `maxIterations` is an error unless `fixedIterations` (then exactly that
    /// many iterations run, or fewer if the residual reaches zero, and the result is accepted).
    case conjugateGradient(tolerance: Double = 1e-8, maxIterations: Int = 1000, fixedIterations: Bool = false)
    /// LiSSA (Agarwal et al. 2017; Koh & Liang 2017): `h ← v + (I − (H_B + λI)/scale) h` with H_B on
    /// random minibatches, `depth` steps, averaged over `repeats`, divided by `scale`. A final
    /// relative residual (with the full Hessian) above `tolerance` is an error unless `fixedIterations`.
    case lissa(
        scale: Double = 10, depth: Int = 1000, repeats: Int = 1, batchSize: Int = 256, seed: UInt64 = 0,
        tolerance: Double = 0.05, fixedIterations: Bool = false)

    /// The solver families, as the CLI spells them.
    public enum Kind: String, CaseIterable, Sendable {
        case conjugateGradient = "cg"
        case exact
        case lissa

        /// The solver of this family with its default settings.
        public var solver: InverseHVPSolver {
            switch self {
            case .conjugateGradient: return .conjugateGradient()
            case .exact: return .exact()
            case .lissa: return .lissa()
            }
        }
    }

    public var kind: Kind {
        switch self {
        case .exact: return .exact
        case .conjugateGradient: return .conjugateGradient
        case .lissa: return .lissa
        }
    }
}

/// How a solve went.
public struct SolveReport: Sendable {
    public var solver: InverseHVPSolver.Kind
    public var iterations: Int
    /// `‖(H + λI)x − v‖ / ‖v‖` (exact for CG and the direct solve; for LiSSA computed at the end).
    public var relativeResidual: Double
    public var converged: Bool
}

extension InfluenceProblem {
    /// The dense `H + damping·I` (P exact HVPs with unit vectors, symmetrized).
    public func denseHessian(damping: Double = 0) -> [Double] {
        let p = parameterCount
        var matrix = [Double](repeating: 0, count: p * p)
        var unit = [Double](repeating: 0, count: p)
        let curvature = CurvatureOperator(self)
        for j in 0..<p {
            unit[j] = 1
            let column = curvature.apply(unit, damping: damping)
            for i in 0..<p { matrix[i * p + j] = column[i] }
            unit[j] = 0
        }
        for i in 0..<p {
            for j in (i + 1)..<max(i + 1, p) {
                let m = (matrix[i * p + j] + matrix[j * p + i]) / 2
                matrix[i * p + j] = m
                matrix[j * p + i] = m
            }
        }
        return matrix
    }

    /// Solves `(H + damping·I) x = v_k` for each right-hand side.
    /// - Throws: `InfluenceError.invalidDamping` for a negative or non-finite damping,
    ///   `.notPositiveDefinite` / `.negativeCurvature` when `H + λI` is not positive definite, and
    ///   `.notConverged` when an iterative solver stops above its tolerance without having been asked
    ///   for a fixed iteration count.
    public func solve(_ rightHandSides: [[Double]], damping: Double, solver: InverseHVPSolver) throws -> (
        solutions: [[Double]], report: SolveReport
    ) {
        guard damping.isFinite && damping >= 0 else { throw InfluenceError.invalidDamping(damping) }
        return try solveUnchecked(rightHandSides, damping: damping, solver: solver)
    }

    /// `solve` without the damping check (tests probe indefinite matrices with negative damping).
    package func solveUnchecked(_ rightHandSides: [[Double]], damping: Double, solver: InverseHVPSolver) throws -> (
        solutions: [[Double]], report: SolveReport
    ) {
        switch solver {
        case .exact(let maxParameters):
            let p = parameterCount
            guard p <= maxParameters else {
                throw InfluenceError.tooManyParameters(count: p, limit: maxParameters)
            }
            let matrix = denseHessian(damping: damping)
            var a = matrix
            let k = rightHandSides.count
            var b = [Double](repeating: 0, count: p * k)
            for (column, v) in rightHandSides.enumerated() { for i in 0..<p { b[i * k + column] = v[i] } }
            let right = b
            let info = BLAS.choleskySolve(a: &a, b: &b, n: p, rightHandSides: k)
            guard info == 0 else { throw InfluenceError.notPositiveDefinite(damping: damping, minor: info) }
            let solutions = (0..<k).map { column in (0..<p).map { b[$0 * k + column] } }
            // The residual of every solution at once, with the dense matrix (one gemm, no HVPs).
            let product = withoutGradients {
                Tensor(shape: [p, p], scalars: matrix, dtype: .float64).matmul(
                    Tensor(shape: [p, k], scalars: b, dtype: .float64))
            }.scalars
            let residual =
                (0..<k).map { column in
                    let error = (0..<p).reduce(0.0) { $0 + pow(product[$1 * k + column] - right[$1 * k + column], 2) }
                    let size = (0..<p).reduce(0.0) { $0 + right[$1 * k + column] * right[$1 * k + column] }
                    return (error / max(size, 1e-300)).squareRoot()
                }.max() ?? 0
            guard residual.isFinite && residual < 1e-6 else {
                throw InfluenceError.notConverged(solver: .exact, iterations: p, residual: residual, tolerance: 1e-6)
            }
            return (solutions, SolveReport(solver: .exact, iterations: p, relativeResidual: residual, converged: true))
        case .conjugateGradient(let tolerance, let maxIterations, let fixedIterations):
            var solutions: [[Double]] = []
            var worst = SolveReport(solver: .conjugateGradient, iterations: 0, relativeResidual: 0, converged: true)
            let curvature = CurvatureOperator(self)
            for v in rightHandSides {
                let (x, report) = try conjugateGradient(
                    v, damping: damping, tolerance: tolerance, maxIterations: maxIterations,
                    runAllIterations: fixedIterations, curvature: curvature)
                solutions.append(x)
                worst.iterations = max(worst.iterations, report.iterations)
                worst.relativeResidual = max(worst.relativeResidual, report.relativeResidual)
                worst.converged = worst.converged && report.converged
            }
            guard worst.converged || fixedIterations else {
                throw InfluenceError.notConverged(
                    solver: .conjugateGradient, iterations: worst.iterations, residual: worst.relativeResidual,
                    tolerance: tolerance)
            }
            return (solutions, worst)
        case .lissa(let scale, let depth, let repeats, let batchSize, let seed, let tolerance, let fixedIterations):
            let solutions = rightHandSides.map {
                lissa(
                    $0, damping: damping, scale: scale, depth: depth, repeats: repeats, batchSize: batchSize, seed: seed
                )
            }
            let full = CurvatureOperator(self)
            let residual =
                rightHandSides.indices.map {
                    relativeResidual(solutions[$0], rightHandSides[$0], damping, curvature: full)
                }.max() ?? 0
            let converged = residual.isFinite && residual <= tolerance
            guard converged || fixedIterations else {
                throw InfluenceError.notConverged(
                    solver: .lissa, iterations: depth * repeats, residual: residual, tolerance: tolerance)
            }
            guard residual.isFinite else {
                throw InfluenceError.notConverged(
                    solver: .lissa, iterations: depth * repeats, residual: residual, tolerance: tolerance)
            }
            return (
                solutions,
                SolveReport(
                    solver: .lissa, iterations: depth * repeats, relativeResidual: residual, converged: converged)
            )
        }
    }

    func relativeResidual(_ x: [Double], _ v: [Double], _ damping: Double, curvature: CurvatureOperator? = nil)
        -> Double
    {
        var r = (curvature ?? CurvatureOperator(self)).apply(x, damping: damping)
        axpy(-1, v, &r)
        return norm(r) / max(norm(v), 1e-300)
    }

    /// Exactly `iterations` steps of conjugate gradient without the curvature check (a benchmark
    /// workload, as in shared/bench/torch_reference.py).
    public func conjugateGradientSteps(_ v: [Double], damping: Double, iterations: Int) -> [Double] {
        (try? conjugateGradient(v, damping: damping, tolerance: 0, maxIterations: iterations, checkCurvature: false).0)
            ?? []
    }

    /// Conjugate gradient with exact HVPs; fails if a search direction has non-positive curvature.
    func conjugateGradient(
        _ v: [Double], damping: Double, tolerance: Double, maxIterations: Int,
        checkCurvature: Bool = true, runAllIterations: Bool = false, curvature: CurvatureOperator? = nil
    ) throws -> ([Double], SolveReport) {
        let curvature = curvature ?? CurvatureOperator(self)
        var x = [Double](repeating: 0, count: v.count)
        var r = v
        var p = v
        var rs = dot(r, r)
        let initial = max(rs, 1e-300)
        let target = tolerance * tolerance * initial
        let observer = SolverProgress.observer
        var iterations = 0
        while iterations < maxIterations && rs > (runAllIterations ? 0 : target) {
            let ap = curvature.apply(p, damping: damping)
            let curvature = dot(p, ap)
            guard curvature > 0 || !checkCurvature else {
                throw InfluenceError.negativeCurvature(
                    damping: damping, curvature: curvature, iteration: iterations + 1)
            }
            let alpha = rs / curvature
            axpy(alpha, p, &x)
            axpy(-alpha, ap, &r)
            let next = dot(r, r)
            for i in p.indices { p[i] = r[i] + (next / rs) * p[i] }
            rs = next
            iterations += 1
            observer?(iterations, maxIterations, (rs / initial).squareRoot())
        }
        let residual = (rs / max(dot(v, v), 1e-300)).squareRoot()
        return (
            x,
            SolveReport(
                solver: .conjugateGradient, iterations: iterations, relativeResidual: residual, converged: rs <= target)
        )
    }

    /// LiSSA: the Neumann series of `(H + λI)/scale` with stochastic HVPs on minibatches of rows.
    func lissa(_ v: [Double], damping: Double, scale: Double, depth: Int, repeats: Int, batchSize: Int, seed: UInt64)
        -> [Double]
    {
        var generator = SeededGenerator(seed: seed)
        var total = [Double](repeating: 0, count: v.count)
        for _ in 0..<repeats {
            var h = v
            for _ in 0..<depth {
                let start = generator.nextInt(below: max(rowCount - batchSize, 0) + 1)
                let hv = hessianVectorProduct(h, damping: damping, rows: start..<min(start + batchSize, rowCount))
                for i in h.indices { h[i] = v[i] + h[i] - hv[i] / scale }
            }
            axpy(1 / scale, h, &total)
        }
        return total.map { $0 / Double(repeats) }
    }
}
