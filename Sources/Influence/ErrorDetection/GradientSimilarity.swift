import Autodiff
import Foundation

/// Similarities between a training row's loss gradient and clean-set gradients, for detecting
/// wrongly labeled rows (IF-class, Nguyen-Duc et al. 2023). Positive = training on the row helps
/// the clean points.
public enum GradientSimilarity: String, Sendable, CaseIterable {
    /// `∇ℓ'ᵀ (H + λI)⁻¹ ∇ℓ_i`.
    case influence = "if"
    /// `∇ℓ_i · ∇ℓ'` (gradient dot product).
    case dot = "gd"
    /// `cos(∇ℓ_i, ∇ℓ')`.
    case cosine = "gc"
    /// `Σ_t η_t ∇ℓ_i(θ_t) · ∇ℓ'(θ_t)` over saved training checkpoints (Pruthi et al. 2020).
    case tracIn = "tracin"
}

/// Per training row: `s_k(i)` for each class k of the clean set, and `s(i)` against the whole set.
public struct SimilarityScores {
    public var similarity: GradientSimilarity
    /// `perClass[k][i]`.
    public var perClass: [[Double]]
    public var overall: [Double]

    /// IF-class's score `min_k s_k(i)`; the most negative rows are the most likely mislabeled.
    public var classBased: [Double] { overall.indices.map { i in perClass.map { $0[i] }.min() ?? 0 } }
}

extension InfluenceProblem {
    /// `∇ℓ_i · g` for every training row and each vector g, from class-gradient projections
    /// (`∇ℓ_i = −Σ_c ŷ_ic ∇ log f_c(x_i)`).
    func rowGradientDots(_ vectors: [[Double]]) -> [[Double]] {
        let c = classCount
        let y = targets.scalars
        return classGradientProjections(vectors).map { u in
            (0..<rowCount).map { i in -(0..<c).reduce(0.0) { $0 + y[i * c + $1] * u[i * c + $1] } }
        }
    }

    /// Norms of every training row's loss gradient (chunks of the per-row gradient matrix).
    func rowGradientNorms() -> [Double] {
        stride(from: 0, to: rowCount, by: 256).flatMap { start -> [Double] in
            let rows = Array(start..<min(start + 256, rowCount))
            let matrix = perRowGradientMatrix(rows).scalars
            let p = parameterCount
            return rows.indices.map { r in
                (0..<p).reduce(0.0) { $0 + matrix[r * p + $1] * matrix[r * p + $1] }.squareRoot()
            }
        }
    }

    /// The clean set's mean gradient per class and overall (for cosine: mean of unit gradients).
    func cleanGradients(inputs: Tensor, labels: [Int], normalized: Bool) throws -> (
        perClass: [[Double]], overall: [Double]
    ) {
        let c = classCount
        let targets = Tensor.oneHot(labels, classCount: c, dtype: dtype)
        if !normalized {
            let perClass = (0..<c).map { k -> [Double] in
                let rows = labels.indices.filter { labels[$0] == k }
                return rows.isEmpty
                    ? [Double](repeating: 0, count: parameterCount)
                    : targetGradient(inputs: inputs.gatheringRows(rows), targets: targets.gatheringRows(rows))
            }
            return (perClass, targetGradient(inputs: inputs, targets: targets))
        }
        // A problem over the clean set with a copy of the current model (same θ, same selection).
        let clean = try InfluenceProblem(
            model: model, inputs: inputs, targets: targets, l2: 0, selection: selection, dtype: dtype)
        let g = clean.perRowGradientMatrix(Array(0..<labels.count)).scalars
        let p = parameterCount
        var perClass = Array(repeating: [Double](repeating: 0, count: p), count: c)
        var overall = [Double](repeating: 0, count: p)
        var counts = [Int](repeating: 0, count: c)
        for r in labels.indices {
            let row = g[(r * p)..<((r + 1) * p)]
            let length = max(row.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-300)
            counts[labels[r]] += 1
            for (q, value) in row.enumerated() {
                perClass[labels[r]][q] += value / length
                overall[q] += value / length
            }
        }
        for k in 0..<c where counts[k] > 0 { perClass[k] = perClass[k].map { $0 / Double(counts[k]) } }
        return (perClass, overall.map { $0 / Double(labels.count) })
    }

    /// `s_k(i)` and `s(i)` for every training row against the clean set (`inputs`, `labels`), the
    /// means over its class-k points and over all of it. Linear similarities cost C + 1 solves (IF)
    /// and projections; cosine also needs each row's gradient norm; TracIn repeats GD at each checkpoint.
    public func similarities(
        _ similarity: GradientSimilarity, cleanInputs: Tensor, cleanLabels: [Int],
        damping: Damping = .automatic, solver: InverseHVPSolver = .conjugateGradient(),
        checkpoints: [TrainingCheckpoint] = []
    ) throws -> SimilarityScores {
        switch similarity {
        case .dot, .influence:
            var (perClass, overall) = try cleanGradients(inputs: cleanInputs, labels: cleanLabels, normalized: false)
            if similarity == .influence {
                let (solutions, _, _) = try solveChoosingDamping(perClass + [overall], damping: damping, solver: solver)
                perClass = Array(solutions.dropLast())
                overall = solutions.last!
            }
            let dots = rowGradientDots(perClass + [overall])
            return SimilarityScores(similarity: similarity, perClass: Array(dots.dropLast()), overall: dots.last!)
        case .cosine:
            let (perClass, overall) = try cleanGradients(inputs: cleanInputs, labels: cleanLabels, normalized: true)
            let norms = rowGradientNorms().map { max($0, 1e-300) }
            let dots = rowGradientDots(perClass + [overall]).map { zip($0, norms).map { $0 / $1 } }
            return SimilarityScores(similarity: similarity, perClass: Array(dots.dropLast()), overall: dots.last!)
        case .tracIn:
            guard !checkpoints.isEmpty else { throw InfluenceError.needsCheckpoints }
            // A checkpoint sets every parameter of the model (the gradients are then taken over the
            // selected ones, e.g. the last layer's, at that point of training).
            let all = model.parameters
            let allLayout = ParameterLayout(all)
            let final = allLayout.flatten(all)
            func load(_ values: [Double]) {
                for (parameter, value) in zip(all, allLayout.unflatten(values, dtype: dtype)) {
                    parameter.assign(value)
                }
            }
            defer { load(final) }
            var total: SimilarityScores?
            for checkpoint in checkpoints {
                guard checkpoint.parameters.count == allLayout.count else {
                    throw InfluenceError.checkpointMismatch(
                        checkpointCount: checkpoint.parameters.count, modelCount: allLayout.count)
                }
                load(checkpoint.parameters)
                let gd = try similarities(.dot, cleanInputs: cleanInputs, cleanLabels: cleanLabels)
                let scaled = SimilarityScores(
                    similarity: .tracIn, perClass: gd.perClass.map { $0.map { $0 * checkpoint.learningRate } },
                    overall: gd.overall.map { $0 * checkpoint.learningRate })
                total =
                    total.map { t in
                        SimilarityScores(
                            similarity: .tracIn, perClass: zip(t.perClass, scaled.perClass).map { zip($0, $1).map(+) },
                            overall: zip(t.overall, scaled.overall).map(+))
                    } ?? scaled
            }
            return total!
        }
    }
}
