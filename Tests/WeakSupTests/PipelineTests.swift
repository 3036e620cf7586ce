import Foundation
import TestSupport
import Testing
import WeakSup

@Suite("Labeling functions and the two-stage pipeline")
struct PipelineTests {
    @Test("labeling functions in Swift: parallel application is deterministic; bad votes are named")
    func labelingFunctions() throws {
        let dataset = try WeakDataset.load(from: spambaseURL)
        let records = dataset.train.records
        // Feature 51 is charExclamation, 52 charDollar, 26 "george" (standardized units).
        let lfs = [
            LabelingFunction<DataRecord>("exclamations") { $0.features[51] > 0.5 ? 1 : nil },
            LabelingFunction<DataRecord>("dollars") { $0.features[52] > 0.3 ? 1 : nil },
            LabelingFunction<DataRecord>("george") { $0.features[26] > 0 ? 0 : nil },
        ]
        let L = try applyLabelingFunctions(lfs, to: records, classCount: 2)
        #expect(L == (try applyLabelingFunctions(lfs, to: records, classCount: 2)))
        for i in [0, 100, 3000] { #expect(L[i, 0] == (records[i].features[51] > 0.5 ? 1 : -1)) }
        let analysis = LFAnalysis(labelMatrix: L, lfNames: lfs.map(\.name), goldLabels: dataset.train.goldLabels)
        #expect(analysis.lfs.allSatisfy { $0.empiricalAccuracy! > 0.7 })
        let broken = [LabelingFunction<DataRecord>("bad") { _ in 5 }]
        #expect(throws: LabelingFunctionError(lf: "bad", row: 0, vote: 5, classCount: 2)) {
            try applyLabelingFunctions(broken, to: records, classCount: 2)
        }
    }

    @Test(
        "two-stage on spambase: an MLP on majority-vote labels beats the trivial classifier", .tags(.slow),
        .enabled(if: slowTestsEnabled, "set WEASEL_SLOW_TESTS=1"))
    func twoStageSpambase() throws {
        let dataset = try WeakDataset.load(from: spambaseURL)
        var options = TrainingOptions()
        options.maxEpochs = 40
        options.patience = 10
        let result = try runTwoStage(dataset: dataset, labelModel: MajorityVote(), options: options)
        // The trivial classifier (always "spam") has F1 2p/(1+p) with p the spam share of test.
        let spamShare = Double(dataset.test.goldLabels!.filter { $0 == 1 }.count) / Double(dataset.test.count)
        let trivialF1 = 2 * spamShare / (1 + spamShare)
        print("two-stage MV → MLP on spambase: F1 \(result.test.f1!), AUC \(result.test.auc!), trivial F1 \(trivialF1)")
        #expect(result.test.f1! > trivialF1 + 0.2)
        #expect(result.test.auc! > 0.9)
        #expect(result.trainingRows.count == dataset.train.labelMatrix.coveredRows.count)
    }

    @Test("the same seed gives the same end model")
    func determinism() throws {
        let synthetic = SyntheticWeakSupervision(
            accuracies: [0.8, 0.7, 0.75], propensities: [0.6, 0.5, 0.7], featureCount: 4)
        let dataset = synthetic.makeDataset(trainCount: 300, validCount: 100, testCount: 100, seed: 3)
        var options = TrainingOptions()
        options.maxEpochs = 5
        options.seed = 9
        let a = try runTwoStage(dataset: dataset, labelModel: DawidSkene(), options: options)
        let b = try runTwoStage(dataset: dataset, labelModel: DawidSkene(), options: options)
        #expect(a.test == b.test)
        #expect(a.report.validationHistory == b.report.validationHistory)
    }
}

/// Collects warnings from a training run.
final class Warnings: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("Degenerate data is reported, not hidden")
struct DegenerateDataTests {
    @Test(
        "a single-class validation split: early stopping on the cross-entropy, with a warning; AUC undefined on a single-class test split"
    )
    func singleClassSplits() throws {
        var dataset = SyntheticWeakSupervision(
            accuracies: [0.8, 0.7, 0.75], propensities: [0.6, 0.5, 0.7], featureCount: 3
        )
        .makeDataset(trainCount: 200, validCount: 40, testCount: 40, seed: 21)
        dataset.valid.goldLabels = Array(repeating: 1, count: dataset.valid.count)
        dataset.test.goldLabels = Array(repeating: 0, count: dataset.test.count)
        let warnings = Warnings()
        var options = TrainingOptions()
        options.maxEpochs = 3
        options.warning = { warnings.append($0) }
        let result = try TrainingMethod.majority.run(dataset: dataset, options: options)
        #expect(result.report.validationMetric == .negativeCrossEntropy)
        #expect(result.report.validationHistory.allSatisfy { $0.isFinite })
        #expect(warnings.all.contains { $0.contains("ROC-AUC is undefined") })
        #expect(result.test.auc == nil && result.test.averagePrecision == nil && result.test.f1 != nil)
    }
}
