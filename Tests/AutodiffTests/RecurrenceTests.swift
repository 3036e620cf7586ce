import Autodiff
import TestSupport
import Testing

@Suite("Fused LSTM recurrence")
struct RecurrenceTests {
    func inputs(dtype: DType, seed: UInt64) -> (Tensor, Tensor, Tensor) {
        var generator = SeededGenerator(seed: seed)
        let projected = Tensor.randomNormal([3, 4, 8], dtype: dtype, using: &generator).requiringGradient()
        let weight = Tensor.randomNormal([8, 2], standardDeviation: 0.5, dtype: dtype, using: &generator)
            .requiringGradient()
        let mask = Tensor(shape: [3, 4], scalars: [1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0], dtype: dtype)
        return (projected, weight, mask)
    }

    @Test(
        "values and gradients equal the step-by-step reference, both directions, with and without a mask",
        arguments: [false, true])
    func matchesReference(reverse: Bool) {
        let (p, w, mask) = inputs(dtype: .float64, seed: 1)
        for m in [nil, mask] {
            let fused = p.lstmRecurrence(recurrentWeight: w, mask: m, reverse: reverse)
            let reference = p.lstmRecurrenceReference(recurrentWeight: w, mask: m, reverse: reverse)
            #expect(maxRelativeError(fused.scalars, reference.scalars) < 1e-12)
            let gf = gradients(of: probeLoss(fused), wrt: [p, w])
            let gr = gradients(of: probeLoss(reference), wrt: [p, w])
            #expect(maxRelativeError(flatten(gf), flatten(gr)) < 1e-10)
            let numeric = numericalGradients([p, w]) {
                probeLoss($0[0].lstmRecurrence(recurrentWeight: $0[1], mask: m, reverse: reverse))
            }
            #expect(maxRelativeError(flatten(gf), numeric.flatMap { $0 }, floor: 1e-2) < 1e-6)
        }
    }

    @Test("Hessian-vector products through the fused op equal those through the reference")
    func secondOrder() {
        let (p, w, mask) = inputs(dtype: .float64, seed: 2)
        var generator = SeededGenerator(seed: 3)
        let v = [
            Tensor.randomNormal(p.shape, dtype: .float64, using: &generator),
            Tensor.randomNormal(w.shape, dtype: .float64, using: &generator),
        ]
        let fused = hessianVectorProduct(
            of: probeLoss(p.lstmRecurrence(recurrentWeight: w, mask: mask)), wrt: [p, w], along: v)
        let reference = hessianVectorProduct(
            of: probeLoss(p.lstmRecurrenceReference(recurrentWeight: w, mask: mask)), wrt: [p, w], along: v)
        #expect(maxRelativeError(flatten(fused), flatten(reference)) < 1e-10)
    }

    @Test("Float32 (fast gate functions) agrees with Float64")
    func float32() {
        let (p, w, mask) = inputs(dtype: .float64, seed: 4)
        let (p32, w32, mask32) = (
            p.converted(to: .float32).requiringGradient(), w.converted(to: .float32).requiringGradient(),
            mask.converted(to: .float32)
        )
        let wide = p.lstmRecurrence(recurrentWeight: w, mask: mask)
        let narrow = p32.lstmRecurrence(recurrentWeight: w32, mask: mask32)
        #expect(maxRelativeError(wide.scalars, narrow.scalars, floor: 1) < 1e-5)
        let gw = gradients(of: probeLoss(wide), wrt: [p, w])
        let gn = gradients(of: probeLoss(narrow), wrt: [p32, w32])
        #expect(maxRelativeError(flatten(gw), flatten(gn), floor: 1) < 1e-4)
    }
}

@Suite("Fused LSTM layer")
struct LSTMLayerTests {
    @Test("equals projection + recurrence in values, gradients and Hessian-vector products", arguments: [false, true])
    func matchesComposition(reverse: Bool) {
        var generator = SeededGenerator(seed: 9)
        let x = Tensor.randomNormal([3, 4, 2], dtype: .float64, using: &generator).requiringGradient()
        let wih = Tensor.randomNormal([8, 2], standardDeviation: 0.5, dtype: .float64, using: &generator)
            .requiringGradient()
        let bias = Tensor.randomNormal([8], standardDeviation: 0.5, dtype: .float64, using: &generator)
            .requiringGradient()
        let whh = Tensor.randomNormal([8, 2], standardDeviation: 0.5, dtype: .float64, using: &generator)
            .requiringGradient()
        let mask = Tensor(shape: [3, 4], scalars: [1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0], dtype: .float64)
        let parameters = [x, wih, bias, whh]
        func composed(_ p: [Tensor]) -> Tensor {
            (p[0].reshaped([12, 2]).matmul(p[1], transposeOther: true) + p[2]).reshaped([3, 4, 8])
                .lstmRecurrenceReference(recurrentWeight: p[3], mask: mask, reverse: reverse)
        }
        func fused(_ p: [Tensor]) -> Tensor {
            p[0].lstmLayer(inputWeight: p[1], bias: p[2], recurrentWeight: p[3], mask: mask, reverse: reverse)
        }
        #expect(maxRelativeError(fused(parameters).scalars, composed(parameters).scalars) < 1e-12)
        let gf = gradients(of: probeLoss(fused(parameters)), wrt: parameters)
        let gc = gradients(of: probeLoss(composed(parameters)), wrt: parameters)
        #expect(maxRelativeError(flatten(gf), flatten(gc)) < 1e-10)
        let v = parameters.map { Tensor.randomNormal($0.shape, dtype: .float64, using: &generator) }
        let hf = hessianVectorProduct(of: probeLoss(fused(parameters)), wrt: parameters, along: v)
        let hc = hessianVectorProduct(of: probeLoss(composed(parameters)), wrt: parameters, along: v)
        #expect(maxRelativeError(flatten(hf), flatten(hc)) < 1e-10)
    }
}
