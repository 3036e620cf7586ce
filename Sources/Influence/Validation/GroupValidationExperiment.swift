import Autodiff
import Foundation
import NN
import WeakSup

/// How groups of training data are formed for checking group influence against retraining.
public enum GroupKind: String, Sendable, CaseIterable {
    /// Each LF, removed as `LFRemoval` says.
    case lfs
    /// Seeded random triples of LFs removed jointly: first-order influence summed over the three
    /// against their joint removal.
    case lfTriples = "lf-triples"
    /// Random row groups the size of an average LF's coverage.
    case random
    /// The rows trained towards each class.
    case classes = "class"
    /// k-means clusters of the training rows' features.
    case clusters
    /// The 1%, 2%, … most harmful rows (by ordinary IF).
    case topHarmful = "top-harmful"

    /// Whether the groups are LFs (removed as `LFRemoval` says) rather than rows (dropped).
    public var removesLFs: Bool { self == .lfs || self == .lfTriples }

    /// The groups checked when no count is given: every LF, 30 triples, 20 row groups.
    public var defaultCount: Int? {
        switch self {
        case .lfs: return nil
        case .lfTriples: return 30
        default: return 20
        }
    }

    /// How many distinct groups of this kind `rows` training rows and `lfs` LFs allow (LF and class
    /// groups are capped at the number of LFs and classes instead: asking for more takes them all).
    public func maximumCount(rows n: Int, lfs m: Int) -> Int {
        switch self {
        case .lfs, .classes: return Int.max
        case .lfTriples: return m >= 3 ? m * (m - 1) * (m - 2) / 6 : 0
        case .random: return n
        case .clusters: return max(n / 2, 1)
        case .topHarmful: return Set((1...100).map { max(1, n * $0 / 100) }).count
        }
    }
}

/// One predictor's effects against the actual ones (the `exact` estimator: the proximal objective
/// minimized), for the validation loss and, when asked, a test point's loss.
public struct PredictorComparison: Sendable {
    /// `first-order`, `newton (2 steps)`, or for LF triples `summed first-order`.
    public var predictor: String
    public var validation: GroupValidation
    public var testPoint: GroupValidation?
}

/// `influence validate`: every predictor against the actual effects of the same groups, removed
/// the same way, with the same damping.
public struct GroupValidationReport: Sendable {
    public var comparisons: [PredictorComparison]
    public var damping: Double
    public var solve: SolveReport
    public var groupCount: Int
}

