import Autodiff
import Foundation
import NN

/// Snorkel's label model (`snorkel.labeling.model.LabelModel`, v0.9/0.10; Ratner et al. 2019):
/// conditionally independent LFs whose class-conditional vote probabilities
/// `μ[j·C + k, c] = P(λ_j = k | y = c)` are learned by matrix completion on the LF agreement
/// statistics `O = L̄ᵀL̄ / N` (L̄ the one-hot votes, abstains all-zero):
///
///     min_μ ‖mask ∘ (O − μ P μᵀ)‖²_F + ‖rowsum(μ P) − diag(O)‖² + ‖l2·(μ − μ₀)‖²_F
///
/// where `P = diag(class balance)` and the mask removes each LF's own block. As Snorkel:
/// `μ₀[j·C + c, c] = clamp(diag(O)·precInit / p_c, 0, 1)`, start at `μ₀ · u` with one
/// `u ~ U(0, 1)` from the seed, full-batch SGD (momentum 0.9) with our autodiff, then μ clamped to
/// [ε, 1 − ε] (ε = min(0.01, 10^−⌈log₁₀ N⌉)) and its columns permuted to break the label-swap
/// symmetry. Soft labels: `ŷ ∝ exp(L̄ · log μ + log p)` — μ itself, as Snorkel since 0.9.1: the
/// older `log clip(μ, 0.01, 0.99)` flattened the rare votes of sparse LFs (whose μ entries are all
/// below 0.01) and left rows with one vote at the prior (snorkel#1422).
public final class SnorkelLabelModel: LabelModel {
    public let kind = LabelModelKind.snorkel
    /// Snorkel's defaults: 100 epochs (full-batch steps), lr 0.01, l2 0, SGD momentum 0.9, prec_init 0.7.
    public var epochs: Int
    public var learningRate: Double
    public var l2: Double
    public var momentum: Double
    public var precisionInit: Double
    public var seed: UInt64
    /// Known class balance; uniform when nil (Snorkel's default without `Y_dev`).
    public var classBalance: [Double]?
    public private(set) var classCount = 2
    public private(set) var lfCount = 0
    /// `μ` as `[m·C, C]`, row-major.
    public private(set) var mu: [Double] = []
    public private(set) var balance: [Double] = []
    public private(set) var coverage: [Double] = []
    public private(set) var finalLoss = Double.nan
    /// The learning rate the fit used: `learningRate`, or a tenth of it per retry when the loss
    /// diverged (Snorkel raises "Loss is NaN" there; with hundreds of LFs lr 0.01 diverges).
    public private(set) var learningRateUsed = Double.nan
    /// Receives a line when the fit falls back to a smaller learning rate.
    public var warning: (@Sendable (String) -> Void)?

    public init(
        epochs: Int = 100, learningRate: Double = 0.01, l2: Double = 0, momentum: Double = 0.9,
        precisionInit: Double = 0.7, seed: UInt64 = 0, classBalance: [Double]? = nil
    ) {
        precondition(
            epochs >= 1 && learningRate > 0 && l2 >= 0 && precisionInit > 0,
            "SnorkelLabelModel: invalid hyperparameters")
        self.epochs = epochs
        self.learningRate = learningRate
        self.l2 = l2
        self.momentum = momentum
        self.precisionInit = precisionInit
        self.seed = seed
        self.classBalance = classBalance
    }

    public func fit(labelMatrix L: LabelMatrix, classCount c: Int) throws {
        try validateVotes(L, classCount: c)
        guard L.lfCount >= kind.minimumLFCount else {
            throw LabelModelError.tooFewLFs(model: kind, count: L.lfCount, minimum: kind.minimumLFCount)
        }
        if let classBalance {
            guard classBalance.count == c, classBalance.allSatisfy({ $0 > 0 }),
                abs(classBalance.reduce(0, +) - 1) < 1e-6
            else {
                throw LabelModelError.invalidClassBalance(classBalance, classCount: c)
            }
        }
        classCount = c
        lfCount = L.lfCount
        let (n, m) = (L.rowCount, L.lfCount)
        let d = m * c
        balance = classBalance ?? Array(repeating: 1 / Double(c), count: c)
        // O = L̄ᵀ L̄ / N, the model's sufficient statistic, from co-vote counts.
        let counts = coVoteCounts(L, classCount: c)
        coverage = (0..<m).map { j in
            Double((0..<c).reduce(0) { $0 + counts[(j * c + $1) * d + j * c + $1] }) / Double(n)
        }
        let overlaps = Tensor(shape: [d, d], scalars: counts.map { Double($0) * (1 / Double(n)) }, dtype: .float64)
        let propensity = (0..<d).map { overlaps[$0, $0] }
        var initial = [Double](repeating: 0, count: d * c)
        for j in 0..<m {
            for y in 0..<c {
                initial[(j * c + y) * c + y] = min(max(propensity[j * c + y] * precisionInit / balance[y], 0), 1)
            }
        }
        var generator = SeededGenerator(seed: seed)
        let start = generator.nextUniform()
        var maskValues = [Double](repeating: 1, count: d * d)
        for j in 0..<m { for a in 0..<c { for b in 0..<c { maskValues[(j * c + a) * d + (j * c + b)] = 0 } } }

        let muInit = Tensor(shape: [d, c], scalars: initial, dtype: .float64)
        let parameter = Tensor(shape: [d, c], scalars: initial.map { $0 * start }, dtype: .float64, requiresGrad: true)
        let mask = Tensor(shape: [d, d], scalars: maskValues, dtype: .float64)
        let classPrior = Tensor(shape: [c], scalars: balance, dtype: .float64)
        let diagonal = Tensor(shape: [d], scalars: propensity, dtype: .float64)
        func descend(_ rate: Double) -> Bool {
            parameter.assign(scalars: initial.map { $0 * start })
            let optimizer = SGD(parameters: [parameter], learningRate: rate, momentum: momentum)
            for _ in 0..<epochs {
                let scaled = parameter * classPrior  // μ P
                let residual = (overlaps - scaled.matmul(parameter, transposeOther: true)) * mask
                var loss = residual.square().sum() + (scaled.sum(axis: 1) - diagonal).square().sum()
                if l2 > 0 { loss = loss + ((parameter - muInit) * l2).square().sum() }
                finalLoss = loss.item
                guard finalLoss.isFinite else { return false }
                optimizer.step(gradients(of: loss, wrt: [parameter]))
            }
            return parameter.scalars.allSatisfy(\.isFinite)
        }
        learningRateUsed = learningRate
        while !descend(learningRateUsed) {
            guard learningRateUsed > learningRate / 1000 * 1.5 else {
                throw LabelModelError.diverged(learningRate: learningRateUsed)
            }
            learningRateUsed /= 10
            warning?("Snorkel label model: loss diverged; retrying with learning rate \(learningRateUsed)")
        }
        let epsilon = min(0.01, 1 / Foundation.pow(10, (Foundation.log10(Double(n))).rounded(.up)))
        mu = parameter.scalars.map { min(max($0, epsilon), 1 - epsilon) }
        breakPermutationSymmetry()
    }

