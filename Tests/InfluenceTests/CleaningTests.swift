import Influence
import TestSupport
import Testing

@Suite("INFL label cleaning")
struct CleaningTests {
    @Test(
        "logistic regression with flipped labels: the top-scored rows are mostly the flipped ones, with gold suggestions"
    )
    func findsFlippedLabels() throws {
        // Well-separated classes, so the flipped rows are the label noise (with overlapping classes
        // INFL also — rightly — ranks gold rows that sit among the other class).
        let data = SyntheticWeakSupervision(accuracies: [0.8], propensities: [1], featureCount: 4, separation: 5)
            .makeDataset(trainCount: 300, validCount: 150, testCount: 10, seed: 17)
        let gold = data.train.goldLabels!
        let flipped = Array(stride(from: 0, to: 300, by: 25))  // 12 rows
        let noisy = gold.enumerated().map { flipped.contains($0.offset) ? 1 - $0.element : $0.element }
        var generator = SeededGenerator(seed: 18)
        let model = MLP(inputCount: 4, hiddenSizes: [], outputCount: 2, dtype: .float64, using: &generator)
        let problem = try InfluenceProblem(
            model: model, inputs: data.train.features!, targets: Tensor.oneHot(noisy, classCount: 2, dtype: .float64),
            weights: Array(repeating: 0.8, count: 300), l2: 0.01)
        try problem.newtonMinimize()
        let solved = try problem.solve(
            target: InfluenceTarget(
                inputs: data.valid.features!, labels: data.valid.goldLabels!, classCount: 2, description: "valid"),
            damping: 0, solver: .exact())
        let top = problem.cleaningSuggestions(solved, candidates: Array(0..<300)).prefix(12)
        let hits = top.filter { flipped.contains($0.row) }
        print(
            "INFL: \(hits.count) of the top 12 are flipped; \(hits.filter { $0.suggested == gold[$0.row] }.count) suggestions are gold"
        )
        #expect(hits.count >= 8)
        #expect(hits.filter { $0.suggested == gold[$0.row] }.count >= hits.count - 1)
    }
}
