/// Row-wise outer products: `result[i] = a[i] ⊗ b[i]`, flattened to `[n, p·q]` — per-sample
/// gradients of linear layers (`δ_i ⊗ x_i`) in one pass.
extension Tensor {
    public func rowwiseOuter(_ other: Tensor) -> Tensor {
        precondition(rank == 2 && other.rank == 2 && shape[0] == other.shape[0],
                     "rowwiseOuter needs [n, p] and [n, q], got \(shape) and \(other.shape)")
        checkSameDType(other, "rowwiseOuter")
        let (n, p, q) = (shape[0], shape[1], other.shape[1])
        let storage = Storage(count: n * p * q, dtype: dtype)
        func kernel<T: TensorScalar>(_: T.Type) {
            let a = self.storage.pointer(T.self), b = other.storage.pointer(T.self), out = storage.pointer(T.self)
            for i in 0..<n {
                let bi = b + i * q
                for j in 0..<p {
                    let d = out + (i * p + j) * q, s = a[i * p + j]
                    for k in 0..<q { d[k] = s * bi[k] }
                }
            }
        }
        switch dtype {
        case .float32: kernel(Float.self)
        case .float64: kernel(Double.self)
        }
        return .result("rowwiseOuter", shape: [n, p * q], storage: storage, inputs: [self, other]) { g, x, _, needs in
            // ∂a[i, j] = Σ_k g[i, j, k] b[i, k];  ∂b[i, k] = Σ_j g[i, j, k] a[i, j].
            let blocks = g.reshaped([n * p, q])
            let repeated = x[1].gatheringRows((0..<n).flatMap { Array(repeating: $0, count: p) })
            return [needs[0] ? (blocks * repeated).sum(axis: 1).reshaped([n, p]) : nil,
                    needs[1] ? (blocks * x[0].reshaped([n * p, 1])).reshaped([n, p, q]).sum(axis: 1) : nil]
        }
    }
}
