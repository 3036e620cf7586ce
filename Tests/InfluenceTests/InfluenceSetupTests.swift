import Foundation
import Influence
import TestSupport
import Testing

@Suite("Rebuilding the training objective from a model file")
struct InfluenceSetupTests {
    @Test("the setup reproduces the training labels and refuses data that does not match the model")
    func setup() throws {
        let dataset = SyntheticWeakSupervision(
            accuracies: [0.8, 0.7, 0.75], propensities: [0.6, 0.5, 0.7], featureCount: 4
        )
        .makeDataset(trainCount: 300, validCount: 80, testCount: 80, seed: 14)
        var options = TrainingOptions()
        options.maxEpochs = 3
        for method in [TrainingMethod.majority, .dawidSkene, .weasel] {
            let result = try method.run(dataset: dataset, options: options)
            let file = try TrainedModelFile(
                method: method, dataset: dataset, endModelSpec: .defaultMLP, result: result, options: options)
            let setup = try InfluenceSetup(file: file, dataset: dataset, path: "m.json")
            #expect(setup.trainingRows == dataset.train.labelMatrix.coveredRows)
            if method != .weasel {
                let labels = result.labelModel!.predictProbabilities(dataset.train.labelMatrix.rows(setup.trainingRows))
                    .scalars
                let bound = method == .majority ? 1e-12 : 0.05  // exact for MV; the surrogate for Dawid–Skene
                #expect(
                    zip(setup.problem.targets.scalars, labels).map { abs($0 - $1) }.reduce(0, +) / Double(labels.count)
                        < bound, "\(method)")
            }
            #expect(maxRelativeError(setup.terms!.softLabels, setup.problem.targets.scalars, floor: 1e-6) < 1e-6)
            // Other training data: refused with a message naming what differs.
            var other = dataset
            other.train.labelMatrix = LabelMatrix(
                rowCount: other.train.count, lfCount: 3, votes: other.train.labelMatrix.votes.map { $0 == 1 ? 0 : $0 })
            #expect(throws: ModelFileError.self) { try InfluenceSetup(file: file, dataset: other, path: "m.json") }
        }
    }
}
