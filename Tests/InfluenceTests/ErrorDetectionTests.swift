import Influence
import TestSupport
import Testing

@Suite("Error detection with gradient similarities")
struct ErrorDetectionTests {
    @Test("TracIn with a single checkpoint at learning rate 1 equals GD")
    func tracInEqualsDot() throws {
        let (problem, target) = try logisticProblem(rows: 60, seed: 7)
        let labels = target.targets.scalars.indices.filter { $0 % 2 == 0 }.map {
            target.targets.scalars[$0] == 1 ? 0 : 1
        }
        let checkpoint = TrainingCheckpoint(epoch: 1, parameters: problem.flatParameters, learningRate: 1)
        let gd = try problem.similarities(.dot, cleanInputs: target.inputs, cleanLabels: labels)
        let tracIn = try problem.similarities(
            .tracIn, cleanInputs: target.inputs, cleanLabels: labels, checkpoints: [checkpoint])
        #expect(maxRelativeError(tracIn.overall, gd.overall) < 1e-12)
        #expect(maxRelativeError(tracIn.classBased, gd.classBased) < 1e-12)
    }

    @Test("every similarity, plain and class-based, finds flipped labels at ≥ 3× chance (10% flipped, small MLP)")
    func aboveChance() throws {
        let dataset = SyntheticWeakSupervision(
            classBalance: [1.0 / 3, 1.0 / 3, 1.0 / 3], accuracies: [0.8], propensities: [1], featureCount: 6,
            separation: 2.0
        )
        .makeDataset(trainCount: 800, validCount: 240, testCount: 50, seed: 41)
        var options = TrainingOptions()
        options.maxEpochs = 20
        options.patience = 20
        options.learningRate = 3e-3
        let results = try detectLabelErrors(
            dataset: dataset, noise: 0.1, seed: 1, endModel: .mlp(hiddenSizes: [16], dropout: 0), options: options)
        #expect(results.count == 8)
        for result in results {
            // Chance: 10% of the top-10% rows are flipped. Measured 0.475–0.675 at this seed.
            #expect(
                result.accuracy >= 0.3,
                "\(result.similarity.rawValue)\(result.classBased ? "-class" : ""): \(result.accuracy)")
        }
    }
}
