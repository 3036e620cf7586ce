import Foundation
import Influence
import TestSupport
import Testing

/// Solves a small dense system by Gaussian elimination with partial pivoting (test-only, independent
/// of the library's LAPACK path).
func denseSolve(_ matrix: [[Double]], _ rhs: [Double]) -> [Double] {
    var a = matrix
    var b = rhs
    let n = b.count
    for k in 0..<n {
        let pivot = (k..<n).max { abs(a[$0][k]) < abs(a[$1][k]) }!
        a.swapAt(k, pivot)
        b.swapAt(k, pivot)
        for i in (k + 1)..<max(k + 1, n) {
            let f = a[i][k] / a[k][k]
            for j in k..<n { a[i][j] -= f * a[k][j] }
            b[i] -= f * b[k]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        x[i] = (b[i] - ((i + 1)..<n).reduce(0.0) { $0 + a[i][$1] * x[$1] }) / a[i][i]
    }
    return x
}

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// Everything RelatIF and the relative source-aware scores need, computed by hand for a tiny linear
/// softmax model (9 parameters, 3 classes, 6 rows): gradients by central differences of the
/// losses, the Hessian by central differences of the objective's gradient, solves by Gaussian
/// elimination. None of it goes through the library's per-row gradients, projections or solvers.
struct HandComputed {
    let problem: InfluenceProblem
    let terms: SourceTerms
    let target: InfluenceTarget
    let damping = 0.1
    let epsilon = 1e-6

    init() throws {
        var generator = SeededGenerator(seed: 3)
        let model = MLP(inputCount: 2, hiddenSizes: [], outputCount: 3, dtype: .float64, using: &generator)
        let L = LabelMatrix(rows: [[0, 0, 1], [1, -1, 1], [2, 2, 0], [0, -1, -1], [1, 2, 2], [2, 0, 2]])
        let majority = MajorityVote()
        try majority.fit(labelMatrix: L, classCount: 3)
        terms = SourceTerms(identity: majority.decomposition, labelMatrix: L)
        let x = Tensor(
            shape: [6, 2], scalars: [0.5, -1, 1.5, 0.2, -0.7, 0.9, 0.1, 0.3, -1.2, -0.4, 0.8, 1.1], dtype: .float64)
        problem = try InfluenceProblem(model: model, inputs: x, targets: majority.predictProbabilities(L), l2: 0.05)
        target = InfluenceTarget(
            inputs: Tensor(shape: [2, 2], scalars: [0.3, -0.2, -1, 0.6], dtype: .float64), labels: [1, 2],
            classCount: 3, description: "two points")
    }

    /// Central differences of `f` with respect to the flat parameters.
    func numericGradient(_ f: () -> Double) -> [Double] {
        let theta = problem.flatParameters
        defer { problem.setParameters(theta) }
        return theta.indices.map { k in
            var shifted = theta
            shifted[k] += epsilon
            problem.setParameters(shifted)
            let plus = f()
            shifted[k] -= 2 * epsilon
            problem.setParameters(shifted)
            let minus = f()
            return (plus - minus) / (2 * epsilon)
        }
    }

    /// `∇ log f_c(x_i)`.
    func logProbabilityGradient(row i: Int, class c: Int) -> [Double] {
        let oneHot = Tensor.oneHot([c], classCount: 3, dtype: .float64)
        return numericGradient { -problem.targetLoss(inputs: problem.inputs.gatheringRows([i]), targets: oneHot) }
    }

    /// `s = (H + λI)⁻¹ ∇L_target`.
    func solvedTarget() -> [Double] {
        solve(numericGradient { problem.targetLoss(inputs: target.inputs, targets: target.targets) })
    }

    /// `(H + λI)⁻¹ v` with H by central differences of the objective's gradient.
    func solve(_ v: [Double]) -> [Double] {
        let theta = problem.flatParameters
        defer { problem.setParameters(theta) }
        var hessian = theta.indices.map { k -> [Double] in
            var shifted = theta
            shifted[k] += epsilon
            problem.setParameters(shifted)
            let plus = problem.gradient()
            shifted[k] -= 2 * epsilon
            problem.setParameters(shifted)
            let minus = problem.gradient()
            return zip(plus, minus).map { ($0 - $1) / (2 * epsilon) }
        }
        for k in theta.indices { hessian[k][k] += damping }
        return denseSolve(hessian, v)
    }
}

@Suite("Relative influence against a hand-computed case")
struct RelativeInfluenceTests {
    @Test("self-influence and RelatIF: ordinary IF over √(∇ℓᵢᵀ(H + λI)⁻¹∇ℓᵢ)")
    func relatif() throws {
        let hand = try HandComputed()
        let problem = hand.problem
        let n = Double(problem.rowCount)
        let s = hand.solvedTarget()
        let rowGradients = (0..<problem.rowCount).map { i in
            hand.numericGradient {
                problem.targetLoss(
                    inputs: problem.inputs.gatheringRows([i]), targets: problem.targets.gatheringRows([i]))
            }
        }
        let selfInfluence = rowGradients.map { dot($0, hand.solve($0)) }
        let expected = rowGradients.indices.map { i in dot(s, rowGradients[i]) / n / selfInfluence[i].squareRoot() }

        let library = try problem.selfInfluence(
            rows: Array(0..<problem.rowCount), damping: hand.damping, solver: .exact())
        #expect(
            maxRelativeError(library, selfInfluence, floor: 1e-9) < 1e-6,
            "self-influence \(library) vs \(selfInfluence)")
        let solved = try problem.solve(target: hand.target, damping: .fixed(hand.damping), solver: .exact())
        let relative = try problem.relativeRowInfluence(solved, solver: .exact())
        #expect(maxRelativeError(relative, expected, floor: 1e-9) < 1e-5, "RelatIF \(relative) vs \(expected)")
        #expect(throws: InfluenceError.needsExactSolver("RelatIF")) {
            try problem.relativeRowInfluence(solved, solver: .conjugateGradient())
        }
    }

    @Test("relative RW and WM: each term's score over √(aᵀ G H⁻¹ Gᵀ a), a the term's label coefficients")
    func relativeSourceAware() throws {
        let hand = try HandComputed()
        let problem = hand.problem
        let terms = hand.terms
        let n = Double(problem.rowCount)
        let s = hand.solvedTarget()
        // G_i's rows ∇ log f_c(x_i), their projections u_ic = sᵀ∇ log f_c and the kernel K_i = G_i (H + λI)⁻¹ G_iᵀ.
        let classGradients = (0..<problem.rowCount).map { i in
            (0..<3).map { hand.logProbabilityGradient(row: i, class: $0) }
        }
        let kernels = classGradients.map { g in g.map { p in (0..<3).map { q in dot(p, hand.solve(g[q])) } } }
        let sums = terms.classSums
        let solved = try problem.solve(target: hand.target, damping: .fixed(hand.damping), solver: .exact())
        for method in [SourceAwareScores.Method.reweighting, .weightMoving] {
            let scores = problem.sourceAwareInfluence(solved, terms: terms, method: method)
            let relative = try problem.relativeSourceAwareInfluence(scores, damping: hand.damping, solver: .exact())
            for t in 0..<terms.count {
                let i = terms.row[t]
                var a = [Double](repeating: 0, count: 3)
                if method == .reweighting {
                    a[terms.classIndex[t]] = terms.weight[t] / terms.normalizer[i]
                } else {  // ŷ' − ŷ with the term's weight removed from its class, renormalized
                    let remaining = terms.normalizer[i] - terms.weight[t]
                    for k in 0..<3 {
                        let after =
                            remaining > 0
                            ? (sums[i * 3 + k] - (k == terms.classIndex[t] ? terms.weight[t] : 0)) / remaining : 0
                        a[k] = after - sums[i * 3 + k] / terms.normalizer[i]
                    }
                }
                let u = (0..<3).map { dot(s, classGradients[i][$0]) }
                // Removal convention: RW drops the term (loss change −(1/N) a·u on the target), WM moves the
                // weight out of the label ((1/N) a·u with a = ŷ' − ŷ).
                let score = (method == .reweighting ? -1 : 1) * dot(a, u) / n
                let selfInfluence = (0..<3).reduce(0.0) { total, p in
                    total + (0..<3).reduce(0.0) { $0 + a[p] * a[$1] * kernels[i][p][$1] }
                }
                #expect(
                    isApproximatelyEqual(scores.scores[t], score, relative: 1e-5, absolute: 1e-10),
                    "\(method) term \(t)")
                // A term whose removal leaves the label unchanged (a unanimous row losing one of its votes under
                // WM) has no effect and no self-influence: its relative score is 0.
                let expected = a.allSatisfy { abs($0) < 1e-15 } ? 0 : score / selfInfluence.squareRoot()
                #expect(
                    isApproximatelyEqual(relative.scores[t], expected, relative: 1e-5, absolute: 1e-10),
                    "relative \(method) term \(t): \(relative.scores[t]) vs \(expected)")
            }
        }
    }
}
