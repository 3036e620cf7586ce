import Foundation
import TestSupport
import Testing
import WeakSup

@Suite("Label models")
struct LabelModelTests {
    static let accuracies = [0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.6, 0.8]
    nonisolated(unsafe) static let data: DatasetSplit = {
        var generator = SeededGenerator(seed: 17)
        let synthetic = SyntheticWeakSupervision(
            accuracies: accuracies, propensities: [0.5, 0.6, 0.4, 0.5, 0.7, 0.3, 0.5, 0.4, 0.6, 0.5])
        return synthetic.makeSplit(count: 20_000, using: &generator)
    }()

    func labelAccuracy(_ model: LabelModel) -> Double {
        let L = Self.data.labelMatrix
        let gold = Self.data.goldLabels!
        let covered = L.coveredRows
        let hard = model.predictHard(L.rows(covered), tieBreakSeed: 1)
        return Metrics.accuracy(predictions: hard, labels: covered.map { gold[$0] })
    }

    @Test("Dawid–Skene and the Snorkel model recover each LF's accuracy within 0.03 and beat majority vote")
    func recoverAccuracies() throws {
        let L = Self.data.labelMatrix
        let majority = MajorityVote()
        let dawidSkene = DawidSkene()
        let snorkel = SnorkelLabelModel(seed: 1)
        for model in [majority, dawidSkene, snorkel] as [LabelModel] { try model.fit(labelMatrix: L, classCount: 2) }
        for model in [dawidSkene, snorkel] as [LabelModel] {
            let estimated = model.estimatedAccuracies(L)
            for (j, (e, truth)) in zip(estimated, Self.accuracies).enumerated() {
                #expect(abs(e - truth) <= 0.03, "\(model.kind.rawValue) LF \(j): estimated \(e), true \(truth)")
            }
        }
        let mv = labelAccuracy(majority)
        let ds = labelAccuracy(dawidSkene)
        let sn = labelAccuracy(snorkel)
        print("label accuracy on covered rows: MV \(mv), DS \(ds), Snorkel \(sn)")
        #expect(ds > mv + 0.01)
        #expect(sn > mv + 0.01)
    }

    @Test("each model's decomposition reproduces its soft labels")
    func decompositions() throws {
        let L = Self.data.labelMatrix.rows(Array(0..<500))
        for model in [MajorityVote(), DawidSkene(), SnorkelLabelModel(seed: 2)] as [LabelModel] {
            try model.fit(labelMatrix: L, classCount: 2)
            let direct = model.predictProbabilities(L).scalars
            let decomposition = model.decomposition
            #expect(decomposition.lfCount == 10)
            #expect(maxRelativeError(decomposition.softLabels(L).scalars, direct) < 1e-12)
        }
    }

    @Test("majority vote: vote shares, seeded tie-breaks, uncovered rows flagged")
    func majority() throws {
        let L = LabelMatrix(rows: [[0, 0, 1], [1, -1, -1], [0, 1, -1], [-1, -1, -1]])
        let model = MajorityVote()
        try model.fit(labelMatrix: L, classCount: 2)
        let p = model.predictProbabilities(L).scalars
        #expect(maxRelativeError(p, [2.0 / 3, 1.0 / 3, 0, 1, 0.5, 0.5, 0.5, 0.5]) < 1e-12)
        let hard = model.predictHard(L, tieBreakSeed: 3)
        #expect(hard[0] == 0 && hard[1] == 1 && hard[3] == -1)
        #expect(hard == model.predictHard(L, tieBreakSeed: 3))
        let tieBreaks = Set((0..<20).map { model.predictHard(L, tieBreakSeed: UInt64($0))[2] })
        #expect(tieBreaks == [0, 1])
    }

    @Test("bad votes and empty matrices are rejected with a clear message")
    func rejectsBadInput() {
        #expect(throws: LabelModelError.voteOutOfRange(row: 0, lf: 1, vote: 7, classCount: 2)) {
            try DawidSkene().fit(labelMatrix: LabelMatrix(rows: [[0, 7]]), classCount: 2)
        }
        #expect(throws: LabelModelError.noVotes) {
            try SnorkelLabelModel().fit(labelMatrix: LabelMatrix(rows: [[-1, -1]]), classCount: 2)
        }
    }
}

