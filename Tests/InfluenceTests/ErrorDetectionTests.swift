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
            // Chance: 10% of the top-10% rows are flipped (the paper's protocol: last layer, 50 clean rows
            // per class apart from the early-stopping rows, the noisy labels fitted for 20 epochs).
            #expect(
                result.accuracy >= 0.3,
                "\(result.similarity.rawValue)\(result.classBased ? "-class" : ""): \(result.accuracy)")
        }
    }

    @Test(
        "precision counts the flipped rows among those selected (q ≠ p); the clean set is balanced and disjoint from early stopping"
    )
    func precisionAndCleanSet() {
        let scores = [0.5, -3, 2, -1, -2, 0.1]  // most suspicious first: rows 1, 4, 3, 5, 0, 2
        let flipped: Set<Int> = [1, 3, 5]
        #expect(detectionPrecision(scores, flipped: flipped, count: 2) == 0.5)  // rows 1, 4: one flipped (recall would be 1/3)
        #expect(detectionPrecision(scores, flipped: flipped, count: 4) == 0.75)  // rows 1, 4, 3, 5: three flipped
        let labels = [0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0]  // 6 of class 0, 10 of class 1
        let (clean, stopping) = cleanSetSplit(labels: labels, classCount: 2, perClass: 50, seed: 3)
        #expect(clean.filter { labels[$0] == 0 }.count == 3 && clean.filter { labels[$0] == 1 }.count == 3)
        #expect(Set(clean).isDisjoint(with: stopping) && Set(clean).union(stopping) == Set(labels.indices))
        #expect(cleanSetSplit(labels: labels, classCount: 2, perClass: 2, seed: 3).clean.count == 4)
    }
}
