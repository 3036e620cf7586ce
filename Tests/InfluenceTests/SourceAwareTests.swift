import Foundation
import Influence
import TestSupport
import Testing

/// A small weakly labeled problem: synthetic votes, majority-vote soft labels, a small MLP.
func majorityVoteProblem(rows: Int = 80, seed: UInt64 = 6) throws -> (
    InfluenceProblem, SourceTerms, InfluenceTarget, LabelMatrix
) {
    let data = SyntheticWeakSupervision(
        accuracies: [0.85, 0.7, 0.6, 0.75], propensities: [0.7, 0.6, 0.8, 0.5], featureCount: 3
    )
    .makeDataset(trainCount: rows, validCount: 40, testCount: 10, seed: seed)
    let covered = data.train.labelMatrix.coveredRows
    let L = data.train.labelMatrix.rows(covered)
    let majority = MajorityVote()
    try majority.fit(labelMatrix: L, classCount: 2)
    let terms = SourceTerms(identity: majority.decomposition, labelMatrix: L)
    var generator = SeededGenerator(seed: seed)
    let model = MLP(
        inputCount: 3, hiddenSizes: [4], outputCount: 2, activation: .tanh, dtype: .float64, using: &generator)
    let problem = try InfluenceProblem(
        model: model, inputs: data.train.features!.gatheringRows(covered),
        targets: majority.predictProbabilities(L), l2: 0.01, batchSize: 16)
    return (
        problem, terms,
        InfluenceTarget(
            inputs: data.valid.features!, labels: data.valid.goldLabels!, classCount: 2, description: "valid"), L
    )
}

@Suite("Source-aware influence")
struct SourceAwareTests {
    @Test(
        "σ = identity: the RW roll-up to rows equals ordinary IF; the roll-up to LFs equals each LF's group influence")
    func rollUps() throws {
        let (problem, terms, target, _) = try majorityVoteProblem()
        #expect(maxRelativeError(terms.softLabels, problem.targets.scalars) < 1e-12)
        let solved = try problem.solve(target: target, damping: 1, solver: .exact())
        let rw = problem.sourceAwareInfluence(solved, terms: terms, method: .reweighting)
        let ordinary = problem.rowInfluence(solved)
        #expect(zip(rw.rows, ordinary).allSatisfy { abs($0 - $1) <= 1e-8 * max(1, abs($1)) })
        // Group influence of LF j's terms, computed directly: (1/N) sᵀ ∇θ Σ_{terms of j} −(W/Z) log f_c(x_i).
        for j in 0..<terms.lfCount {
            let mine = (0..<terms.count).filter { terms.source[$0] == j }
            let logP = problem.model(problem.inputs.gatheringRows(mine.map { terms.row[$0] })).logSoftmax()
            let coefficients =
                Tensor.oneHot(mine.map { terms.classIndex[$0] }, classCount: 2, dtype: .float64)
                * Tensor(
                    shape: [mine.count, 1], scalars: mine.map { terms.weight[$0] / terms.normalizer[terms.row[$0]] },
                    dtype: .float64)
            let grad = problem.layout.flatten(gradients(of: -(logP * coefficients).sum(), wrt: problem.parameters))
            let group = zip(solved.vector, grad).reduce(0) { $0 + $1.0 * $1.1 } / Double(problem.rowCount)
            #expect(isApproximatelyEqual(rw.lfs[j], group, relative: 1e-9, absolute: 1e-14), "LF \(j)")
        }
    }

    @Test("WM with one vote equals the closed form on a hand-sized example")
    func weightMovingClosedForm() throws {
        // One row with votes (1, 0, 1): ŷ = (1/3, 2/3). Removing LF 0's weight on class 1 gives
        // ŷ' = (1/2, 1/2), so WM = (1/N)[(1/2 − 1/3) u_0 + (1/2 − 2/3) u_1] = (1/6N)(u_0 − u_1).
        let L = LabelMatrix(rows: [[1, 0, 1], [0, -1, -1]])
        let majority = MajorityVote()
        try majority.fit(labelMatrix: L, classCount: 2)
        let terms = SourceTerms(identity: majority.decomposition, labelMatrix: L)
        var generator = SeededGenerator(seed: 9)
        let model = MLP(inputCount: 2, hiddenSizes: [], outputCount: 2, dtype: .float64, using: &generator)
        let x = Tensor(rows: [[0.5, -1], [1, 2]], dtype: .float64)
        let problem = try InfluenceProblem(model: model, inputs: x, targets: majority.predictProbabilities(L), l2: 0.1)
        let solved = try problem.solve(
            target: InfluenceTarget(inputs: x, labels: [1, 0], classCount: 2, description: "rows"), damping: 0,
            solver: .exact())
        let u = problem.classGradientProjections([solved.vector])[0]
        let wm = problem.sourceAwareInfluence(solved, terms: terms, method: .weightMoving)
        let term = (0..<terms.count).first { terms.row[$0] == 0 && terms.source[$0] == 0 }!
        #expect(isApproximatelyEqual(wm.scores[term], (u[0] - u[1]) / (6 * 2), relative: 1e-12))
        // The second row's only vote: removing it takes the row out of training = its ordinary IF.
        let only = (0..<terms.count).first { terms.row[$0] == 1 }!
        #expect(isApproximatelyEqual(wm.scores[only], problem.rowInfluence(solved)[1], relative: 1e-12))
    }

