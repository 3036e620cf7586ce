/// Fused kernels of the LSTM recurrence (see `Tensor.lstmRecurrence`). Layouts, batch-first:
/// `gates [B, T, 4H]` (i, f, g, o blocks), `states [B, T, 2H]` (h then c at each step),
/// `mask [B, T]` (1 real, 0 padding; nil = all real), `cellTanh [B, T, H]` (tanh of each step's
/// unmasked cell value: the forward pass keeps it so the backward pass needs no transcendental).

@inline(__always) private func sigmoid<T: TensorScalar>(_ x: T) -> T {
    if T.self == Float.self { return T(FastFloatMath.sigmoid(Float(x))) }
    return x >= 0 ? 1 / (1 + T.exp(-x)) : T.exp(x) / (1 + T.exp(x))
}

@inline(__always) private func tanh<T: TensorScalar>(_ x: T) -> T {
    if T.self == Float.self { return T(FastFloatMath.tanh(Float(x))) }
    return T.tanh(x)
}

/// Steps in processing order.
@inline(__always) func recurrenceSteps(_ count: Int, reverse: Bool) -> [Int] {
    reverse ? Array((0..<count).reversed()) : Array(0..<count)
}

/// Forward: `gates` holds the input projections on entry and the activated gates on exit;
/// `states` receives h and c of every step, `cellTanh` tanh of every unmasked cell value.
func lstmForwardKernel<T: TensorScalar>(
    _: T.Type, gates: UnsafeMutablePointer<T>, states: UnsafeMutablePointer<T>, cellTanh: UnsafeMutablePointer<T>,
    weight: UnsafePointer<T>, mask: UnsafePointer<T>?, batch: Int, steps: Int, hidden h: Int, reverse: Bool
) {
    let order = recurrenceSteps(steps, reverse: reverse)
    let gateStride = steps * 4 * h
    let stateStride = steps * 2 * h
    let zeros = UnsafeMutablePointer<T>.allocate(capacity: 2 * h)  // the state before the first step
    zeros.initialize(repeating: 0, count: 2 * h)
    defer { zeros.deallocate() }
    for (k, t) in order.enumerated() {
        let previous = k == 0 ? nil : order[k - 1]
        if let p = previous {  // gates_t += h_{prev} W_hhᵀ, reading h straight from the state buffer
            BLAS.gemm(
                transposeA: false, transposeB: true, m: batch, n: 4 * h, k: h, alpha: 1,
                a: states + p * 2 * h, lda: stateStride, b: weight, ldb: h,
                beta: 1, c: gates + t * 4 * h, ldc: gateStride)
        }
        for b in 0..<batch {
            // One pointer per gate and state, so every loop indexes with j alone: `g[h + j]` needs
            // an overflow check per element, which kept the loops scalar.
            let gi = gates + b * gateStride + t * 4 * h
            let (gf, gg, go) = (gi + h, gi + 2 * h, gi + 3 * h)
            let hOut = states + b * stateStride + t * 2 * h
            let cOut = hOut + h
            let hPrev = previous.map { UnsafePointer(states + b * stateStride + $0 * 2 * h) } ?? UnsafePointer(zeros)
            let cPrev = hPrev + h
            let tc = cellTanh + (b * steps + t) * h
            let m: T = mask.map { $0[b * steps + t] } ?? 1
            let twoH = 2 * h
            for j in 0..<twoH { gi[j] = sigmoid(gi[j]) }  // i, f
            for j in 0..<h { gg[j] = tanh(gg[j]) }
            for j in 0..<h { go[j] = sigmoid(go[j]) }
            for j in 0..<h { tc[j] = gf[j] * cPrev[j] + gi[j] * gg[j] }  // the unmasked cell value
            for j in 0..<h { cOut[j] = cPrev[j] + m * (tc[j] - cPrev[j]) }
            for j in 0..<h { tc[j] = tanh(tc[j]) }
            for j in 0..<h { hOut[j] = hPrev[j] + m * (go[j] * tc[j] - hPrev[j]) }
        }
    }
}

