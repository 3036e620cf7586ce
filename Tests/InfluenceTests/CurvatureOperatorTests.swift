import Foundation
import Testing

@testable import Influence

@Suite("Curvature operator: one forward and first backward pass per solve")
struct CurvatureOperatorTests {
    @Test(
        "its products are exactly hessianVectorProduct's, for both curvatures, over all rows or some, with graphs kept or rebuilt",
        arguments: [HessianKind.exact, .gaussNewton])
    func sameProducts(curvature: HessianKind) throws {
        var generator = SeededGenerator(seed: 11)
        let model = MLP(
            inputCount: 4, hiddenSizes: [6, 5], outputCount: 3, activation: .relu, dtype: .float64, using: &generator)
        let x = Tensor.randomNormal([23, 4], dtype: .float64, using: &generator)
        let raw = Tensor.randomUniform([23, 3], low: 0.1, high: 1, dtype: .float64, using: &generator)
        let targets = withoutGradients { raw / raw.sum(axis: 1, keepingDimension: true) }
        let problem = try InfluenceProblem(
            model: model, inputs: x, targets: targets, weights: (0..<23).map { 0.5 + Double($0 % 4) * 0.25 },
            l2: 0.01, batchSize: 7)
        problem.curvature = curvature
        for rows in [nil, 3..<17] as [Range<Int>?] {
            let kept = CurvatureOperator(problem, rows: rows)
            for _ in 0..<4 {  // the same operator, applied again and again
                let v = (0..<problem.parameterCount).map { _ in generator.nextNormal() }
                let damping = generator.nextUniform()
                #expect(
                    kept.apply(v, damping: damping) == problem.hessianVectorProduct(v, damping: damping, rows: rows))
            }
        }
        let v = (0..<problem.parameterCount).map { _ in generator.nextNormal() }
        let expected = CurvatureOperator(problem).apply(v, damping: 0.1)
        let saved = CurvatureOperator.memoryBudget
        CurvatureOperator.memoryBudget = 0  // nothing kept: every product rebuilds its batches
        defer { CurvatureOperator.memoryBudget = saved }
        let rebuilt = CurvatureOperator(problem)
        #expect(rebuilt.apply(v, damping: 0.1) == expected && rebuilt.apply(v, damping: 0.1) == expected)
        #expect(graphByteCount([problem.inputs]) == 23 * 4 * 8)
    }
}
