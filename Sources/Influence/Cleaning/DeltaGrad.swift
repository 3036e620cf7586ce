import Autodiff
import Foundation

/// DeltaGrad-L (Wu, Dobriban & Davidson, ICML 2020; CHEF §4.2): the parameters a recorded SGD run
/// would have reached had some rows had other labels/weights, without retraining. The run is
/// replayed with the recorded minibatch order; at the first `j0` steps and every `T0`-th step the
/// batch gradient is computed exactly and a curvature pair `(w'_t − w_t, ∇_old(w'_t) − ∇_old(w_t))`
/// is kept (the last `m0`); elsewhere the old data's batch gradient at w'_t is approximated as
/// `g_t + B (w'_t − w_t)` with B the compact L-BFGS matrix of those pairs, and only the changed rows'
/// contributions are recomputed exactly (old ones removed, new ones added).
public struct DeltaGradL: Sendable {
    public var m0 = 2
    public var j0 = 10
    public var t0 = 10
    public init() {}

    /// - Parameters: `old`/`new` differ only in the labels and weights of `changed` rows.
    public func replay(
        _ trajectory: SGDTrajectory, old: LogisticData, new: LogisticData, changed: Set<Int>,
        sgd: LogisticRegressionSGD
    ) -> [Double] {
        var w = trajectory.parameters.first ?? [Double](repeating: 0, count: old.parameterCount)
        var pairs: [(s: [Double], y: [Double])] = []
        for (t, batch) in trajectory.batches.enumerated() {
            let mine = batch.filter { changed.contains($0) }
            let gradient: [Double]
            if t < j0 || t % t0 == 0 || pairs.isEmpty {
                let exactOld = old.gradient(w, rows: batch)
                var s = w
                var y = exactOld
                for q in s.indices {
                    s[q] -= trajectory.parameters[t][q]
                    y[q] -= trajectory.gradients[t][q]
                }
                if s.contains(where: { $0 != 0 }) && zip(s, y).reduce(0, { $0 + $1.0 * $1.1 }) > 1e-18 {
                    pairs.append((s, y))
                    if pairs.count > m0 { pairs.removeFirst() }
                }
                gradient = new.gradient(w, rows: batch)
            } else {
                var delta = w
                for q in delta.indices { delta[q] -= trajectory.parameters[t][q] }
                let correction = lbfgsProduct(pairs, delta)
                var g = trajectory.gradients[t]
                for q in g.indices { g[q] += correction[q] }
                if !mine.isEmpty {
                    let removed = old.gradient(w, rows: mine, divisor: batch.count)
                    let added = new.gradient(w, rows: mine, divisor: batch.count)
                    for q in g.indices { g[q] += added[q] - removed[q] }
                }
                gradient = g
            }
            for q in w.indices { w[q] -= sgd.learningRate * (gradient[q] + sgd.l2 * w[q]) }
        }
        return w
    }
}

/// `B v` for the compact L-BFGS matrix of curvature pairs (Byrd, Nocedal & Schnabel 1994):
/// `B = σI − [σS Y] M⁻¹ [σSᵀ; Yᵀ]`, `M = [[σSᵀS, L], [Lᵀ, −D]]`, with σ = sᵀy / sᵀs of the latest
/// pair (the curvature along the last step, as DeltaGrad does; the usual yᵀy / sᵀy overestimates
/// curvature off the pairs' span and made the replay ~3× less accurate here).
package func lbfgsProduct(_ pairs: [(s: [Double], y: [Double])], _ v: [Double]) -> [Double] {
    guard let last = pairs.last else { return v.map { _ in 0 } }
    func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    let sigma = dot(last.s, last.y) / max(dot(last.s, last.s), 1e-300)
    let m = pairs.count
    // M (2m × 2m) and the right-hand side [σSᵀv; Yᵀv].
    var matrix = [Double](repeating: 0, count: 4 * m * m)
    var rhs = [Double](repeating: 0, count: 2 * m)
    for i in 0..<m {
        rhs[i] = sigma * dot(pairs[i].s, v)
        rhs[m + i] = dot(pairs[i].y, v)
        for j in 0..<m {
            matrix[i * 2 * m + j] = sigma * dot(pairs[i].s, pairs[j].s)
            let sy = dot(pairs[i].s, pairs[j].y)
            if i > j {
                matrix[i * 2 * m + m + j] = sy
                matrix[(m + j) * 2 * m + i] = sy
            }  // L and Lᵀ
            if i == j { matrix[(m + i) * 2 * m + m + i] = -sy }  // −D
        }
    }
    let solution = solveSmall(matrix, rhs, n: 2 * m)
    var result = v.map { sigma * $0 }
    for i in 0..<m {
        for q in result.indices { result[q] -= sigma * pairs[i].s[q] * solution[i] + pairs[i].y[q] * solution[m + i] }
    }
    return result
}

/// Gaussian elimination with partial pivoting for a small dense system.
func solveSmall(_ a: [Double], _ b: [Double], n: Int) -> [Double] {
    var a = a
    var b = b
    for k in 0..<n {
        let pivot = (k..<n).max { abs(a[$0 * n + k]) < abs(a[$1 * n + k]) }!
        if pivot != k {
            for j in 0..<n { a.swapAt(k * n + j, pivot * n + j) }
            b.swapAt(k, pivot)
        }
        let d = a[k * n + k]
        guard abs(d) > 1e-300 else { continue }
        for i in (k + 1)..<n {
            let f = a[i * n + k] / d
            for j in k..<n { a[i * n + j] -= f * a[k * n + j] }
            b[i] -= f * b[k]
        }
    }
    var x = [Double](repeating: 0, count: n)
    for i in stride(from: n - 1, through: 0, by: -1) {
        let rest = ((i + 1)..<n).reduce(0.0) { $0 + a[i * n + $1] * x[$1] }
        x[i] = abs(a[i * n + i]) > 1e-300 ? (b[i] - rest) / a[i * n + i] : 0
    }
    return x
}
