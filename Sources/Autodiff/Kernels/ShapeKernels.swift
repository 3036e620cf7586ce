/// Copies a block of `x` (viewed around `axis`) starting at `start` with `length` entries into a
/// new storage (slice), or the reverse into a zero storage of the full size (pad).
package func sliceKernel(_ x: Storage, view: AxisView, start: Int, length: Int) -> Storage {
    let y = Storage(count: view.outer * length * view.inner, dtype: x.dtype)
    let element = x.dtype.byteCount
    let block = length * view.inner * element
    for o in 0..<view.outer {
        let src = x.raw + ((o * view.length + start) * view.inner) * element
        let dst = y.raw + (o * length * view.inner) * element
        dst.copyMemory(from: src, byteCount: block)
    }
    return y
}

/// Places `x` (whose axis has `length` entries) at `start` inside zeros whose axis has `view.length`.
package func padKernel(_ x: Storage, view: AxisView, start: Int, length: Int) -> Storage {
    let y = Storage(zeros: view.outer * view.length * view.inner, dtype: x.dtype)
    let element = x.dtype.byteCount
    let block = length * view.inner * element
    for o in 0..<view.outer {
        let dst = y.raw + ((o * view.length + start) * view.inner) * element
        let src = x.raw + (o * length * view.inner) * element
        dst.copyMemory(from: src, byteCount: block)
    }
    return y
}

/// Concatenates storages along an axis; `lengths[i]` is input i's extent on that axis.
package func concatKernel(_ parts: [Storage], outer: Int, inner: Int, lengths: [Int]) -> Storage {
    let total = lengths.reduce(0, +)
    let dtype = parts[0].dtype
    let element = dtype.byteCount
    let y = Storage(count: outer * total * inner, dtype: dtype)
    for o in 0..<outer {
        var offset = 0
        for (part, length) in zip(parts, lengths) {
            let src = part.raw + (o * length * inner) * element
            let dst = y.raw + ((o * total + offset) * inner) * element
            dst.copyMemory(from: src, byteCount: length * inner * element)
            offset += length
        }
    }
    return y
}

/// Rows `indices` of a matrix-like storage with `rowLength` elements per row.
package func gatherRowsKernel(_ x: Storage, rowLength: Int, indices: [Int]) -> Storage {
    let y = Storage(count: indices.count * rowLength, dtype: x.dtype)
    let bytes = rowLength * x.dtype.byteCount
    for (r, index) in indices.enumerated() {
        (y.raw + r * bytes).copyMemory(from: x.raw + index * bytes, byteCount: bytes)
    }
    return y
}

/// Adds row r of `x` into row `indices[r]` of a zero storage with `rowCount` rows.
package func scatterAddRowsKernel(_ x: Storage, rowLength: Int, indices: [Int], rowCount: Int) -> Storage {
    let y = Storage(zeros: rowCount * rowLength, dtype: x.dtype)
    func loop<T: TensorScalar>(_: T.Type) {
        let src = x.pointer(T.self)
        let dst = y.pointer(T.self)
        for (r, index) in indices.enumerated() {
            let s = src + r * rowLength
            let d = dst + index * rowLength
            for c in 0..<rowLength { d[c] += s[c] }
        }
    }
    switch x.dtype {
    case .float32: loop(Float.self)
    case .float64: loop(Double.self)
    }
    return y
}

/// Transpose of a rows × columns matrix (blocked for cache locality).
package func transposeKernel(_ x: Storage, rows: Int, columns: Int) -> Storage {
    let y = Storage(count: x.count, dtype: x.dtype)
    func loop<T: TensorScalar>(_: T.Type) {
        let src = x.pointer(T.self)
        let dst = y.pointer(T.self)
        let block = 32
        for r0 in stride(from: 0, to: rows, by: block) {
            for c0 in stride(from: 0, to: columns, by: block) {
                for r in r0..<Swift.min(r0 + block, rows) {
                    for c in c0..<Swift.min(c0 + block, columns) { dst[c * rows + r] = src[r * columns + c] }
                }
            }
        }
    }
    switch x.dtype {
    case .float32: loop(Float.self)
    case .float64: loop(Double.self)
    }
    return y
}

/// Converts storage to another dtype.
package func convertKernel(_ x: Storage, to dtype: DType) -> Storage {
    if x.dtype == dtype { return x.copy() }
    let y = Storage(count: x.count, dtype: dtype)
    switch (x.dtype, dtype) {
    case (.float32, .float64):
        let s = x.pointer(Float.self)
        let d = y.pointer(Double.self)
        for i in 0..<x.count { d[i] = Double(s[i]) }
    default:
        let s = x.pointer(Double.self)
        let d = y.pointer(Float.self)
        for i in 0..<x.count { d[i] = Float(s[i]) }
    }
    return y
}
