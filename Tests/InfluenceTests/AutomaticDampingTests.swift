import Foundation
import Influence
import TestSupport
import Testing

@testable import Autodiff

@Suite("Automatic damping and convex end models")
struct AutomaticDampingTests {
    @Test("automatic damping solves with an MLP whose exact Hessian is indefinite, above its most negative eigenvalue")
    func indefiniteHessian() throws {
        var generator = SeededGenerator(seed: 11)
        let model = MLP(
            inputCount: 3, hiddenSizes: [5], outputCount: 2, activation: .tanh, dtype: .float64, using: &generator)
        let x = Tensor.randomNormal([40, 3], dtype: .float64, using: &generator)
        // Labels that the untrained network gets wrong: far from a minimum, the Hessian is indefinite.
        let labels = (0..<40).map { i in x[i, 0] * x[i, 1] > 0 ? 1 : 0 }
        let problem = try InfluenceProblem(
            model: model, inputs: x, targets: Tensor.oneHot(labels, classCount: 2, dtype: .float64), l2: 0)
        let smallest = try #require(BLAS.symmetricEigenvalues(problem.denseHessian(), n: problem.parameterCount)).first!
        #expect(smallest < 0, "the test needs an indefinite Hessian, smallest eigenvalue \(smallest)")
        let target = InfluenceTarget(inputs: x, labels: labels, classCount: 2, description: "train")
        #expect(throws: InfluenceError.self) { try problem.solve(target: target, damping: 0, solver: .exact()) }
        let solved = try problem.solve(target: target, damping: .automatic, solver: .exact())
        #expect(solved.damping > -smallest)
        #expect(solved.report.relativeResidual < 1e-6)
        // With the Gauss–Newton curvature the first (smallest) damping already works.
        problem.curvature = .gaussNewton
        let gaussNewton = try problem.solve(target: target, damping: .automatic, solver: .conjugateGradient())
        #expect(
            isApproximatelyEqual(
                gaussNewton.damping, Damping.automaticFraction * problem.meanCurvature(), relative: 1e-9))
    }

    @Test(
        "a logistic-regression end model is fitted to convergence, and its IF matches exact retraining without each row"
    )
    func convexEndModel() throws {
        let dataset = SyntheticWeakSupervision(
            accuracies: [0.8, 0.7, 0.75], propensities: [0.7, 0.6, 0.7], featureCount: 3
        )
        .makeDataset(trainCount: 60, validCount: 40, testCount: 40, seed: 12)
        var options = TrainingOptions()
        options.weightDecay = 0.01
        let result = try TrainingMethod.majority.run(
            dataset: dataset, endModel: .mlp(hiddenSizes: []), options: options)
        #expect(try #require(result.report.relativeGradientNorm) < 1e-8)
        let file = try TrainedModelFile(
            method: .majority, dataset: dataset, endModelSpec: .mlp(hiddenSizes: []), result: result, options: options)
        let setup = try InfluenceSetup(file: file, dataset: dataset, path: "lr.json")
        #expect(setup.problem.curvature == .exact && setup.gradientNormRatio < 1e-7)
        let target = try setup.target(.validation, dataset: dataset)
        let predicted = try setup.scores(.influence, target: target, damping: 0, solver: .exact()).rows.map(\.score)
        let actual = try setup.problem.retrainedGroupEffects(setup.problem.weights.indices.map { [$0] }, target: target)
        let rho = spearmanCorrelation(predicted, actual)
        print("logistic regression end model: IF vs exact retraining, Spearman \(rho)")
        #expect(rho >= 0.99)
    }
}
