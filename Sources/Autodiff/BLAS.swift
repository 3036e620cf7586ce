internal import CBLAS

/// The only place that calls into OpenBLAS's CBLAS. Row-major throughout.
package enum BLAS {
    /// `C = alpha · op(A) · op(B) + beta · C`, with `op(A)` of shape m×k and `op(B)` of shape k×n.
    @inline(__always)
    package static func gemm<T: TensorScalar>(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        let ta = transposeA ? CblasTrans : CblasNoTrans
        let tb = transposeB ? CblasTrans : CblasNoTrans
        if T.self == Float.self {
            a.withMemoryRebound(to: Float.self, capacity: 1) { a in
                b.withMemoryRebound(to: Float.self, capacity: 1) { b in
                    c.withMemoryRebound(to: Float.self, capacity: 1) { c in
                        cblas_sgemm(
                            CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Float(alpha),
                            a, Int32(lda), b, Int32(ldb), Float(beta), c, Int32(ldc))
                    }
                }
            }
        } else {
            a.withMemoryRebound(to: Double.self, capacity: 1) { a in
                b.withMemoryRebound(to: Double.self, capacity: 1) { b in
                    c.withMemoryRebound(to: Double.self, capacity: 1) { c in
                        cblas_dgemm(
                            CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Double(alpha),
                            a, Int32(lda), b, Int32(ldb), Double(beta), c, Int32(ldc))
                    }
                }
            }
        }
    }

    /// Sets OpenBLAS's thread count for the whole process. The one place the thread count is set;
    /// by default OpenBLAS reads `OPENBLAS_NUM_THREADS`.
    public static func setThreadCount(_ count: Int) {
        precondition(count >= 1, "BLAS thread count must be at least 1, got \(count)")
        openblas_set_num_threads(Int32(count))
    }

    /// The kernel family OpenBLAS chose for this CPU (e.g. "Cooperlake", "Haswell"); the
    /// `OPENBLAS_CORETYPE` environment variable overrides its detection.
    public static var coreName: String { String(cString: openblas_get_corename()) }

    /// OpenBLAS's current thread count.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Solves the symmetric positive definite system `A X = B` in place by Cholesky (LAPACK `dposv`).
    /// `a` is n×n (overwritten by its factor), `b` is n×nrhs in row-major order (overwritten by X).
    /// - Returns: LAPACK's `info`: 0 on success, `k > 0` if the leading minor of order k is not
    ///   positive definite.
    package static func choleskySolve(a: inout [Double], b: inout [Double], n: Int, rightHandSides: Int) -> Int {
        // LAPACK is column-major: A is symmetric so its layout does not matter; B is transposed.
        var bColumnMajor = [Double](repeating: 0, count: n * rightHandSides)
        for i in 0..<n { for j in 0..<rightHandSides { bColumnMajor[j * n + i] = b[i * rightHandSides + j] } }
        var uplo = CChar(UInt8(ascii: "L"))
        var nn = Int32(n)
        var nrhs = Int32(rightHandSides)
        var lda = Int32(n)
        var ldb = Int32(n)
        var info: Int32 = 0
        dposv_(&uplo, &nn, &nrhs, &a, &lda, &bColumnMajor, &ldb, &info)
        for i in 0..<n { for j in 0..<rightHandSides { b[i * rightHandSides + j] = bColumnMajor[j * n + i] } }
        return Int(info)
    }

    /// Eigenvalues of a symmetric n×n matrix in ascending order (LAPACK `dsyev`), or nil on failure.
    package static func symmetricEigenvalues(_ matrix: [Double], n: Int) -> [Double]? {
        var a = matrix
        var jobz = CChar(UInt8(ascii: "N"))
        var uplo = CChar(UInt8(ascii: "L"))
        var nn = Int32(n)
        var lda = Int32(n)
        var info: Int32 = 0
        var w = [Double](repeating: 0, count: n)
        var lwork = Int32(max(1, 3 * n))
        var work = [Double](repeating: 0, count: Int(lwork))
        dsyev_(&jobz, &uplo, &nn, &a, &lda, &w, &work, &lwork, &info)
        return info == 0 ? w : nil
    }
}