/// Backward through time (no graph): from the cotangent of `states` to the cotangents of the
/// projections (`gradGates [B, T, 4H]`, every entry written) and, with one gemm over all steps,
/// of the recurrent weight (`gradWeight [4H, H]`).
func lstmBackwardKernel<T: TensorScalar>(
    _: T.Type, gates: UnsafePointer<T>, states: UnsafePointer<T>, cellTanh: UnsafePointer<T>, weight: UnsafePointer<T>,
    mask: UnsafePointer<T>?,
    gradStates: UnsafePointer<T>, gradGates: UnsafeMutablePointer<T>, gradWeight: UnsafeMutablePointer<T>?,
    batch: Int, steps: Int, hidden h: Int, reverse: Bool
) {
    let order = recurrenceSteps(steps, reverse: reverse)
    let gateStride = steps * 4 * h
    let stateStride = steps * 2 * h
    let carryH = UnsafeMutablePointer<T>.allocate(capacity: batch * h)
    let carryC = UnsafeMutablePointer<T>.allocate(capacity: batch * h)
    let carryZeros = UnsafeMutablePointer<T>.allocate(capacity: 2 * h)
    carryH.initialize(repeating: 0, count: batch * h)
    carryC.initialize(repeating: 0, count: batch * h)
    carryZeros.initialize(repeating: 0, count: 2 * h)
    defer {
        carryH.deallocate()
        carryC.deallocate()
        carryZeros.deallocate()
    }
    for k in stride(from: order.count - 1, through: 0, by: -1) {
        let t = order[k]
        let previous: Int? = k == 0 ? nil : order[k - 1]
        for b in 0..<batch {
            // One pointer per gate (activated values gi…go, their cotangents di…do) and state.
            let gi = gates + b * gateStride + t * 4 * h
            let (gf, gg, go) = (gi + h, gi + 2 * h, gi + 3 * h)
            let di = gradGates + b * gateStride + t * 4 * h
            let (df, dg, dout) = (di + h, di + 2 * h, di + 3 * h)
            let dh = gradStates + b * stateStride + t * 2 * h
            let dc = dh + h
            let cPrev = (previous.map { states + b * stateStride + $0 * 2 * h } ?? UnsafePointer(carryZeros)) + h
            let m: T = mask.map { $0[b * steps + t] } ?? 1
            let tc = cellTanh + (b * steps + t) * h
            let ch = carryH + b * h
            let cc = carryC + b * h
            // One pass over the row: Float eight lanes at a time (the compiler keeps a loop over this
            // many pointers, which might alias, scalar), the rest (and Float64) element by element —
            // the same operations in the same order either way.
            var start = 0
            if T.self == Float.self {
                typealias V = SIMD8<Float>
                func load(_ p: UnsafeRawPointer, _ j: Int) -> V { p.loadUnaligned(fromByteOffset: 4 * j, as: V.self) }
                func store(_ v: V, _ p: UnsafeMutableRawPointer, _ j: Int) {
                    p.storeBytes(of: v, toByteOffset: 4 * j, as: V.self)
                }
                let (mv, keep, one) = (V(repeating: Float(m)), V(repeating: 1 - Float(m)), V(repeating: 1))
                while start + 8 <= h {
                    let j = start
                    let gh = load(dh, j) + load(ch, j)
                    let gc = load(dc, j) + load(cc, j)
                    let (o, t, i, f, g) = (load(go, j), load(tc, j), load(gi, j), load(gf, j), load(gg, j))
                    let dct = mv * (gc + gh * o * (one - t * t))
                    store(dct * g * i * (one - i), di, j)
                    store(dct * load(cPrev, j) * f * (one - f), df, j)
                    store(dct * i * (one - g * g), dg, j)
                    store(mv * gh * t * o * (one - o), dout, j)
                    store(dct * f + keep * gc, cc, j)
                    store(keep * gh, ch, j)
                    start += 8
                }
            }
            for j in start..<h {
                let gh = dh[j] + ch[j]
                let gc = dc[j] + cc[j]
                let (o, t, i, f, g) = (go[j], tc[j], gi[j], gf[j], gg[j])
                let dct = m * (gc + gh * o * (1 - t * t))
                di[j] = dct * g * i * (1 - i)
                df[j] = dct * cPrev[j] * f * (1 - f)
                dg[j] = dct * i * (1 - g * g)
                dout[j] = m * gh * t * o * (1 - o)
                cc[j] = dct * f + (1 - m) * gc
                ch[j] = (1 - m) * gh
            }
        }
        if previous != nil {  // carry_h += dGates_t W_hh
            BLAS.gemm(
                transposeA: false, transposeB: false, m: batch, n: h, k: 4 * h, alpha: 1,
                a: UnsafePointer(gradGates + t * 4 * h), lda: gateStride, b: weight, ldb: h,
                beta: 1, c: carryH, ldc: h)
        }
    }
    guard let gradWeight else { return }
    // dW_hh = Σ_t dGates_tᵀ h_{t−1}: one gemm over [B·T] rows with h shifted by one step.
    let shifted = UnsafeMutablePointer<T>.allocate(capacity: batch * steps * h)
    defer { shifted.deallocate() }
    for b in 0..<batch {
        for (k, t) in order.enumerated() {
            let dst = shifted + (b * steps + t) * h
            if k == 0 {
                dst.initialize(repeating: 0, count: h)
            } else {
                dst.initialize(from: states + b * stateStride + order[k - 1] * 2 * h, count: h)
            }
        }
    }
    BLAS.gemm(
        transposeA: true, transposeB: false, m: 4 * h, n: h, k: batch * steps, alpha: 1,
        a: UnsafePointer(gradGates), lda: 4 * h, b: UnsafePointer(shifted), ldb: h, beta: 0, c: gradWeight, ldc: h)
}