@Suite("Unipolar labeling functions")
struct UnipolarLFTests {
    @Test("Dawid–Skene uses when unipolar LFs abstain: its labels are far better than chance")
    func unipolar() throws {
        // Six LFs, each voting only its own class: it fires with probability 0.5 on that class and
        // 0.08 on the other, so all its information is in whether it fires.
        var generator = SeededGenerator(seed: 5)
        var rows: [[Int]] = []
        var gold: [Int] = []
        for _ in 0..<5000 {
            let y = generator.nextInt(below: 2)
            gold.append(y)
            rows.append(
                (0..<6).map { j in
                    let target = j % 2
                    return generator.nextUniform() < (y == target ? 0.5 : 0.08) ? target : -1
                })
        }
        let L = LabelMatrix(rows: rows)
        let covered = L.coveredRows
        for model in [DawidSkene(), SnorkelLabelModel(seed: 3)] as [LabelModel] {
            try model.fit(labelMatrix: L, classCount: 2)
            let accuracy = Metrics.accuracy(
                predictions: model.predictHard(L.rows(covered)), labels: covered.map { gold[$0] })
            #expect(accuracy > 0.8, "\(model.kind.rawValue): \(accuracy)")
        }
    }
}

@Suite("Snorkel's label model agrees with Snorkel")
struct SnorkelAgreementTests {
    /// Snorkel 0.10.0's soft labels for every distinct vote pattern of the covered training rows of
    /// `weasel synthetic --out DIR --lfs 10 --accuracy 0.9,0.85,0.8,0.75,0.7,0.65,0.6,0.85,0.75,0.7
    /// --propensity 0.004,0.005,0.006,0.007,0.008,0.004,0.005,0.006,0.007,0.008 --rows 10000,300,1000
    /// --seed 3`, recorded once by `scripts/compare/snorkel_label_model.py DIR --record FILE`.
    struct Recorded: Decodable {
        struct Pattern: Decodable {
            var votes: [Int]
            var count: Int
            var p: [Double]
        }
        var snorkel: String
        var patterns: [Pattern]
    }

    @Test(
        "on sparse LFs (most covered rows have one vote) our soft labels agree with Snorkel's, none left at the prior")
    func sparseLFs() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/snorkel-sparse-lfs.json")
        let recorded = try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: fixture))
        let synthetic = SyntheticWeakSupervision(
            accuracies: [0.9, 0.85, 0.8, 0.75, 0.7, 0.65, 0.6, 0.85, 0.75, 0.7],
            propensities: [0.004, 0.005, 0.006, 0.007, 0.008, 0.004, 0.005, 0.006, 0.007, 0.008])
        let train = synthetic.makeDataset(trainCount: 10_000, validCount: 300, testCount: 1000, seed: 3).train
        let model = SnorkelLabelModel(seed: 0)
        try model.fit(labelMatrix: train.labelMatrix, classCount: 2)
        // The data is the recorded data: the same patterns with the same counts.
        let covered = train.labelMatrix.rows(train.labelMatrix.coveredRows)
        var counts: [[Int]: Int] = [:]
        for i in 0..<covered.rowCount { counts[(0..<10).map { covered[i, $0] }, default: 0] += 1 }
        #expect(counts == Dictionary(uniqueKeysWithValues: recorded.patterns.map { ($0.votes, $0.count) }))
        let ours = model.predictProbabilities(LabelMatrix(rows: recorded.patterns.map(\.votes))).scalars
        var (agreeing, rows, totalDifference, atPrior) = (0, 0, 0.0, 0)
        for (k, pattern) in recorded.patterns.enumerated() {
            let p = Array(ours[(2 * k)..<(2 * k + 2)])
            if (p[1] > p[0]) == (pattern.p[1] > pattern.p[0]) { agreeing += pattern.count }
            if abs(p[0] - 0.5) < 1e-9 { atPrior += pattern.count }
            totalDifference += Double(pattern.count) * abs(p[0] - pattern.p[0])
            rows += pattern.count
        }
        let (agreement, meanDifference) = (Double(agreeing) / Double(rows), totalDifference / Double(rows))
        print("Snorkel \(recorded.snorkel), sparse LFs: argmax agreement \(agreement), mean |Δp| \(meanDifference)")
        // With log clip(μ, 0.01, 0.99) every one of these rows sat at the prior: agreement 0.48, |Δp| 0.19.
        #expect(atPrior == 0)
        #expect(agreement >= 0.99)
        #expect(meanDifference < 0.04)
        // Each LF's accuracy as Snorkel's get_weights estimates it, near the truth (no 0.01 floor on μ).
        for (j, (estimated, truth)) in zip(model.estimatedAccuracies(train.labelMatrix), synthetic.accuracies)
            .enumerated()
        {
            #expect(abs(estimated - truth) < 0.2, "LF \(j): \(estimated) vs \(truth)")
        }
    }

    @Test("fewer than 3 LFs are refused, as Snorkel does: the fit is not identifiable and flips with the seed")
    func tooFewLFs() throws {
        let L = LabelMatrix(rows: [[0, 1], [1, 1], [0, 0], [1, -1]])
        #expect(throws: LabelModelError.tooFewLFs(model: .snorkel, count: 2, minimum: 3)) {
            try SnorkelLabelModel().fit(labelMatrix: L, classCount: 2)
        }
        for model in [MajorityVote(), DawidSkene()] as [LabelModel] { try model.fit(labelMatrix: L, classCount: 2) }
    }
}

