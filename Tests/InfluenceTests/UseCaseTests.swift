import Foundation
import Influence
import Testing

@Suite("Influence use cases")
struct UseCaseTests {
    @Test("an adversarial LF gets the most harmful LF score, and dropping harmful LFs lowers the validation loss")
    func adversarialLF() throws {
        let dataset = SyntheticWeakSupervision(
            accuracies: [0.85, 0.8, 0.75, 0.15], propensities: [0.5, 0.5, 0.5, 0.6], featureCount: 5, separation: 1.5
        )
        .makeDataset(trainCount: 800, validCount: 200, testCount: 200, seed: 31)
        var options = TrainingOptions()
        options.maxEpochs = 12
        options.patience = 4
        options.learningRate = 3e-3
        let result = try runTwoStage(dataset: dataset, labelModel: MajorityVote(), options: options)
        let file = try TrainedModelFile(
            method: .majority, dataset: dataset, endModelSpec: .defaultMLP, result: result, options: options)
        let setup = try InfluenceSetup(file: file, dataset: dataset, path: "m.json")
        let solved = try setup.problem.solve(
            target: try setup.target(.validation, dataset: dataset), damping: 0.1, solver: .conjugateGradient())
        let lfs = setup.problem.sourceAwareInfluence(solved, terms: setup.terms!, method: .reweighting).lfs
        #expect(lfs.prefix(4).indices.min { lfs[$0] < lfs[$1] } == 3, "LF scores \(lfs)")
        let report = try setup.improve(
            dataset: dataset, damping: 0.1, solver: .conjugateGradient(), fractions: [0.25], options: options)
        let erm = report.lines.first { $0.name == "ERM" }!
        let dropLFs = try #require(report.lines.first { $0.removedLFs != nil })
        print(
            "ERM valid loss \(erm.validationLoss), after dropping \(dropLFs.removedLFs!) (\(dropLFs.name)): \(dropLFs.validationLoss)"
        )
        #expect(dropLFs.name == "LFs by newton" && dropLFs.removedLFs == [dataset.lfNames[3]])
        #expect(dropLFs.validationLoss < erm.validationLoss)
    }
}