    /// Permutes μ's columns (within groups of classes with equal prior) to maximize the summed
    /// probability that LFs vote for the column's class, fixing which latent class is which — an
    /// assignment problem, solved in O(C³) (`maximumWeightAssignment`), not by trying all C! orders.
    private func breakPermutationSymmetry() {
        let c = classCount
        var probabilitySum = Array(repeating: Array(repeating: 0.0, count: c), count: c)  // [vote][class] · p
        for j in 0..<lfCount {
            for k in 0..<c { for y in 0..<c { probabilitySum[k][y] += mu[(j * c + k) * c + y] * balance[y] } }
        }
        var groups: [Int: [Int]] = [:]
        for y in 0..<c { groups[Int((balance[y] * 1000).rounded()), default: []].append(y) }
        var permutation = Array(0..<c)  // new column y takes old column permutation[y]
        for group in groups.values where group.count > 1 {
            // New column group[a] takes old column group[b]: the assignment maximizing Σ P(vote = y | class).
            let assignment = maximumWeightAssignment(group.map { y in group.map { probabilitySum[y][$0] } })
            for (a, b) in assignment.enumerated() { permutation[group[a]] = group[b] }
        }
        let old = mu
        for row in 0..<(lfCount * c) { for y in 0..<c { mu[row * c + y] = old[row * c + permutation[y]] } }
    }

    public func predictProbabilities(_ labelMatrix: LabelMatrix) -> Tensor { decomposition.softLabels(labelMatrix) }

    /// σ = exp: `W[j, k, c] = log μ[j·C + k, c]` (μ already clamped to [ε, 1 − ε]), prior `log p_c`.
    public var decomposition: LabelDecomposition {
        LabelDecomposition(
            link: .exp, lfCount: lfCount, classCount: classCount,
            weights: mu.map { Foundation.log($0) }, prior: balance.map { Foundation.log($0) })
    }

    /// Snorkel's `get_weights` (formerly `get_accuracies`): `Σ_y P(λ_j = y | y) p_y / coverage_j`,
    /// clipped to [10⁻⁶, 1].
    public func estimatedAccuracies(_ labelMatrix: LabelMatrix) -> [Double] {
        let c = classCount
        return (0..<lfCount).map { j in
            let agree = (0..<c).reduce(0.0) { $0 + mu[(j * c + $1) * c + $1] * balance[$1] }
            return min(max(agree / max(coverage[j], 1e-12), 1e-6), 1)
        }
    }
}

/// `L̄ᵀL̄` for the one-hot votes L̄ `[N, m·C]` (column j·C + k is 1 where LF j voted k): how many
/// rows have LF j voting k and LF j' voting k'. Counted from each row's votes in one pass —
/// O(N·v²) for v votes per row, with no `[N, m·C]` matrix (480 MB at a million rows of 30 LFs).
func coVoteCounts(_ L: LabelMatrix, classCount c: Int) -> [Int] {
    let (m, d) = (L.lfCount, L.lfCount * c)
    var counts = [Int](repeating: 0, count: d * d)
    var slots = [Int](repeating: 0, count: m)
    L.compactVotes.withUnsafeBufferPointer { votes in
        counts.withUnsafeMutableBufferPointer { counts in
            for i in 0..<L.rowCount {
                var voting = 0
                for j in 0..<m where votes[i * m + j] >= 0 {
                    slots[voting] = j * c + Int(votes[i * m + j])
                    voting += 1
                }
                for a in 0..<voting {
                    let row = slots[a] * d
                    for b in 0..<voting { counts[row + slots[b]] += 1 }
                }
            }
        }
    }
    return counts
}