@Suite("Snorkel label model with many LFs")
struct SnorkelDivergenceTests {
    @Test("a diverging fit falls back to smaller learning rates instead of failing")
    func backoff() throws {
        var generator = SeededGenerator(seed: 8)
        let rows: [[Int]] = (0..<400).map { _ in
            let y = generator.nextInt(below: 2)
            let flip = generator.nextInt(below: 2)
            return [y] + Array(repeating: flip, count: 150)
        }
        let model = SnorkelLabelModel(seed: 1)
        try model.fit(labelMatrix: LabelMatrix(rows: rows), classCount: 2)
        #expect(model.learningRateUsed < model.learningRate)
        #expect(model.finalLoss.isFinite)
        let finite = model.predictProbabilities(LabelMatrix(rows: rows)).scalars.allSatisfy { $0.isFinite }
        #expect(finite)
    }
}

@Suite("Nothing grows factorially")
struct ScalingTests {
    /// All orderings of `items` (test-only brute force).
    func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        return items.indices.flatMap { i -> [[Int]] in
            var rest = items
            let head = rest.remove(at: i)
            return permutations(rest).map { [head] + $0 }
        }
    }

    @Test(
        "the assignment Snorkel's symmetry step solves equals brute force over all 720 orders of 6 classes",
        arguments: [1, 2, 3, 4])
    func assignmentMatchesBruteForce(_ seed: Int) {
        var generator = SeededGenerator(seed: UInt64(seed))
        let weights = (0..<6).map { _ in (0..<6).map { _ in generator.nextUniform() } }
        let best = permutations(Array(0..<6)).max { a, b in
            a.indices.reduce(0.0) { $0 + weights[$1][a[$1]] } < b.indices.reduce(0.0) { $0 + weights[$1][b[$1]] }
        }!
        #expect(maximumWeightAssignment(weights) == best)
    }

    @Test("Snorkel's label model fits 30 classes and 40 LFs (a uniform prior: one group of 30 classes)")
    func manyClasses() throws {
        let balance = Array(repeating: 1.0 / 30, count: 30)
        let data = SyntheticWeakSupervision(
            classBalance: balance, accuracies: Array(repeating: 0.7, count: 40),
            propensities: Array(repeating: 0.3, count: 40), featureCount: 2
        )
        .makeDataset(trainCount: 3000, validCount: 10, testCount: 10, seed: 9)
        let model = SnorkelLabelModel(epochs: 20, seed: 0)
        try model.fit(labelMatrix: data.train.labelMatrix, classCount: 30)
        let covered = data.train.labelMatrix.coveredRows
        let accuracy = Metrics.accuracy(
            predictions: model.predictHard(data.train.labelMatrix.rows(covered)),
            labels: covered.map { data.train.goldLabels![$0] })
        #expect(accuracy > 0.5, "label accuracy \(accuracy)")
    }
}
