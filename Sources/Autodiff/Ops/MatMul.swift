/// Matrix products through BLAS gemm, with transpose flags so backward never materialises a transpose.
extension Tensor {
    /// `op(self) · op(other)` where `op` transposes when its flag is set. Shapes: op(self) m×k,
    /// op(other) k×n, result m×n.
    ///
    /// Backward of `C = op(A) op(B)` with cotangent G:
    /// `∂A = G op(B)ᵀ` (or its transpose when A was transposed) and `∂B = op(A)ᵀ G` (likewise),
    /// each itself a `matmul` with flags, so second derivatives flow through it.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2, "matmul needs matrices, got shapes \(shape) and \(other.shape)")
        checkSameDType(other, "matmul")
        let m = transposeSelf ? shape[1] : shape[0]
        let k = transposeSelf ? shape[0] : shape[1]
        let k2 = transposeOther ? other.shape[1] : other.shape[0]
        let n = transposeOther ? other.shape[0] : other.shape[1]
        precondition(
            k == k2,
            "matmul: inner dimensions differ for shapes \(shape)\(transposeSelf ? "ᵀ" : "") and \(other.shape)\(transposeOther ? "ᵀ" : "")"
        )
        let storage = Storage(count: m * n, dtype: dtype)
        gemm(self, other, transposeSelf, transposeOther, m: m, n: n, k: k, into: storage)
        let (ta, tb) = (transposeSelf, transposeOther)
        return .result("matmul", shape: [m, n], storage: storage, inputs: [self, other]) { g, x, _, needs in
            let (a, b) = (x[0], x[1])
            let da: Tensor? =
                needs[0]
                ? (ta
                    ? b.matmul(g, transposeSelf: tb, transposeOther: true)
                    : g.matmul(b, transposeSelf: false, transposeOther: !tb)) : nil
            let db: Tensor? =
                needs[1]
                ? (tb
                    ? g.matmul(a, transposeSelf: true, transposeOther: ta)
                    : a.matmul(g, transposeSelf: !ta, transposeOther: false)) : nil
            return [da, db]
        }
    }
}

private func gemm(_ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int, into c: Storage) {
    if k == 0 || m == 0 || n == 0 {
        c.raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(c.count, 1) * c.dtype.byteCount)
        return
    }
    func run<T: TensorScalar>(_: T.Type) {
        BLAS.gemm(
            transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
            a: a.storage.pointer(T.self), lda: a.shape[1], b: b.storage.pointer(T.self), ldb: b.shape[1],
            beta: 0, c: c.pointer(T.self), ldc: n)
    }
    switch a.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    }
}
