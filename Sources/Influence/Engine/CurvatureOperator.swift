import Autodiff
import Foundation

/// `(H + λI)` — the exact Hessian or its Gauss–Newton matrix, as `InfluenceProblem.curvature`
/// says — as an operator on flat vectors, with the part that does not depend on the vector done
/// once: each batch's forward pass and first backward pass (with its graph, which a backward pass
/// leaves intact). An iterative solver then pays one second-order backward pass per product
/// instead of a forward and two backward passes. The products are the same numbers
/// `hessianVectorProduct` gives.
///
/// The recorded graphs are kept only while they fit `memoryBudget` bytes (measured on the first
/// batch); beyond that every product rebuilds its batches, as `hessianVectorProduct` does.
final class CurvatureOperator {
    private enum Prepared {
        /// ∇L of the batch, with its graph.
        case exact(gradients: [Tensor])
        /// The batch's logits, the dummy cotangent u, `Jᵀu` with its graph, softmax probabilities and
        /// per-row weights `w_i/N`.
        case gaussNewton(logits: Tensor, dummy: Tensor, transposed: [Tensor], probabilities: Tensor, weights: Tensor)
    }

    /// Graphs are kept while they take at most this many bytes (tests lower it; the products are the same).
    nonisolated(unsafe) package static var memoryBudget = 256 << 20

    private let problem: InfluenceProblem
    private let rows: Range<Int>?
    private var prepared: [Prepared]?

    init(_ problem: InfluenceProblem, rows: Range<Int>? = nil) {
        self.problem = problem
        self.rows = rows
        withGradients {
            let parts = self.parts
            guard let first = parts.first else {
                prepared = []
                return
            }
            let firstBatch = prepare(first)
            if graphByteCount(of: firstBatch) * parts.count <= Self.memoryBudget {
                prepared = [firstBatch] + parts.dropFirst().map(prepare)
            }
        }
    }

    /// The batches (clamped to `rows`) the products sum over.
    private var parts: [Range<Int>] {
        problem.batches(problem.rowCount).filter { rows == nil || $0.overlaps(rows!) }.map {
            rows.map($0.clamped(to:)) ?? $0
        }
    }

    private func prepare(_ part: Range<Int>) -> Prepared {
        let p = problem
        switch p.curvature {
        case .exact:
            return .exact(gradients: Autodiff.gradients(of: p.batchLoss(part), wrt: p.parameters, createGraph: true))
        case .gaussNewton:
            let logits = p.model(p.inputs.gatheringRows(Array(part)))
            let dummy = Tensor.zeros(logits.shape, dtype: p.dtype).requiringGradient()
            let transposed = Autodiff.gradients(of: logits, wrt: p.parameters, seed: dummy, createGraph: true)
            let (probabilities, weights): (Tensor, Tensor) = withoutGradients {
                (
                    logits.softmax(),
                    Tensor(
                        shape: [part.count, 1], scalars: part.map { p.weights[$0] / Double(p.rowCount) },
                        dtype: p.dtype)
                )
            }
            return .gaussNewton(
                logits: logits, dummy: dummy, transposed: transposed, probabilities: probabilities, weights: weights)
        }
    }

    /// The bytes of every tensor the prepared batch keeps alive through its graph.
    private func graphByteCount(of batch: Prepared) -> Int {
        switch batch {
        case .exact(let gradients): return Autodiff.graphByteCount(gradients)
        case .gaussNewton(let logits, let dummy, let transposed, let probabilities, let weights):
            return Autodiff.graphByteCount(transposed + [logits, dummy, probabilities, weights])
        }
    }

    /// `(curvature + damping·I) v` over the batches (scaled to the whole set when `rows` is given).
    func apply(_ v: [Double], damping: Double) -> [Double] {
        withGradients {
            let p = problem
            let direction = p.layout.unflatten(v, dtype: p.dtype)
            var total = [Double](repeating: 0, count: p.parameterCount)
            let batches = prepared ?? parts.map(prepare)
            for batch in batches {
                switch batch {
                case .exact(let grads):
                    axpy(
                        1,
                        p.layout.flatten(
                            Autodiff.hessianVectorProduct(gradients: grads, wrt: p.parameters, along: direction)),
                        &total)
                case .gaussNewton(let logits, let dummy, let transposed, let probabilities, let weights):
                    // G v matrix-free: J v = ∇_u ⟨Jᵀu, v⟩ by double backward (Jᵀu is linear in u), times
                    // (w_i/N)(diag(p_i) − p_i p_iᵀ) row by row, then one vector-Jacobian product Jᵀ(·).
                    let inner = zip(transposed, direction).map { ($0 * $1).sum() }.dropFirst()
                        .reduce((transposed[0] * direction[0]).sum(), +)
                    let jv = Autodiff.gradients(of: inner, wrt: [dummy])[0]
                    let scaled: Tensor = withoutGradients {
                        (probabilities * jv - probabilities * (probabilities * jv).sum(axis: 1, keepingDimension: true))
                            * weights
                    }
                    axpy(1, p.layout.flatten(Autodiff.gradients(of: logits, wrt: p.parameters, seed: scaled)), &total)
                }
            }
            if let rows { for i in total.indices { total[i] *= Double(p.rowCount) / Double(rows.count) } }
            axpy(p.l2 + damping, v, &total)
            return total
        }
    }
}
