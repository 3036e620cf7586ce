import Influence
import TestSupport
import Testing

func logisticData(seed: UInt64, rows: Int = 1000) -> (LogisticData, LogisticData, [Int]) {
    let data = SyntheticWeakSupervision(accuracies: [0.8], propensities: [1], featureCount: 10, separation: 1.5)
        .makeDataset(trainCount: rows, validCount: 200, testCount: 500, seed: seed)
    let gold = data.train.goldLabels!
    let train = LogisticData(
        features: data.train.features!, labels: Tensor.oneHot(gold, classCount: 2, dtype: .float64).scalars,
        weights: Array(repeating: 0.8, count: rows), classCount: 2)
    let test = LogisticData(
        features: data.test.features!,
        labels: Tensor.oneHot(data.test.goldLabels!, classCount: 2, dtype: .float64).scalars,
        weights: Array(repeating: 1, count: 500), classCount: 2)
    return (train, test, gold)
}

@Suite("DeltaGrad-L")
struct DeltaGradTests {
    @Test(
        "after relabeling 1% of rows, DeltaGrad-L is within 1e-3 of retraining with the same minibatch order; predictions agree on ≥ 99.5%"
    )
    func matchesRetraining() {
        let (old, test, gold) = logisticData(seed: 51)
        let sgd = LogisticRegressionSGD()  // full batches, lr 0.1, 300 steps
        let trajectory = sgd.train(old)
        var new = old
        let changed = Set(stride(from: 0, to: 1000, by: 100))  // 10 rows: flip the label, weight γ → 1
        for i in changed {
            new.labels[i * 2] = gold[i] == 1 ? 1 : 0
            new.labels[i * 2 + 1] = gold[i] == 1 ? 0 : 1
            new.weights[i] = 1
        }
        let retrained = sgd.train(new, record: false).final
        let replayed = DeltaGradL().replay(trajectory, old: old, new: new, changed: changed, sgd: sgd)
        let distance =
            zip(replayed, retrained).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            / retrained.reduce(0) { $0 + $1 * $1 }.squareRoot()
        let moved =
            zip(trajectory.final, retrained).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            / retrained.reduce(0) { $0 + $1 * $1 }.squareRoot()
        func predictions(_ w: [Double]) -> [Int] {
            let p = test.probabilities(w).scalars
            return (0..<500).map { p[$0 * 2 + 1] > 0.5 ? 1 : 0 }
        }
        let agreement = Double(zip(predictions(replayed), predictions(retrained)).filter { $0 == $1 }.count) / 500
        print(
            "DeltaGrad-L: relative distance \(distance) (the change itself moved w by \(moved)), prediction agreement \(agreement)"
        )
        #expect(distance <= 1e-3)
        #expect(agreement >= 0.995)
        #expect(moved > 10 * distance)  // the test can fail: the update is not trivially the old model
    }

    @Test("the compact L-BFGS product is exact on a quadratic whose curvature pairs span the space")
    func lbfgsOnQuadratic() {
        // B = diag(2, 5): pairs (e1, 2e1) and (e2, 5e2) determine it; any v gives B v.
        let product = lbfgsProduct([(s: [1, 0], y: [2, 0]), (s: [0, 1], y: [0, 5])], [3, -1])
        #expect(maxRelativeError(product, [6, -5]) < 1e-12)
    }
}
