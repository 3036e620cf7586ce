import Foundation
import Influence
import NN
import TestSupport
import Testing

@testable import Autodiff
@testable import WeakSup

/// A seeded binary set with a planted harmful LF (the last): accuracy 0.15 on a large share of the
/// rows, and on many of them the only voter; the others are decent and sparse.
private func plantedDataset(seed: UInt64 = 21) -> WeakDataset {
    SyntheticWeakSupervision(
        accuracies: [0.85, 0.8, 0.75, 0.8, 0.7, 0.15], propensities: [0.25, 0.3, 0.25, 0.3, 0.2, 0.6],
        featureCount: 4, separation: 2
    )
    .makeDataset(trainCount: 300, validCount: 120, testCount: 60, seed: seed)
}

/// A logistic-regression end model trained to convergence on the label model's soft labels, and its setup.
private func logisticRegression(_ dataset: WeakDataset, method: TrainingMethod = .majority) throws -> InfluenceSetup {
    var options = TrainingOptions()
    options.weightDecay = 0.01
    let spec = EndModelSpec.mlp(hiddenSizes: [])
    let result = try method.run(dataset: dataset, endModel: spec, options: options)
    let file = try TrainedModelFile(
        method: method, dataset: dataset, endModelSpec: spec, result: result, options: options)
    return try InfluenceSetup(file: file, dataset: dataset, path: "lr.json")
}

