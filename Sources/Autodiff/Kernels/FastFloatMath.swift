/// Float32 `exp`, `sigmoid` and `tanh` as branch-free polynomial code the compiler vectorizes
/// (Cephes' `expf` and `tanhf` coefficients), instead of one libm call per element — the
/// sigmoid/tanh gates of an LSTM spent a third of their time in libm. Accurate to a few ulp over
/// the clamped range; Float64 keeps libm, so gradient checks run on exact functions.
enum FastFloatMath {
    /// `e^x`, with x clamped to [−87.3, 88] (results saturate at ~1e−38 and ~1.6e38).
    @inline(__always)
    static func exp(_ input: Float) -> Float {
        let x = Swift.min(Swift.max(input, -87.3), 88)
        // n = round(x / ln 2) by the magic-number trick: adding 1.5·2²³ rounds to an integer and
        // leaves it in the low mantissa bits (no floor call, no trapping Float→Int conversion,
        // so the loop stays branch-free and vectorizes on baseline x86-64).
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var r = x - n * 0.693_359_375  // x − n ln 2 in two parts (Cody–Waite)
        r = r - n * -2.121_944_4e-4
        let z = r * r
        var p: Float = 1.987_569_15e-4
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_6e-2
        p = p * r + 1.666_666_5e-1
        p = p * r + 5.000_000_1e-1
        let y = p * z + r + 1
        let scale = Float(bitPattern: ((shifted.bitPattern &- 0x4B40_0000) &+ 127) << 23)  // 2^n
        return y * scale
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

    /// `tanh x`: an odd polynomial for |x| < 0.625, else `1 − 2 / (e^{2|x|} + 1)` with x's sign.
    @inline(__always)
    static func tanh(_ x: Float) -> Float {
        let a = Swift.abs(x)
        let z = x * x
        var p: Float = -5.704_988_727_45e-3
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * x + x
        let large = 1 - 2 / (exp(2 * a) + 1)
        return a < 0.625 ? small : (x < 0 ? -large : large)
    }

    /// Applies `kind` if it has a fast Float path. - Returns: false if it has none.
    static func apply(_ kind: UnaryKind, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) -> Bool
    {
        switch kind {
        case .exp: for i in 0..<n { y[i] = exp(x[i]) }
        case .sigmoid: for i in 0..<n { y[i] = sigmoid(x[i]) }
        case .tanh: for i in 0..<n { y[i] = tanh(x[i]) }
        default: return false
        }
        return true
    }
}
