import Autodiff
import Foundation
import WeakSup

/// The training labels written with an identity link, one term per (row i, source j, class c)
/// with a nonzero weight (DESIGN §5): `ŷ_ic = Σ_{terms of i with class c} weight / Z_i`,
/// `Z_i = Σ_{terms of i} weight`. Source `lfCount` is the extra "prior" source (a constant
/// per-class term). Only nonzero terms are stored — one per vote and class at most.
public struct SourceTerms: Sendable {
    public var lfCount: Int
    public var classCount: Int
    public var rowCount: Int
    public var row: [Int] = []
    public var source: [Int] = []
    public var classIndex: [Int] = []
    public var weight: [Double] = []
    /// `Z_i` per row.
    public var normalizer: [Double]
    /// The vote each term's source cast (-1 for the prior source), for roll-ups to votes and parameters.
    public var vote: [Int] = []

    public var priorSource: Int { lfCount }
    public var count: Int { row.count }

    init(lfCount: Int, classCount: Int, rowCount: Int) {
        self.lfCount = lfCount
        self.classCount = classCount
        self.rowCount = rowCount
        normalizer = Array(repeating: 0, count: rowCount)
    }

    mutating func add(row i: Int, source j: Int, vote k: Int, class c: Int, weight w: Double) {
        guard w != 0 else { return }
        row.append(i)
        source.append(j)
        vote.append(k)
        classIndex.append(c)
        weight.append(w)
        normalizer[i] += w
    }

    /// The labels the terms kept by `keep` represent: the rows that still have weight, and their
    /// renormalized soft labels `[rows·C]` (removing terms and retraining on the rest).
    public func labels(keeping keep: (Int) -> Bool) -> (rows: [Int], labels: [Double]) {
        let c = classCount
        var sums = [Double](repeating: 0, count: rowCount * c)
        for t in 0..<count where keep(t) { sums[row[t] * c + classIndex[t]] += weight[t] }
        let rows = (0..<rowCount).filter { i in (0..<c).reduce(0.0) { $0 + sums[i * c + $1] } > 0 }
        return (
            rows,
            rows.flatMap { i -> [Double] in
                let total = (0..<c).reduce(0.0) { $0 + sums[i * c + $1] }
                return (0..<c).map { sums[i * c + $0] / total }
            }
        )
    }

    /// `S_ic`, the total weight of row i's terms on class c, `[N·C]` (so `ŷ_ic = S_ic / Z_i`).
    public var classSums: [Double] {
        var sums = [Double](repeating: 0, count: rowCount * classCount)
        for t in 0..<count { sums[row[t] * classCount + classIndex[t]] += weight[t] }
        return sums
    }

    /// Weight-moving's label change for term t: `ŷ'_i − ŷ_i` over the classes of the term's row,
    /// where `ŷ'_i = (S_i − w_t e_c) / (Z_i − w_t)` is the label without the term's weight on its
    /// class, renormalized (all zero when no weight remains: the row leaves training).
    /// - Parameter classSums: `classSums`, computed once for all terms.
    public func weightMovingChange(term t: Int, classSums sums: [Double]) -> [Double] {
        let i = row[t]
        let c = classCount
        let z = normalizer[i]
        let w = weight[t]
        let remaining = z - w
        return (0..<c).map { k in
            let after = remaining > 1e-12 * z ? (sums[i * c + k] - (k == classIndex[t] ? w : 0)) / remaining : 0
            return after - sums[i * c + k] / z
        }
    }

    /// The soft labels the terms represent, `[N·C]`.
    public var softLabels: [Double] {
        var y = [Double](repeating: 0, count: rowCount * classCount)
        for t in 0..<count { y[row[t] * classCount + classIndex[t]] += weight[t] / normalizer[row[t]] }
        return y
    }

    /// Terms of an identity-link decomposition (majority vote exactly, or a fitted surrogate).
    /// Abstain weights, when present, give abstaining sources terms with vote -1.
    public init(identity decomposition: LabelDecomposition, labelMatrix L: LabelMatrix) {
        precondition(
            decomposition.link == .identity,
            "SourceTerms(identity:) needs an identity-link decomposition; fit a surrogate for exp links")
        self.init(lfCount: L.lfCount, classCount: decomposition.classCount, rowCount: L.rowCount)
        for i in 0..<L.rowCount {
            for j in 0..<L.lfCount {
                if L[i, j] != LabelMatrix.abstain {
                    for c in 0..<classCount {
                        add(
                            row: i, source: j, vote: L[i, j], class: c,
                            weight: decomposition.weight(lf: j, vote: L[i, j], class: c))
                    }
                } else if let abstain = decomposition.abstainWeights {
                    for c in 0..<classCount {
                        add(row: i, source: j, vote: -1, class: c, weight: abstain[j * classCount + c])
                    }
                }
            }
            if let prior = decomposition.prior {
                for c in 0..<classCount { add(row: i, source: priorSource, vote: -1, class: c, weight: prior[c]) }
            }
        }
    }