    @Test(
        "the identity surrogate W̄ reproduces Dawid–Skene's and Snorkel's soft labels on spambase (MAE ≤ 0.02) and beats vote shares on synthetic data",
        .tags(.slow), .enabled(if: slowTestsEnabled, "set WEASEL_SLOW_TESTS=1"))
    func surrogate() throws {
        let spambase = try WeakDataset.load(
            from: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("datasets/spambase"))
        let L = spambase.train.labelMatrix.rows(spambase.train.labelMatrix.coveredRows)
        for model in [DawidSkene(), SnorkelLabelModel(seed: 0)] as [LabelModel] {
            try model.fit(labelMatrix: L, classCount: 2)
            for loss in IdentitySurrogate.Loss.allCases {
                let surrogate = IdentitySurrogate.fit(model.decomposition, labelMatrix: L, loss: loss)
                print(
                    "surrogate MAE, spambase \(model.kind.rawValue), \(loss.rawValue) fit: \(surrogate.meanAbsoluteError)"
                )
                #expect(surrogate.meanAbsoluteError <= 0.02, "\(model.kind.rawValue) \(loss.rawValue)")
                #expect(surrogate.decomposition.weights.allSatisfy { $0 >= 0 })
                let terms = SourceTerms(identity: surrogate.decomposition, labelMatrix: L)
                let wanted = model.predictProbabilities(L).scalars
                #expect(
                    abs(
                        zip(terms.softLabels, wanted).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(wanted.count)
                            - surrogate.meanAbsoluteError) < 1e-9)
            }
        }

        var generator = SeededGenerator(seed: 10)
        let model = DawidSkene()
        // Bipolar LFs with heavy overlap (5 LFs firing on 40–70% of rows): an additive surrogate
        // cannot match the multiplicative posterior as well, but it beats the vote shares it starts from.
        let split = SyntheticWeakSupervision(
            accuracies: [0.9, 0.8, 0.7, 0.65, 0.6], propensities: [0.5, 0.6, 0.4, 0.7, 0.5]
        )
        .makeSplit(count: 3000, using: &generator)
        let overlapping = split.labelMatrix.rows(split.labelMatrix.coveredRows)
        try model.fit(labelMatrix: overlapping, classCount: 2)
        let fitted = IdentitySurrogate.fit(model.decomposition, labelMatrix: overlapping)
        let majority = MajorityVote()
        try majority.fit(labelMatrix: overlapping, classCount: 2)
        let shares = majority.predictProbabilities(overlapping).scalars
        let posterior = model.predictProbabilities(overlapping).scalars
        let sharesError = zip(shares, posterior).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(shares.count)
        print("surrogate MAE, overlapping bipolar LFs: \(fitted.meanAbsoluteError) (vote shares: \(sharesError))")
        #expect(fitted.meanAbsoluteError < 0.5 * sharesError)
    }

    @Test("WeaSEL's terms reproduce its encoder's soft labels exactly")
    func weaselTerms() throws {
        let data = SyntheticWeakSupervision(
            accuracies: [0.8, 0.7, 0.65], propensities: [0.6, 0.5, 0.7], featureCount: 4
        )
        .makeDataset(trainCount: 200, validCount: 60, testCount: 60, seed: 12)
        var training = TrainingOptions()
        training.maxEpochs = 3
        let result = try trainWeasel(dataset: data, training: training)
        let L = data.train.labelMatrix.rows(result.trainingRows)
        let (theta, softLabels) = result.encoder.encode(
            features: data.train.features!.gatheringRows(result.trainingRows), labelMatrix: L)
        let terms = SourceTerms(weaselAccuracies: theta, softLabels: softLabels, labelMatrix: L)
        #expect(maxRelativeError(terms.softLabels, softLabels.scalars, floor: 1e-6) < 1e-6)  // Float32 encoder
    }
}
