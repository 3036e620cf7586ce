import Influence
import TestSupport
import Testing

/// L2-regularized logistic regression (a Linear layer: MLP without hidden layers) on seeded
/// synthetic data, trained to optimum by Newton's method.
func logisticProblem(rows: Int = 120, features: Int = 4, l2: Double = 0.01, seed: UInt64 = 1) throws -> (
    InfluenceProblem, InfluenceTarget
) {
    let data = SyntheticWeakSupervision(accuracies: [0.8], propensities: [1], featureCount: features, separation: 1.0)
        .makeDataset(trainCount: rows, validCount: 80, testCount: 10, seed: seed)
    var generator = SeededGenerator(seed: seed)
    let model = MLP(inputCount: features, hiddenSizes: [], outputCount: 2, dtype: .float64, using: &generator)
    let targets = Tensor.oneHot(data.train.goldLabels!, classCount: 2, dtype: .float64)
    let problem = try InfluenceProblem(model: model, inputs: data.train.features!, targets: targets, l2: l2)
    try problem.newtonMinimize()
    return (
        problem,
        InfluenceTarget(
            inputs: data.valid.features!, labels: data.valid.goldLabels!, classCount: 2, description: "valid")
    )
}

@Suite("Influence engine")
struct InfluenceEngineTests {
    @Test("logistic regression: IF removal estimates vs exact retraining without each row")
    func matchesRetraining() throws {
        let (problem, target) = try logisticProblem(rows: 300)
        let optimum = problem.flatParameters
        let baseline = problem.targetLoss(inputs: target.inputs, targets: target.targets)
        let predicted = problem.rowInfluence(try problem.solve(target: target, damping: 0, solver: .exact()))
        var actual: [Double] = []
        for i in 0..<problem.rowCount {
            problem.weights[i] = 0
            try problem.newtonMinimize()
            actual.append(problem.targetLoss(inputs: target.inputs, targets: target.targets) - baseline)
            problem.weights[i] = 1
            problem.setParameters(optimum)
        }
        let rho = spearmanCorrelation(predicted, actual)
        let largest = actual.indices.sorted { abs(actual[$0]) > abs(actual[$1]) }.prefix(20)
        let worst = largest.map { abs(predicted[$0] - actual[$0]) / abs(actual[$0]) }.max()!
        print("IF vs retraining: Spearman \(rho), worst relative error among the 20 largest effects \(worst)")
        #expect(rho >= 0.95)
        #expect(worst <= 0.2)
    }

    @Test("CG agrees with the exact solve to 1e-6; LiSSA within 5% at scale 10, depth 500, 8 repeats, batches of 100")
    func solversAgree() throws {
        let (problem, target) = try logisticProblem(rows: 300, seed: 2)
        let exact = try problem.solve(target: target, damping: 0.01, solver: .exact()).vector
        let cg = try problem.solve(target: target, damping: 0.01, solver: .conjugateGradient(tolerance: 1e-12)).vector
        #expect(norm(cg, minus: exact) / norm(exact) <= 1e-6)
        let lissa = try problem.solve(
            target: target, damping: 0.01, solver: .lissa(scale: 10, depth: 500, repeats: 8, batchSize: 100, seed: 3))
        let error = norm(lissa.vector, minus: exact) / norm(exact)
        print("LiSSA relative error \(error)")
        #expect(error <= 0.05)
    }

    @Test("class-gradient projections equal dot products with explicit per-row gradients of log f_c")
    func projections() throws {
        var generator = SeededGenerator(seed: 4)
        let model = MLP(
            inputCount: 3, hiddenSizes: [5], outputCount: 3, activation: .tanh, batchNorm: true, dtype: .float64,
            using: &generator)
        let x = Tensor.randomNormal([7, 3], dtype: .float64, using: &generator)
        let problem = try InfluenceProblem(
            model: model, inputs: x,
            targets: Tensor.randomNormal([7, 3], dtype: .float64, using: &generator).softmax(), batchSize: 3)
        let s = (0..<problem.parameterCount).map { _ in generator.nextNormal() }
        let u = problem.classGradientProjections([s])[0]
        for i in 0..<7 {
            for c in 0..<3 {
                let logP = problem.model(x.gatheringRows([i])).logSoftmax().sliced(axis: 1, start: c, length: 1).sum()
                let g = problem.layout.flatten(gradients(of: logP, wrt: problem.parameters))
                #expect(
                    isApproximatelyEqual(
                        u[i * 3 + c], zip(g, s).reduce(0) { $0 + $1.0 * $1.1 }, relative: 1e-10, absolute: 1e-12))
            }
        }
    }

    @Test("the problem's dense Hessian equals finite differences of its gradient; non-PD Hessians are reported")
    func hessian() throws {
        let (problem, _) = try logisticProblem(rows: 30, features: 2, seed: 5)
        let p = problem.parameterCount
        let theta = problem.flatParameters
        let dense = problem.denseHessian()
        for j in 0..<p {
            var plus = theta
            var minus = theta
            plus[j] += 1e-5
            minus[j] -= 1e-5
            problem.setParameters(plus)
            let gp = problem.gradient()
            problem.setParameters(minus)
            let gm = problem.gradient()
            problem.setParameters(theta)
            for i in 0..<p {
                #expect(isApproximatelyEqual(dense[i * p + j], (gp[i] - gm[i]) / 2e-5, relative: 1e-5, absolute: 1e-9))
            }
        }
        // Negative damping larger than the smallest eigenvalue makes H + λI indefinite: each solver says so.
        let exact = #expect(throws: InfluenceError.self) {
            try problem.solveUnchecked([problem.gradient()], damping: -100, solver: .exact())
        }
        if case .notPositiveDefinite = exact {} else { Issue.record("exact solver: \(String(describing: exact))") }
        let cg = #expect(throws: InfluenceError.self) {
            try problem.solveUnchecked([problem.gradient()], damping: -100, solver: .conjugateGradient())
        }
        if case .negativeCurvature = cg {} else { Issue.record("CG: \(String(describing: cg))") }
        // The public entry point refuses such a damping outright.
        #expect(throws: InfluenceError.invalidDamping(-100)) {
            try problem.solve([problem.gradient()], damping: -100, solver: .exact())
        }
    }
}

func norm(_ a: [Double], minus b: [Double]) -> Double {
    zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
}
func norm(_ a: [Double]) -> Double { a.reduce(0) { $0 + $1 * $1 }.squareRoot() }

@Suite("Per-row gradients")
struct PerRowGradientTests {
    @Test("the batched MLP path equals one backward pass per row (with BatchNorm in eval mode)")
    func batchedEqualsLoop() throws {
        var generator = SeededGenerator(seed: 30)
        let model = MLP(
            inputCount: 4, hiddenSizes: [5, 3], outputCount: 3, batchNorm: true, dropout: 0.2, dtype: .float64,
            using: &generator)
        let x = Tensor.randomNormal([9, 4], dtype: .float64, using: &generator)
        for _ in 0..<3 { _ = model(x * 2 + 1) }  // non-trivial running statistics
        let problem = try InfluenceProblem(
            model: model, inputs: x, targets: Tensor.randomNormal([9, 3], dtype: .float64, using: &generator).softmax())
        let batched = problem.perRowGradientMatrix(Array(0..<9))
        #expect(batched.shape == [9, problem.parameterCount])
        #expect(maxRelativeError(batched.scalars, problem.perRowGradients(Array(0..<9)).flatMap { $0 }) < 1e-10)
    }
}
