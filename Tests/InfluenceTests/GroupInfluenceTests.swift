import Influence
import TestSupport
import Testing

@Suite("Group influence")
struct GroupInfluenceTests {
    @Test("the influence of a random group equals the sum of its members'")
    func additive() throws {
        let (problem, _, target, _) = try majorityVoteProblem()
        let solved = try problem.solve(target: target, damping: 1, solver: .exact())
        let scores = problem.rowInfluence(solved)
        var generator = SeededGenerator(seed: 3)
        var rows = Array(0..<problem.rowCount)
        rows.seededShuffle(using: &generator)
        let group = Array(rows.prefix(15))
        #expect(
            isApproximatelyEqual(
                problem.groupRemovalEffect(solved, rows: group), group.reduce(0) { $0 + scores[$1] }, relative: 1e-9,
                absolute: 1e-15))
    }

    @Test(
        "strongly regularized logistic regression: predicted vs retrained effects of 20 LF-sized groups, Spearman ρ ≥ 0.8"
    )
    func predictedVersusActual() throws {
        let (problem, target) = try logisticProblem(rows: 400, features: 4, l2: 0.1, seed: 8)
        let solved = try problem.solve(target: target, damping: 0, solver: .exact())
        let scores = problem.rowInfluence(solved)
        // 20 "LFs": each covers a random 5–15% of the rows, with a bias towards one class so groups
        // differ in their effect, like real LFs.
        var generator = SeededGenerator(seed: 9)
        let labels = problem.targets.scalars
        let groups: [[Int]] = (0..<20).map { g in
            let coverage = 0.05 + 0.1 * generator.nextUniform()
            return (0..<problem.rowCount).filter { i in
                let favored = labels[i * 2 + g % 2] == 1
                return generator.nextUniform() < coverage * (favored ? 1.6 : 0.4)
            }
        }
        let predicted = groups.map { $0.reduce(0) { $0 + scores[$1] } }
        let validation = GroupValidation(
            effects: zip(groups.indices, zip(predicted, try problem.retrainedGroupEffects(groups, target: target))).map
            {
                GroupEffect(group: "lf\($0.0)", predicted: $0.1.0, actual: $0.1.1)
            })
        print(
            "groups: Spearman \(validation.spearman), Pearson \(validation.pearson), underestimation \(validation.underestimation)"
        )
        #expect(validation.spearman >= 0.8)
    }
}
