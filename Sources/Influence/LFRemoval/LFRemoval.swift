import Autodiff
import Foundation
import NN
import WeakSup

/// What "removing an LF" means for the training labels (DESIGN §5): the end model's objective
/// `R(θ) → R₋ⱼ(θ) = (1/N₋ⱼ) Σ_{i kept} ℓ(θ; xᵢ, ỹᵢ⁽⁻ʲ⁾) + (λ/2)‖θ‖²`. Every prediction and every
/// "actual" effect of this module uses one of these, the same on both sides.
public enum LFRemoval: String, CaseIterable, Sendable {
    /// The label model fitted again on the votes with the LF's column abstaining — what a user does
    /// when they delete an LF (majority vote, Dawid–Skene, Snorkel; for WeaSEL, the trained encoder
    /// run on the votes without it, since retraining WeaSEL is a new model). Every row's label may
    /// change (the other LFs' estimated accuracies move too); rows left without a vote are dropped.
    case refit
    /// The fitted label model kept, each row's label recomputed without the LF's weights
    /// (`σ(Σ_{j' ≠ j} W[j', L_ij', c])`, normalized); rows left without a vote are dropped.
    case renormalize
    /// The source-aware paper's reweighting: the LF's loss terms deleted, labels not renormalized,
    /// N kept (`ỹ_ic = (S_ic − w_jc)/Z_i`). What the RW roll-up of `influence scores` sums.
    case reweight
}

/// The training objective without some LFs: the rows kept (positions in the setup's problem)
/// and the targets they are trained towards, `[rows·C]` (soft labels; not normalized for
/// `reweight`). `R₋(θ) = (1/rows.count) Σ ℓ + (λ/2)‖θ‖²`.
public struct RemovalObjective: Sendable {
    public var removed: [Int]
    public var rows: [Int]
    public var targets: [Double]
}

extension InfluenceSetup {
    /// The training objective with the LFs `removed` (indices) taken out as `removal` says.
    public func objective(removing removed: [Int], removal: LFRemoval, dataset: WeakDataset) throws
        -> RemovalObjective
    {
        let c = problem.classCount
        let gone = Set(removed)
        // The problem's votes with the removed LFs abstaining; rows left without a vote are dropped.
        let remaining = labelMatrix.abstaining(gone)
        let kept = (0..<labelMatrix.rowCount).filter { remaining.isCovered($0) }
        func rowsOf(_ labels: [Double]) -> [Double] {
            kept.flatMap { Array(labels[($0 * c)..<(($0 + 1) * c)]) }
        }
        switch removal {
        case .reweight:
            guard let terms else { throw InfluenceError.noLabelingFunctionVotes(method: file.method) }
            var sums = [Double](repeating: 0, count: terms.rowCount * c)
            for t in 0..<terms.count where !gone.contains(terms.source[t]) {
                sums[terms.row[t] * c + terms.classIndex[t]] += terms.weight[t] / terms.normalizer[terms.row[t]]
            }
            return RemovalObjective(removed: removed, rows: Array(0..<terms.rowCount), targets: sums)
        case .renormalize:
            switch file.method {
            case .weasel:
                guard let terms else { throw InfluenceError.noLabelingFunctionVotes(method: file.method) }
                let (rows, labels) = terms.labels { !gone.contains(terms.source[$0]) }
                return RemovalObjective(removed: removed, rows: rows, targets: labels)
            default:
                guard let decomposition = file.decomposition else {
                    throw InfluenceError.noLabelingFunctionVotes(method: file.method)
                }
                let labels = decomposition.removing(lfs: gone).softLabels(remaining.rows(kept)).scalars
                return RemovalObjective(removed: removed, rows: kept, targets: labels)
            }
        case .refit:
            switch file.method {
            case .weasel:
                guard let encoderFile = file.encoder else {
                    throw InfluenceError.noLabelingFunctionVotes(method: file.method)
                }
                let encoder = try WeaselEncoder.make(from: encoderFile, path: "(encoder)")
                let features = dataset.train.features?.gatheringRows(trainingRows)
                let labels = encoder.softLabels(features: features, labelMatrix: remaining).scalars
                return RemovalObjective(removed: removed, rows: kept, targets: rowsOf(labels))
            default:
                guard let kind = file.labelModel else {
                    throw InfluenceError.noLabelingFunctionVotes(method: file.method)
                }
                let model = kind.make(seed: file.seed, classBalance: file.configuration?.classBalance)
                if let snorkel = model as? SnorkelLabelModel {
                    if let rate = file.configuration?.labelModelLearningRate { snorkel.learningRate = rate }
                    if let epochs = file.configuration?.labelModelEpochs { snorkel.epochs = epochs }
                }
                // Fitted on the whole training split, as training did, with the LFs abstaining.
                try model.fit(labelMatrix: dataset.train.labelMatrix.abstaining(gone), classCount: c)
                let labels = model.predictProbabilities(remaining.rows(kept)).converted(to: .float64).scalars
                return RemovalObjective(removed: removed, rows: kept, targets: labels)
            }
        }
    }
}

extension LabelMatrix {
    /// The same votes with the LFs in `lfs` abstaining on every row.
    public func abstaining(_ lfs: Set<Int>) -> LabelMatrix {
        guard !lfs.isEmpty else { return self }
        var votes = compactVotes
        for i in 0..<rowCount { for j in lfs { votes[i * lfCount + j] = Int8(LabelMatrix.abstain) } }
        return LabelMatrix(rowCount: rowCount, lfCount: lfCount, compactVotes: votes)
    }
}

extension LabelDecomposition {
    /// The decomposition without some LFs' weights (their votes and abstains add nothing: zero for
    /// the identity link, a factor exp(0) = 1 for the exp link).
    public func removing(lfs: Set<Int>) -> LabelDecomposition {
        var copy = self
        for j in lfs {
            for k in 0..<classCount {
                for c in 0..<classCount { copy.weights[(j * classCount + k) * classCount + c] = 0 }
            }
            if copy.abstainWeights != nil { for c in 0..<classCount { copy.abstainWeights![j * classCount + c] = 0 } }
        }
        return copy
    }
}
