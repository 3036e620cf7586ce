/// Matrix products through BLAS gemm, with transpose flags so backward never materialises a transpose.
extension Tensor {
    /// `op(self) · op(other)` where `op` transposes when its flag is set. Shapes: op(self) m×k,
    /// op(other) k×n, result m×n.
    ///
    /// Backward of `C = op(A) op(B)` with cotangent G:
    /// `∂A = G op(B)ᵀ` (or its transpose when A was transposed) and `∂B = op(A)ᵀ G` (likewise),
    /// each itself a `matmul` with flags, so second derivatives flow through it.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        let (m, n, k) = productShape(other, transposeSelf, transposeOther)
        let storage = Storage(count: m * n, dtype: dtype)
        gemm(self, other, transposeSelf, transposeOther, m: m, n: n, k: k, accumulating: false, into: storage)
        let (ta, tb) = (transposeSelf, transposeOther)
        return .result(
            "matmul", shape: [m, n], storage: storage, inputs: [self, other],
            backward: { g, x, _, needs in productCotangents(g, x[0], x[1], ta, tb, needs).map { $0?.evaluated } },
            partialBackward: { g, x, needs in productCotangents(g, x[0], x[1], ta, tb, needs).map { $0?.partial } })
    }

    /// `op(self) · op(other) + row`, the row (`[n]`) added to every row of the product: a linear
    /// layer's `x Wᵀ + b`. One gemm onto rows that already hold the bias, instead of a product and
    /// then a broadcast add — one pass over the result fewer (and none for gemm's own zeroing).
    /// Backward: the product's cotangents and, for the row, the column sums of G.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false, plusRow row: Tensor)
        -> Tensor
    {
        let (m, n, k) = productShape(other, transposeSelf, transposeOther)
        checkSameDType(row, "matmul")
        precondition(row.shape == [n], "matmul: the added row has shape \(row.shape), the product [\(m), \(n)]")
        let storage = Storage(count: m * n, dtype: dtype)
        let rowBytes = n * dtype.byteCount
        for r in 0..<m { (storage.raw + r * rowBytes).copyMemory(from: row.storage.raw, byteCount: rowBytes) }
        gemm(self, other, transposeSelf, transposeOther, m: m, n: n, k: k, accumulating: true, into: storage)
        let (ta, tb) = (transposeSelf, transposeOther)
        return .result(
            "matmul+row", shape: [m, n], storage: storage, inputs: [self, other, row],
            backward: { g, x, _, needs in
                productCotangents(g, x[0], x[1], ta, tb, needs).map { $0?.evaluated } + [
                    needs[2] ? g.sum(axis: 0) : nil
                ]
            },
            partialBackward: { g, x, needs in
                productCotangents(g, x[0], x[1], ta, tb, needs).map { $0?.partial }
                    + [needs[2] ? .dense(g.sum(axis: 0)) : nil]
            })
    }

    /// (m, n, k) of `op(self) · op(other)`, checked.
    fileprivate func productShape(_ other: Tensor, _ transposeSelf: Bool, _ transposeOther: Bool) -> (Int, Int, Int) {
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
        return (m, n, k)
    }
}

/// One factor pair `op(a) · op(b)` of a product's cotangent.
private struct ProductTerm {
    let a: Tensor
    let b: Tensor
    let transposeA: Bool
    let transposeB: Bool

    var evaluated: Tensor { a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB) }
    var partial: PartialCotangent { .product(a, b, transposeA: transposeA, transposeB: transposeB) }
}

/// The cotangents of A and B in `C = op(A) op(B)` for C's cotangent G: `∂A = G op(B)ᵀ`, `∂B = op(A)ᵀ G`
/// (transposed back where A or B was), each one product with flags.
private func productCotangents(_ g: Tensor, _ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, _ needs: [Bool])
    -> [ProductTerm?]
{
    let da =
        ta
        ? ProductTerm(a: b, b: g, transposeA: tb, transposeB: true)
        : ProductTerm(a: g, b: b, transposeA: false, transposeB: !tb)
    let db =
        tb
        ? ProductTerm(a: g, b: a, transposeA: true, transposeB: ta)
        : ProductTerm(a: a, b: g, transposeA: !ta, transposeB: false)
    return [needs[0] ? da : nil, needs[1] ? db : nil]
}

/// `c += op(a) · op(b)` into `c`'s own buffer (shaped as the product): how the walker sums a
/// product's cotangent into an input's running sum.
func addProduct(_ a: Tensor, _ b: Tensor, transposeA: Bool, transposeB: Bool, into c: Storage) {
    let (m, n, k) = a.productShape(b, transposeA, transposeB)
    precondition(c.count == m * n, "addProduct: a [\(m), \(n)] product into \(c.count) elements")
    gemm(a, b, transposeA, transposeB, m: m, n: n, k: k, accumulating: true, into: c)
}

/// `c = op(a) op(b)`, or `c += op(a) op(b)` when `accumulating`.
private func gemm(
    _ a: Tensor, _ b: Tensor, _ ta: Bool, _ tb: Bool, m: Int, n: Int, k: Int, accumulating: Bool, into c: Storage
) {
    if k == 0 || m == 0 || n == 0 {
        if !accumulating {
            c.raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(c.count, 1) * c.dtype.byteCount)
        }
        return
    }
    func run<T: TensorScalar>(_: T.Type) {
        BLAS.gemm(
            transposeA: ta, transposeB: tb, m: m, n: n, k: k, alpha: 1,
            a: a.storage.pointer(T.self), lda: a.shape[1], b: b.storage.pointer(T.self), ldb: b.shape[1],
            beta: accumulating ? 1 : 0, c: c.pointer(T.self), ldc: n)
    }
    switch a.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    }
}
