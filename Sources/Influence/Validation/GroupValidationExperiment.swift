import Autodiff
import Foundation
import NN
import WeakSup

/// How groups of training data are formed for checking group influence against retraining.
public enum GroupKind: String, Sendable, CaseIterable {
    /// Each LF's loss terms (source-aware RW roll-up; needs LF votes behind the labels).
    case lfs
    /// Random row groups the size of an average LF's coverage.
    case random
    /// The rows trained towards each class.
    case classes = "class"
    /// k-means clusters of the training rows' features.
    case clusters
    /// The 1%, 2%, … most harmful rows (by ordinary IF).
    case topHarmful = "top-harmful"

    /// How many distinct groups of this kind `rows` training rows allow (LF and class groups are
    /// capped at the number of LFs and classes instead: asking for more takes them all).
    public func maximumCount(rows n: Int) -> Int {
        switch self {
        case .lfs, .classes: return Int.max
        case .random: return n
        case .clusters: return max(n / 2, 1)
        case .topHarmful: return Set((1...100).map { max(1, n * $0 / 100) }).count
        }
    }
}

extension InfluenceSetup {
    /// Predicts each group's effect on the validation loss (and on one test point) by summing its
    /// members' scores, and measures it by retraining without the group — warm-started from the
    /// trained weights, same seed, until the validation loss stops improving — against a control
    /// fine-tuned the same way on all the data.
    public func validateGroups(
        dataset: WeakDataset, kind: GroupKind, count: Int, damping: Damping, solver: InverseHVPSolver,
        testPoint: String? = nil, options: TrainingOptions? = nil,
        progress: ((String) -> Void)? = nil
    ) throws -> (validation: GroupValidation, testPoint: GroupValidation?) {
        let validLabels = try dataset.goldLabels(.valid, for: "checking group influence")
        let n = problem.rowCount
        let c = problem.classCount
        guard count <= kind.maximumCount(rows: n) else {
            throw InfluenceError.tooManyGroups(kind: kind, requested: count, available: kind.maximumCount(rows: n))
        }
        let validTarget = try target(.validation, dataset: dataset)
        let pointTarget = try testPoint.map { try target(.testPoints([$0]), dataset: dataset) }
        let solvedValid = try problem.solve(target: validTarget, damping: damping, solver: solver)
        let solvedPoint = try pointTarget.map {
            try problem.solve(target: $0, damping: .fixed(solvedValid.damping), solver: solver)
        }
        var generator = SeededGenerator(seed: file.seed &+ 0x6E0)

        // Each group: a name, which terms (or rows) it removes, and its predicted effects.
        struct Group {
            var name: String
            var keepTerm: ((Int) -> Bool)?
            var rows: Set<Int>
            var predicted: [Double]
        }
        var groups: [Group] = []
        let targets = problem.targets.scalars
        func rowPrediction(_ rows: Set<Int>) -> [Double] {
            ([solvedValid] + (solvedPoint.map { [$0] } ?? [])).map { problem.groupRemovalEffect($0, rows: Array(rows)) }
        }
        switch kind {
        case .lfs:
            guard let terms else { throw InfluenceError.noLabelingFunctionVotes(method: file.method) }
            let lfScores = ([solvedValid] + (solvedPoint.map { [$0] } ?? [])).map {
                problem.sourceAwareInfluence($0, terms: terms, method: .reweighting).lfs
            }
            for j in 0..<min(count, terms.lfCount) {
                groups.append(
                    Group(
                        name: dataset.lfNames[j], keepTerm: { terms.source[$0] != j }, rows: [],
                        predicted: lfScores.map { $0[j] }))
            }
        case .random:
            let coverage = max(1, labelMatrix.voteCount / max(labelMatrix.lfCount, 1))
            for g in 0..<count {
                var order = Array(0..<n)
                order.seededShuffle(using: &generator)
                let rows = Set(order.prefix(min(coverage, n - 1)))
                groups.append(Group(name: "random\(g)", keepTerm: nil, rows: rows, predicted: rowPrediction(rows)))
            }
        case .classes:
            let hardTargets = problem.targets.argmax(axis: 1)
            for k in 0..<c {
                let rows = Set(hardTargets.indices.filter { hardTargets[$0] == k })
                if !rows.isEmpty && rows.count < n {
                    groups.append(
                        Group(name: dataset.classNames[k], keepTerm: nil, rows: rows, predicted: rowPrediction(rows)))
                }
            }
        case .clusters:
            for (g, rows) in kMeans(problem.inputs, k: count, using: &generator).enumerated()
            where !rows.isEmpty && rows.count < n {
                groups.append(
                    Group(name: "cluster\(g)", keepTerm: nil, rows: Set(rows), predicted: rowPrediction(Set(rows))))
            }
        case .topHarmful:
            let scores = problem.rowInfluence(solvedValid)
            let order = scores.indices.sorted { scores[$0] < scores[$1] }
            var sizes = Set<Int>()
            for g in 1...100 where groups.count < count && sizes.insert(max(1, n * g / 100)).inserted {
                let rows = Set(order.prefix(max(1, n * g / 100)))
                groups.append(Group(name: "top\(g)%", keepTerm: nil, rows: rows, predicted: rowPrediction(rows)))
            }
        }

        // Retraining: exact for a convex model; otherwise warm start from the trained weights, early
        // stopping on validation loss (against a control fine-tuned the same way on all the data).
        var training = options ?? file.trainingOptions
        training.seed = file.seed
        training.stopOnValidationLoss = true
        training.tuneThreshold = false
        training.progress = nil
        let spec = file.endModelSpec
        let trainInputs = try spec.inputs(dataset.train).gatheringRows(trainingRows)
        let validInputs = try spec.inputs(dataset.valid)
        let pointInputs = pointTarget.map { $0.inputs.converted(to: DType.float32) }
        let pointLabels = pointTarget.map { $0.targets.argmax(axis: 1) }
        let exact = spec.isConvex
        func losses(rows: [Int], labels: [Double]) throws -> [Double] {
            if exact {
                // A convex model is retrained exactly: Newton's method from the trained optimum on the
                // objective without the group (the mean over the remaining rows and terms).
                let retrained = try InfluenceProblem(
                    model: problem.model, inputs: problem.inputs.gatheringRows(rows),
                    targets: Tensor(shape: [rows.count, c], scalars: labels, dtype: .float64), l2: problem.l2)
                try retrained.newtonMinimize()
                return ([validTarget] + (pointTarget.map { [$0] } ?? [])).map {
                    retrained.targetLoss(inputs: $0.inputs, targets: $0.targets)
                }
            }
            let model = try file.endModel.makeModel(path: "model")
            _ = try trainEndModel(
                model, inputs: trainInputs.gatheringRows(rows),
                targets: Tensor(shape: [rows.count, c], scalars: labels),
                validationInputs: validInputs, validationLabels: validLabels, options: training)
            var result = [meanCrossEntropy(model.predictProbabilities(validInputs), validLabels)]
            if let pointInputs, let pointLabels {
                result.append(meanCrossEntropy(model.predictProbabilities(pointInputs), pointLabels))
            }
            return result
        }
        let control = try losses(rows: Array(0..<n), labels: targets)
        var effects: [[GroupEffect]] = Array(repeating: [], count: control.count)
        for group in groups {
            let rows: [Int]
            let labels: [Double]
            if let keep = group.keepTerm, let terms {
                (rows, labels) = terms.labels(keeping: keep)
            } else {
                rows = (0..<n).filter { !group.rows.contains($0) }
                labels = rows.flatMap { Array(targets[($0 * c)..<(($0 + 1) * c)]) }
            }
            let after = try losses(rows: rows, labels: labels)
            for k in control.indices {
                effects[k].append(
                    GroupEffect(group: group.name, predicted: group.predicted[k], actual: after[k] - control[k]))
            }
            progress?(
                "validate: \(group.name) predicted \(String(format: "%.3e", group.predicted[0])) actual \(String(format: "%.3e", after[0] - control[0]))"
            )
        }
        return (
            GroupValidation(effects: effects[0], solve: solvedValid.report, damping: solvedValid.damping),
            effects.count > 1
                ? GroupValidation(effects: effects[1], solve: solvedPoint?.report, damping: solvedPoint?.damping) : nil
        )
    }
}

/// Seeded k-means (Lloyd's algorithm, 25 iterations) on the rows of `x`; returns each cluster's rows.
func kMeans(_ x: Tensor, k: Int, using generator: inout SeededGenerator) -> [[Int]] {
    let n = x.shape[0]
    let d = x.columns
    let values = x.scalars
    var order = Array(0..<n)
    order.seededShuffle(using: &generator)
    var centres = order.prefix(k).map { Array(values[($0 * d)..<(($0 + 1) * d)]) }
    var assignment = [Int](repeating: 0, count: n)
    for _ in 0..<25 {
        for i in 0..<n {
            assignment[i] = centres.indices.min { a, b in
                (0..<d).reduce(0.0) { $0 + pow(values[i * d + $1] - centres[a][$1], 2) }
                    < (0..<d).reduce(0.0) { $0 + pow(values[i * d + $1] - centres[b][$1], 2) }
            }!
        }
        for g in centres.indices {
            let members = (0..<n).filter { assignment[$0] == g }
            guard !members.isEmpty else { continue }
            centres[g] = (0..<d).map { q in members.reduce(0.0) { $0 + values[$1 * d + q] } / Double(members.count) }
        }
    }
    return centres.indices.map { g in (0..<n).filter { assignment[$0] == g } }
}
