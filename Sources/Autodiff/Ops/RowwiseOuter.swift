/// Row-wise outer products: `result[i] = a[i] ⊗ b[i]`, flattened to `[n, p·q]` — per-sample
/// gradients of linear layers (`δ_i ⊗ x_i`) in one pass.
extension Tensor {
    public func rowwiseOuter(_ other: Tensor) -> Tensor {
        precondition(
            rank == 2 && other.rank == 2 && shape[0] == other.shape[0],
            "rowwiseOuter needs [n, p] and [n, q], got \(shape) and \(other.shape)")
        checkSameDType(other, "rowwiseOuter")
        let (n, p, q) = (shape[0], shape[1], other.shape[1])
        let storage = Storage(count: n * p * q, dtype: dtype)
        func kernel<T: TensorScalar>(_: T.Type) {
            let a = self.storage.pointer(T.self)
            let b = other.storage.pointer(T.self)
            let out = storage.pointer(T.self)
            for i in 0..<n {
                let bi = b + i * q
                for j in 0..<p {
                    let d = out + (i * p + j) * q
                    let s = a[i * p + j]
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
            return [
                needs[0] ? (blocks * repeated).sum(axis: 1).reshaped([n, p]) : nil,
                needs[1] ? (blocks * x[0].reshaped([n * p, 1])).reshaped([n, p, q]).sum(axis: 1) : nil,
            ]
        }
    }
}

/// Assembles a `[n, width]` constant matrix from column blocks without an intermediate per-block
/// tensor: each block is either a row-wise outer product `a[i] ⊗ b[i]` or the rows of a tensor,
/// written at its column offset (per-sample gradient matrices).
public struct ColumnBlockWriter {
    public enum Block {
        case outer(Tensor, Tensor)
        case rows(Tensor)

        var width: Int {
            switch self {
            case .outer(let a, let b): return a.shape[1] * b.shape[1]
            case .rows(let t): return t.count / Swift.max(t.shape[0], 1)
            }
        }
    }

    public static func assemble(_ blocks: [Block], rows n: Int, dtype: DType) -> Tensor {
        let width = blocks.reduce(0) { $0 + $1.width }
        let storage = Storage(count: n * width, dtype: dtype)
        func write<T: TensorScalar>(_: T.Type) {
            let out = storage.pointer(T.self)
            var offset = 0
            for block in blocks {
                switch block {
                case .outer(let a, let b):
                    let (p, q) = (a.shape[1], b.shape[1])
                    let ap = a.storage.pointer(T.self)
                    let bp = b.storage.pointer(T.self)
                    for i in 0..<n {
                        let row = out + i * width + offset
                        let bi = bp + i * q
                        for j in 0..<p {
                            let d = row + j * q
                            let s = ap[i * p + j]
                            for k in 0..<q { d[k] = s * bi[k] }
                        }
                    }
                case .rows(let t):
                    let w = block.width
                    let src = t.storage.pointer(T.self)
                    for i in 0..<n { (out + i * width + offset).update(from: src + i * w, count: w) }
                }
                offset += block.width
            }
        }
        switch dtype {
        case .float32: write(Float.self)
        case .float64: write(Double.self)
        }
        return Tensor(shape: [n, width], storage: storage)
    }
}
