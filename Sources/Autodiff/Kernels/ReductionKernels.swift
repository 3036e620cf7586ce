/// A tensor viewed as `outer × length × inner` around one axis, the layout every axis
/// reduction, softmax, concat and slice kernel works on.
package struct AxisView: Sendable {
    package let outer: Int
    package let length: Int
    package let inner: Int

    package init(shape: [Int], axis: Int) {
        precondition(axis >= 0 && axis < shape.count, "Axis \(axis) out of range for shape \(shape)")
        outer = shape[..<axis].reduce(1, *)
        length = shape[axis]
        inner = shape[(axis + 1)...].reduce(1, *)
    }
}

package enum ReductionKind: Sendable { case sum, max }

/// Sums (or maxes) over the middle axis of the view: result has `outer × inner` elements.
package func reduceKernel(_ kind: ReductionKind, _ view: AxisView, _ x: Storage) -> Storage {
    let y = Storage(count: view.outer * view.inner, dtype: x.dtype)
    func loop<T: TensorScalar>(_: T.Type) {
        let src = x.pointer(T.self)
        let dst = y.pointer(T.self)
        for o in 0..<view.outer {
            let base = src + o * view.length * view.inner
            let out = dst + o * view.inner
            if view.inner == 1 {
                var acc: T = kind == .sum ? 0 : -T.infinity
                if kind == .sum {
                    for k in 0..<view.length { acc += base[k] }
                } else {
                    for k in 0..<view.length { acc = Swift.max(acc, base[k]) }
                }
                out[0] = acc
            } else {
                for i in 0..<view.inner { out[i] = kind == .sum ? 0 : -T.infinity }
                for k in 0..<view.length {
                    let row = base + k * view.inner
                    if kind == .sum {
                        for i in 0..<view.inner { out[i] += row[i] }
                    } else {
                        for i in 0..<view.inner { out[i] = Swift.max(out[i], row[i]) }
                    }
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

/// Sum of all elements (one-element storage).
package func sumAllKernel(_ x: Storage) -> Storage {
    reduceKernel(.sum, AxisView(shape: [x.count], axis: 0), x)
}

/// A 0/1 mask with a single 1 at the first maximum along the middle axis of the view.
package func argmaxMaskKernel(_ view: AxisView, _ x: Storage) -> Storage {
    let y = Storage(zeros: x.count, dtype: x.dtype)
    func loop<T: TensorScalar>(_: T.Type) {
        let src = x.pointer(T.self)
        let dst = y.pointer(T.self)
        for o in 0..<view.outer {
            for i in 0..<view.inner {
                let base = o * view.length * view.inner + i
                var best = 0
                var bestValue = src[base]
                for k in 1..<Swift.max(view.length, 1) where src[base + k * view.inner] > bestValue {
                    best = k
                    bestValue = src[base + k * view.inner]
                }
                dst[base + best * view.inner] = 1
            }
        }
    }
    switch x.dtype {
    case .float32: loop(Float.self)
    case .float64: loop(Double.self)
    }
    return y
}

/// Row-wise softmax or log-softmax over the last axis (max-subtracted for stability).
package func softmaxKernel(_ x: Storage, rowLength: Int, log: Bool) -> Storage {
    let y = Storage(count: x.count, dtype: x.dtype)
    let rows = rowLength == 0 ? 0 : x.count / rowLength
    func loop<T: TensorScalar>(_: T.Type) {
        let src = x.pointer(T.self)
        let dst = y.pointer(T.self)
        for r in 0..<rows {
            let s = src + r * rowLength
            let d = dst + r * rowLength
            var m = -T.infinity
            for c in 0..<rowLength { m = Swift.max(m, s[c]) }
            var total: T = 0
            if T.self == Float.self {
                let sf = UnsafeRawPointer(s).assumingMemoryBound(to: Float.self)
                let df = UnsafeMutableRawPointer(d).assumingMemoryBound(to: Float.self)
                let mf = Float(m)
                for c in 0..<rowLength { df[c] = FastFloatMath.exp(sf[c] - mf) }
                for c in 0..<rowLength { total += d[c] }
            } else {
                for c in 0..<rowLength {
                    let e = T.exp(s[c] - m)
                    d[c] = e
                    total += e
                }
            }
            if log {
                let logTotal = T.log(total) + m
                for c in 0..<rowLength { d[c] = s[c] - logTotal }
            } else {
                let inv = 1 / total
                for c in 0..<rowLength { d[c] *= inv }
            }
        }
    }
    switch x.dtype {
    case .float32: loop(Float.self)
    case .float64: loop(Double.self)
    }
    return y
}
