import Autodiff
import Foundation

/// Seeded synthetic weak-supervision data from the conditionally independent model:
/// `y ~ classBalance`; LF j votes with probability `propensities[j]` (independently of y), and
/// then votes y with probability `accuracies[j]`, otherwise a uniformly chosen other class.
/// Features are Gaussian around a per-class centre (`separation` apart on average), so end
/// models can be trained on them.
///
/// With `contextAccuracies`, LF accuracies depend on the row (as WeaSEL's encoder assumes): the
/// data gets `contextCount` extra features drawn independently of the class, and LF j has accuracy
/// `accuracies[j]` where context feature `j % contextCount` is positive and `contextAccuracies[j]`
/// elsewhere — the right answer is known, and only a model of sample-dependent accuracies finds it.
public struct SyntheticWeakSupervision: Sendable {
    public var classBalance: [Double]
    public var accuracies: [Double]
    public var propensities: [Double]
    public var featureCount: Int
    public var separation: Double
    /// Each LF's accuracy outside its region (nil: every LF has one accuracy everywhere).
    public var contextAccuracies: [Double]?
    public var contextCount = 2
    /// Unipolar LFs, like WRENCH's tree-leaf LFs: LF j only ever votes class `j % C` — with
    /// probability `propensities[j]` when that is the true class, and, on other rows, at the rate
    /// that makes `accuracies[j]` the fraction of its votes that are right (under a uniform prior).
    public var unipolar = false

    public init(
        classBalance: [Double] = [0.5, 0.5], accuracies: [Double], propensities: [Double],
        featureCount: Int = 10, separation: Double = 1.5
    ) {
        precondition(accuracies.count == propensities.count, "Synthetic data: one accuracy and one propensity per LF")
        precondition(
            abs(classBalance.reduce(0, +) - 1) < 1e-9 && classBalance.allSatisfy { $0 > 0 },
            "class balance must be positive and sum to 1")
        self.classBalance = classBalance
        self.accuracies = accuracies
        self.propensities = propensities
        self.featureCount = featureCount
        self.separation = separation
    }

    public var classCount: Int { classBalance.count }

    /// One split of `count` rows.
    public func makeSplit(count: Int, using generator: inout SeededGenerator) -> DatasetSplit {
        let c = classCount
        let m = accuracies.count
        // The centres are part of the task, not of the sample: drawn from a fixed stream.
        var centreGenerator = SeededGenerator(seed: 0x5EED)
        let centres = (0..<c).map { _ in (0..<featureCount).map { _ in centreGenerator.nextNormal() * separation / 2 } }
        let context = contextAccuracies == nil ? 0 : contextCount
        var labels: [Int] = []
        var votes: [Int] = []
        var features: [Double] = []
        for _ in 0..<count {
            var u = generator.nextUniform()
            var y = 0
            while y < c - 1 && u >= classBalance[y] {
                u -= classBalance[y]
                y += 1
            }
            labels.append(y)
            // Drawn only when the accuracies depend on context, so the stream is unchanged otherwise.
            let contextValues = (0..<context).map { _ in generator.nextNormal() }
            for j in 0..<m {
                guard generator.nextUniform() < propensities[j] else {
                    votes.append(LabelMatrix.abstain)
                    continue
                }
                let accuracy = context > 0 && contextValues[j % context] <= 0 ? contextAccuracies![j] : accuracies[j]
                if unipolar {
                    let target = j % c
                    let prior = 1 / Double(c)
                    let falseRate = min(1, prior * (1 - accuracy) / ((1 - prior) * max(accuracy, 1e-9)))
                    let fires = generator.nextUniform() < (y == target ? 1 : falseRate)
                    votes.append(fires ? target : LabelMatrix.abstain)
                    continue
                }
                if generator.nextUniform() < accuracy {
                    votes.append(y)
                } else {
                    let other = generator.nextInt(below: c - 1)
                    votes.append(other >= y ? other + 1 : other)
                }
            }
            features += centres[y].map { $0 + generator.nextNormal() } + contextValues
        }
        return DatasetSplit(
            ids: (0..<count).map(String.init),
            features: Tensor(shape: [count, featureCount + context], scalars: features),
            labelMatrix: LabelMatrix(rowCount: count, lfCount: m, votes: votes), goldLabels: labels)
    }

    /// A full dataset with train/valid/test splits.
    public func makeDataset(trainCount: Int, validCount: Int, testCount: Int, seed: UInt64) -> WeakDataset {
        var generator = SeededGenerator(seed: seed)
        return WeakDataset(
            name: "synthetic", classNames: (0..<classCount).map { "class\($0)" },
            lfNames: (0..<accuracies.count).map { "lf\($0)" },
            train: makeSplit(count: trainCount, using: &generator),
            valid: makeSplit(count: validCount, using: &generator),
            test: makeSplit(count: testCount, using: &generator))
    }
}