@Suite("Removing an LF: one objective, Newton and exact effects")
struct LFRemovalTests {
    @Test(
        "the planted harmful LF is ranked first by newton and exact, and dropping it lowers the validation loss as predicted"
    )
    func plantedHarmfulLF() throws {
        let dataset = plantedDataset()
        let setup = try logisticRegression(dataset)
        let groups = (0..<dataset.lfCount).map { [$0] }
        let analysis = try setup.analyzeLFRemoval(
            dataset: dataset, groups: groups, removal: .refit, estimator: .newton, verify: true, damping: .automatic,
            solver: .exact())
        let harmful = dataset.lfCount - 1
        let newton = analysis.rows.map { $0.estimate.lossChanges[0] }
        let exact = analysis.rows.map { $0.exact!.lossChanges[0] }
        #expect(newton.indices.min { newton[$0] < newton[$1] } == harmful, "newton: \(newton)")
        #expect(exact.indices.min { exact[$0] < exact[$1] } == harmful, "exact: \(exact)")
        #expect(
            exact[harmful] < -0.01, "removing a 15%-accurate LF should lower the validation loss: \(exact[harmful])")
        #expect(abs(newton[harmful] - exact[harmful]) < 0.1 * abs(exact[harmful]))
        #expect(analysis.rows[harmful].soleVoterRows > 25 && analysis.rows[harmful].curvatureShare > 0.05)
        print(
            "planted LF: \(analysis.rows[harmful].soleVoterRows) rows with it alone, curvature share "
                + "\(analysis.rows[harmful].curvatureShare), newton \(newton[harmful]), exact \(exact[harmful])")
        // And the model retrained without it (refit labels, L-BFGS to convergence, no damping) agrees.
        let objective = try setup.objective(removing: [harmful], removal: .refit, dataset: dataset)
        let retrained = try retrainedValidationLoss(setup, dataset, objective)
        let before = analysis.baselineLosses[0]
        #expect(
            abs((retrained - before) - exact[harmful]) < 0.15 * abs(exact[harmful]), "retrained \(retrained - before)")
    }

    @Test("Newton approaches exact as steps are added, and beats first-order over all LFs")
    func newtonConverges() throws {
        let dataset = plantedDataset(seed: 22)
        let setup = try logisticRegression(dataset)
        let groups = (0..<dataset.lfCount).map { [$0] }
        func effects(_ estimator: EffectEstimator, steps: Int = 1) throws -> [Double] {
            try setup.analyzeLFRemoval(
                dataset: dataset, groups: groups, removal: .refit, estimator: estimator, newtonSteps: steps,
                damping: .automatic, solver: .exact()
            ).rows.map { $0.estimate.lossChanges[0] }
        }
        let exact = try effects(.exact)
        func totalError(_ values: [Double]) -> Double { zip(values, exact).reduce(0) { $0 + abs($1.0 - $1.1) } }
        let errors = try [1, 2, 3].map { totalError(try effects(.newton, steps: $0)) }
        let firstOrder = totalError(try effects(.firstOrder))
        print("total |error| against exact: first-order \(firstOrder), newton 1/2/3 steps \(errors)")
        #expect(errors[1] <= errors[0] && errors[2] <= errors[1])
        #expect(errors[2] < 1e-3 * exact.reduce(0) { $0 + abs($1) })
        #expect(errors[0] < firstOrder)
    }

    @Test("exact removal on logistic regression equals an independent refit: L-BFGS on the objective without the LF")
    func exactEqualsIndependentRefit() throws {
        let dataset = plantedDataset(seed: 23)
        let setup = try logisticRegression(dataset)
        let analysis = try setup.analyzeLFRemoval(
            dataset: dataset, groups: [[0], [5], [1, 2]], removal: .refit, estimator: .exact, damping: 0,
            solver: .exact())
        for (row, group) in zip(analysis.rows, [[0], [5], [1, 2]]) {
            let objective = try setup.objective(removing: group, removal: .refit, dataset: dataset)
            let independent = try retrainedValidationLoss(setup, dataset, objective) - analysis.baselineLosses[0]
            #expect(
                abs(row.estimate.lossChanges[0] - independent) < 1e-6 * max(abs(independent), 1e-3),
                "LFs \(group): exact \(row.estimate.lossChanges[0]), refit \(independent)")
        }
    }

    @Test("each removal definition is one objective: prediction and actual move together when it changes")
    func removalDefinitions() throws {
        let dataset = plantedDataset(seed: 24)
        let setup = try logisticRegression(dataset, method: .snorkel)
        var exactByRemoval: [[Double]] = []
        for removal in LFRemoval.allCases {
            let analysis = try setup.analyzeLFRemoval(
                dataset: dataset, groups: (0..<dataset.lfCount).map { [$0] }, removal: removal, estimator: .newton,
                newtonSteps: 4, verify: true, damping: .automatic, solver: .exact())
            let newton = analysis.rows.map { $0.estimate.lossChanges[0] }
            let exact = analysis.rows.map { $0.exact!.lossChanges[0] }
            #expect(maxRelativeError(newton, exact, floor: 1e-4) < 1e-4, "\(removal): \(newton) vs \(exact)")
            exactByRemoval.append(exact)
        }
        // The definitions are different objectives (so agreeing above is not an accident).
        #expect(maxRelativeError(exactByRemoval[0], exactByRemoval[1], floor: 1e-4) > 0.01)
        #expect(maxRelativeError(exactByRemoval[0], exactByRemoval[2], floor: 1e-4) > 0.01)
        // With nothing removed every definition gives back the trained objective: zero effect.
        let none = try setup.analyzeLFRemoval(
            dataset: dataset, groups: [[]], removal: .refit, estimator: .exact, damping: .automatic, solver: .exact())
        #expect(abs(none.rows[0].estimate.lossChanges[0]) < 1e-10)
    }
}

/// The validation loss of a logistic regression fitted by WeakSup's L-BFGS fitter (not the
/// influence module's Newton) on a removal's rows and targets, with the weight decay the model had.
private func retrainedValidationLoss(_ setup: InfluenceSetup, _ dataset: WeakDataset, _ objective: RemovalObjective)
    throws -> Double
{
    var generator = SeededGenerator(seed: 0)
    let model = MLP(
        inputCount: dataset.featureCount, hiddenSizes: [], outputCount: dataset.classCount, dtype: .float64,
        using: &generator)
    let inputs = setup.problem.inputs.gatheringRows(objective.rows)
    let targets = Tensor(
        shape: [objective.rows.count, dataset.classCount], scalars: objective.targets, dtype: .float64)
    fitLinearSoftmax(
        model, inputs: inputs, targets: targets, weightL2: setup.problem.l2, biasL2: setup.problem.l2,
        relativeTolerance: 1e-9)
    let validation = try setup.target(.validation, dataset: dataset)
    return Loss.softTargetCrossEntropy(logits: model(validation.inputs), targets: validation.targets).item
}