    /// WeaSEL's sample-dependent terms from the frozen encoder: within class c, the voters for c
    /// share `ŷ_ic` in proportion to their accuracies `θ_jc(x_i)` (their shares of the score
    /// `s_c = Σ_j θ_jc λ̄_jc`); classes nobody voted for keep their mass through the prior source.
    /// Reproduces the encoder's soft labels exactly (Z_i = 1).
    public init(weaselAccuracies theta: Tensor, softLabels: Tensor, labelMatrix L: LabelMatrix) {
        let c = softLabels.shape[1]
        let m = L.lfCount
        self.init(lfCount: m, classCount: c, rowCount: L.rowCount)
        let thetaValues = theta.scalars
        let y = softLabels.scalars
        for i in 0..<L.rowCount {
            for k in 0..<c {
                let voters = (0..<m).filter { L[i, $0] == k }
                let total = voters.reduce(0.0) { $0 + thetaValues[i * c * m + k * m + $1] }
                if voters.isEmpty || total <= 0 {
                    add(row: i, source: priorSource, vote: -1, class: k, weight: y[i * c + k])
                } else {
                    for j in voters {
                        add(
                            row: i, source: j, vote: k, class: k,
                            weight: y[i * c + k] * thetaValues[i * c * m + k * m + j] / total)
                    }
                }
            }
        }
    }
}

/// An identity-link surrogate of an exp-link label model (Dawid–Skene, Snorkel): nonnegative
/// `W̄[j, k, c]` and prior `b̄_c` such that `(Σ_j W̄[j, L_ij, ·] + b̄) / Z_i` reproduces the model's
/// soft labels as closely as possible over the covered rows — by least squares (the source-aware
/// IF paper's Eq. 15) or by absolute error (`SurrogateLoss`) — fitted with Adam on our autodiff; `W̄ = softplus(R)` keeps it nonnegative. When the
/// model treats abstaining as evidence (Dawid–Skene), the surrogate gets abstain weights `Ā[j, c] ≥ 0`
/// too, so it can represent that evidence.
public struct IdentitySurrogate {
    /// The fitting criterion.
    public enum Loss: String, CaseIterable, Sendable {
        /// Mean squared error (the paper's Eq. 15).
        case squared
        /// Mean absolute error (robust to the rows no additive surrogate can represent).
        case absolute
    }

    public var decomposition: LabelDecomposition
    /// Mean absolute error of the surrogate's soft labels against the model's.
    public var meanAbsoluteError: Double

    public static func fit(
        _ model: LabelDecomposition, labelMatrix L: LabelMatrix, loss criterion: Loss = .squared, steps: Int = 1500,
        learningRate: Double = 0.05
    ) -> IdentitySurrogate {
        let (m, c) = (L.lfCount, model.classCount)
        let targets = model.softLabels(L)
        let votes = Tensor.oneHot(L.compactVotes, classCount: c, dtype: .float64).reshaped([L.rowCount, m * c])
        // Start from majority vote: W̄ = 1{k = c} (softplus⁻¹(1) ≈ 0.5413), a small prior.
        let start = (0..<(m * c)).flatMap { row in (0..<c).map { $0 == row % c ? 0.5413 : -4.0 } }
        let raw = Tensor(shape: [m * c, c], scalars: start, dtype: .float64, requiresGrad: true)
        let rawPrior = Tensor(shape: [c], scalars: Array(repeating: -4, count: c), dtype: .float64, requiresGrad: true)
        let useAbstains = model.abstainWeights != nil
        let abstained = Tensor(
            shape: [L.rowCount, m], scalars: L.votes.map { $0 == LabelMatrix.abstain ? 1 : 0 }, dtype: .float64)
        let rawAbstain = Tensor(
            shape: [m, c], scalars: Array(repeating: -4, count: m * c), dtype: .float64, requiresGrad: true)
        let parameters = useAbstains ? [raw, rawPrior, rawAbstain] : [raw, rawPrior]
        let optimizer = Adam(parameters: parameters, learningRate: learningRate)
        func prediction() -> Tensor {
            var scores = votes.matmul(raw.softplus()) + rawPrior.softplus()
            if useAbstains { scores = scores + abstained.matmul(rawAbstain.softplus()) }
            return scores / scores.sum(axis: 1, keepingDimension: true)
        }
        for _ in 0..<steps {
            let difference = prediction() - targets
            let loss = criterion == .squared ? difference.square().mean() : difference.abs().mean()
            optimizer.step(gradients(of: loss, wrt: parameters))
        }
        let fitted = withoutGradients { prediction() }.scalars
        let wanted = targets.scalars
        let mae = zip(fitted, wanted).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(max(wanted.count, 1))
        let weights = withoutGradients { raw.softplus() }.scalars  // [(j·C + k), c] = W̄[j, k, c]
        let prior = withoutGradients { rawPrior.softplus() }.scalars
        let abstain = useAbstains ? withoutGradients { rawAbstain.softplus() }.scalars : nil
        return IdentitySurrogate(
            decomposition: LabelDecomposition(
                link: .identity, lfCount: m, classCount: c, weights: weights,
                prior: prior, abstainWeights: abstain),
            meanAbsoluteError: mae)
    }
}