extension InfluenceSetup {
    /// Predicts each group's effect on the validation loss (and on one test point) by first-order
    /// influence and by `estimator`, and measures it by the `exact` estimator — the same removal
    /// (`removal` for LF groups; rows dropped for row groups) and the same damping on both sides.
    /// - Parameter count: how many groups (nil: the kind's default — every LF for `lfs`).
    public func validateGroups(
        dataset: WeakDataset, kind: GroupKind, count: Int? = nil, removal: LFRemoval = .refit,
        estimator: EffectEstimator = .newton, newtonSteps: Int = EffectEstimator.defaultNewtonSteps,
        damping: Damping, solver: InverseHVPSolver, testPoint: String? = nil, progress: ((String) -> Void)? = nil
    ) throws -> GroupValidationReport {
        let n = problem.rowCount
        let m = labelMatrix.lfCount
        if kind.removesLFs && !file.method.isWeaklySupervised {
            throw InfluenceError.noLabelingFunctionVotes(method: file.method)
        }
        let requested = count ?? kind.defaultCount ?? m
        guard requested <= kind.maximumCount(rows: n, lfs: m) else {
            throw InfluenceError.tooManyGroups(
                kind: kind, requested: requested, available: kind.maximumCount(rows: n, lfs: m))
        }
        let base = kind.removesLFs ? try removalBase(removal, dataset: dataset) : problem
        let estimation = try RemovalEstimation(
            base: base, setup: self, dataset: dataset, testPoint: testPoint, damping: damping, solver: solver)
        var generator = SeededGenerator(seed: file.seed &+ 0x6E0)

        // The groups: a name and the objective without them.
        var groups: [(name: String, lfs: [Int], objective: RemovalObjective)] = []
        let targets = base.targets.scalars
        let c = base.classCount
        func withoutRows(_ name: String, _ rows: Set<Int>) {
            let kept = (0..<n).filter { !rows.contains($0) }
            groups.append(
                (
                    name, [],
                    RemovalObjective(
                        removed: [], rows: kept, targets: kept.flatMap { Array(targets[($0 * c)..<(($0 + 1) * c)]) })
                ))
        }
        switch kind {
        case .lfs:
            for j in 0..<min(requested, m) {
                groups.append(
                    (dataset.lfNames[j], [j], try objective(removing: [j], removal: removal, dataset: dataset)))
            }
        case .lfTriples:
            var seen = Set<[Int]>()
            while groups.count < requested {
                var order = Array(0..<m)
                order.seededShuffle(using: &generator)
                let triple = Array(order.prefix(3)).sorted()
                guard seen.insert(triple).inserted else { continue }
                groups.append(
                    (
                        triple.map { dataset.lfNames[$0] }.joined(separator: "+"), triple,
                        try objective(removing: triple, removal: removal, dataset: dataset)
                    ))
            }
        case .random:
            let coverage = max(1, labelMatrix.voteCount / max(m, 1))
            for g in 0..<requested {
                var order = Array(0..<n)
                order.seededShuffle(using: &generator)
                withoutRows("random\(g)", Set(order.prefix(min(coverage, n - 1))))
            }
        case .classes:
            let hardTargets = base.targets.argmax(axis: 1)
            for k in 0..<c {
                let rows = Set(hardTargets.indices.filter { hardTargets[$0] == k })
                if !rows.isEmpty && rows.count < n { withoutRows(dataset.classNames[k], rows) }
            }
        case .clusters:
            for (g, rows) in kMeans(base.inputs, k: requested, using: &generator).enumerated()
            where !rows.isEmpty && rows.count < n {
                withoutRows("cluster\(g)", Set(rows))
            }
        case .topHarmful:
            let scores = base.rowInfluence(estimation.solved[0])
            let order = scores.indices.sorted { scores[$0] < scores[$1] }
            var sizes = Set<Int>()
            for g in 1...100 where groups.count < requested && sizes.insert(max(1, n * g / 100)).inserted {
                withoutRows("top\(g)%", Set(order.prefix(max(1, n * g / 100))))
            }
        }

        // Every group: first-order, the estimator (unless it is the actual), and the actual.
        let predictors =
            [EffectEstimator.firstOrder] + (estimator == .firstOrder || estimator == .exact ? [] : [estimator])
        var predicted: [[[Double]]] = Array(repeating: [], count: predictors.count)  // [predictor][group][target]
        var actual: [[Double]] = []
        for (index, group) in groups.enumerated() {
            let effects = try estimation.effects(of: group.objective, predictors + [.exact], newtonSteps: newtonSteps)
            for k in predictors.indices { predicted[k].append(effects[k].lossChanges) }
            actual.append(effects.last!.lossChanges)
            progress?(
                "validate: \(group.name) (\(index + 1)/\(groups.count)) predicted "
                    + String(format: "%.3e", effects[predictors.count - 1].lossChanges[0])
                    + String(format: " actual %.3e", actual.last![0]))
        }
        var names = predictors.map { $0 == .newton ? "newton (\(newtonSteps) steps)" : $0.rawValue }
        if kind == .lfTriples {
            // Each triple's members removed one at a time, their first-order effects summed (additivity).
            var single: [Int: [Double]] = [:]
            for j in Set(groups.flatMap(\.lfs)).sorted() {
                single[j] = try estimation.effects(
                    of: try objective(removing: [j], removal: removal, dataset: dataset), [.firstOrder],
                    newtonSteps: newtonSteps)[0].lossChanges
            }
            predicted.insert(
                groups.map { group in
                    estimation.targets.indices.map { t in group.lfs.reduce(0) { $0 + single[$1]![t] } }
                }, at: 0)
            names.insert("summed first-order", at: 0)
        }
        func validation(_ k: Int, target t: Int) -> GroupValidation {
            GroupValidation(
                effects: groups.indices.map {
                    GroupEffect(group: groups[$0].name, predicted: predicted[k][$0][t], actual: actual[$0][t])
                }, solve: estimation.solved[t].report, damping: estimation.damping)
        }
        return GroupValidationReport(
            comparisons: names.indices.map { k in
                PredictorComparison(
                    predictor: names[k], validation: validation(k, target: 0),
                    testPoint: estimation.targets.count > 1 ? validation(k, target: 1) : nil)
            }, damping: estimation.damping, solve: estimation.solved[0].report, groupCount: groups.count)
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
