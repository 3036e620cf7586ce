import NN
import TestSupport
import Testing

@testable import WeakSup

@Suite("Early stopping")
struct EarlyStoppingTests {
    @Test(
        "validation accuracy ties are broken by the validation cross-entropy, so a flat accuracy does not stop learning"
    )
    func accuracyTiesBrokenByCrossEntropy() throws {
        // A linear model that predicts class 0 for every row, more confidently each epoch up to the
        // third: accuracy is 2/3 throughout (four rows in six are class 0), the cross-entropy falls
        // until epoch 3 (P(0) stays under 2/3, the cross-entropy's optimum).
        var generator = SeededGenerator(seed: 1)
        let model = Linear(inputCount: 2, outputCount: 3, using: &generator)
        model.weight.assign(scalars: Array(repeating: 0, count: 6))
        let inputs = Tensor(shape: [6, 2], scalars: [1, 0, 0, 1, 1, 1, 0.5, 0, 0, 0.5, 1, 0.5])
        let labels = [0, 0, 0, 0, 1, 2]
        var options = TrainingOptions()
        options.maxEpochs = 12
        options.patience = 3
        var epoch = 0.0
        let report = try trainWithEarlyStopping(
            modules: [model], endModel: model, trainingRows: 6, validationInputs: inputs, validationLabels: labels,
            classCount: 3, options: options
        ) { _, _ in
            epoch += 1
            model.bias!.assign(scalars: [min(epoch, 3) * 0.2, 0, 0])
        }
        #expect(report.validationMetric == .accuracy)
        #expect(report.validationHistory.allSatisfy { isApproximatelyEqual($0, 2.0 / 3, relative: 1e-9) })
        // The first epoch would be kept (and training stopped at epoch 4) if ties counted as no improvement.
        #expect(report.bestEpoch == 3)
        #expect(report.epochsRun == 6)
    }

    @Test("the default budget is bounded in minibatches: unchanged up to 64,000 rows, 10 and 2 epochs at a million")
    func defaultBudgetInMinibatches() {
        let options = TrainingOptions()
        #expect(options.epochBudget(batchesPerEpoch: 54) == (150, 30))  // spambase
        #expect(options.epochBudget(batchesPerEpoch: 1_000) == (150, 30))  // 64,000 rows at batch 64
        #expect(options.epochBudget(batchesPerEpoch: 1_001) == (150, 30))  // rounded up to whole epochs
        #expect(options.epochBudget(batchesPerEpoch: 1_500) == (100, 20))
        #expect(options.epochBudget(batchesPerEpoch: 15_625) == (10, 2))  // 1,000,000 rows
        #expect(options.epochBudget(batchesPerEpoch: 1_000_000) == (1, 1))
        var huge = options  // a bound read from a model file may be anything: no overflow, at least one epoch
        (huge.maxSteps, huge.patienceSteps) = (Int.max, -5)
        #expect(huge.epochBudget(batchesPerEpoch: 7) == (150, 1))
        var unbounded = options
        unbounded.maxSteps = nil
        unbounded.patienceSteps = nil
        #expect(unbounded.epochBudget(batchesPerEpoch: 15_625) == (150, 30))
    }

    @Test("the training loop stops at the budget in minibatches, for the epochs run and for the patience")
    func loopKeepsTheBudget() throws {
        // The model of the test above: the validation cross-entropy improves up to epoch 3, then is flat.
        func run(trainingRows: Int, maxSteps: Int?, patienceSteps: Int?) throws -> TrainingReport {
            var generator = SeededGenerator(seed: 1)
            let model = Linear(inputCount: 2, outputCount: 3, using: &generator)
            model.weight.assign(scalars: Array(repeating: 0, count: 6))
            let inputs = Tensor(shape: [6, 2], scalars: [1, 0, 0, 1, 1, 1, 0.5, 0, 0, 0.5, 1, 0.5])
            var options = TrainingOptions()
            (options.maxEpochs, options.patience, options.batchSize) = (12, 3, 2)
            (options.maxSteps, options.patienceSteps) = (maxSteps, patienceSteps)
            var epoch = 0.0
            return try trainWithEarlyStopping(
                modules: [model], endModel: model, trainingRows: trainingRows, validationInputs: inputs,
                validationLabels: [0, 0, 0, 0, 1, 2], classCount: 3, options: options
            ) { _, _ in
                epoch += 1
                model.bias!.assign(scalars: [min(epoch, 3) * 0.2, 0, 0])
            }
        }
        // 5 minibatches an epoch: 10 of them are 2 epochs, cut before the best epoch (3) is reached.
        let capped = try run(trainingRows: 10, maxSteps: 10, patienceSteps: nil)
        #expect(capped.epochsRun == 2 && capped.bestEpoch == 2)
        // 4 minibatches an epoch: a patience of 4 minibatches is one epoch, so it stops one after the best.
        let impatient = try run(trainingRows: 8, maxSteps: 1_000, patienceSteps: 4)
        #expect(impatient.bestEpoch == 3 && impatient.epochsRun == 4)
        // No bounds: the epochs alone (best 3, patience 3).
        let unbounded = try run(trainingRows: 8, maxSteps: nil, patienceSteps: nil)
        #expect(unbounded.bestEpoch == 3 && unbounded.epochsRun == 6)
    }

    @Test(
        "the Debian packages with the fixed defaults (lr 1e-4): the gold-label end model learns instead of stopping at chance",
        .tags(.slow), .enabled(if: slowTestsEnabled, "set WEASEL_SLOW_TESTS=1"))
    func debianPackagesUntuned() throws {
        let dataset = try debianPackagesDataset()
        // Validation accuracy sat at 1/3 for the first 30 epochs, so early stopping ended it there.
        let supervised = try runSupervised(dataset: dataset, options: TrainingOptions())
        print(
            "Debian, untuned supervised: test accuracy \(supervised.test.accuracy), \(supervised.report.epochsRun) epochs"
        )
        #expect(supervised.test.accuracy > 0.5)  // chance is 1/3; 0.633 measured
    }
}
