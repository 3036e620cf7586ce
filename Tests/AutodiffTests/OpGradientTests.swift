import Autodiff
import Foundation
import TestSupport
import Testing

/// A scalar loss that weights every output element (fixed random R) and adds a quadratic term
/// (fixed random S), so its Hessian exercises the op's own second derivative *and* its Jacobian
/// on both sides: `L = Σ R ⊙ f(x) + ½ Σ S ⊙ f(x)²`.
func probeLoss(_ output: Tensor) -> Tensor {
    var generator = SeededGenerator(seed: 99)
    let r = Tensor.randomNormal(output.shape, dtype: output.dtype, using: &generator)
    let s = Tensor.randomNormal(output.shape, dtype: output.dtype, using: &generator)
    return (r * output).sum() + (s * output.square()).sum() * 0.5
}

@Suite("Every op: gradients, second derivatives and dtypes")
struct OpGradientTests {
    @Test("gradient matches central finite differences in Float64", arguments: opCases)
    func gradientMatchesFiniteDifferences(_ op: OpCase) {
        let inputs = op.inputs(dtype: .float64)
        let loss = probeLoss(op.apply(inputs))
        let analytic = gradients(of: loss, wrt: inputs).map(\.scalars)
        let numeric = numericalGradients(inputs) { probeLoss(op.apply($0)) }
        for (a, n) in zip(analytic, numeric) {
            #expect(maxRelativeError(a, n, floor: 1e-2) < 1e-6, "\(op.name): analytic \(a) vs numeric \(n)")
        }
    }

    @Test("Hessian-vector product matches finite differences of gradients", arguments: opCases)
    func secondDerivativeMatchesFiniteDifferences(_ op: OpCase) {
        let inputs = op.inputs(dtype: .float64)
        var generator = SeededGenerator(seed: 5)
        let direction = inputs.map { Tensor.randomNormal($0.shape, dtype: .float64, using: &generator) }
        let hvp = hessianVectorProduct(of: probeLoss(op.apply(inputs)), wrt: inputs, along: direction)

        func gradientAt(_ step: Double) -> [Double] {
            let shifted = zip(inputs, direction).map { x, v in
                Tensor(
                    shape: x.shape, scalars: zip(x.scalars, v.scalars).map { $0 + step * $1 }, dtype: .float64,
                    requiresGrad: true)
            }
            return flatten(gradients(of: probeLoss(op.apply(shifted)), wrt: shifted))
        }
        let epsilon = 1e-5
        let numeric = zip(gradientAt(epsilon), gradientAt(-epsilon)).map { ($0 - $1) / (2 * epsilon) }
        #expect(maxRelativeError(flatten(hvp), numeric, floor: 1e-2) < 1e-6, "\(op.name)")
    }

    @Test("Float32 tanh, sigmoid and exp (polynomial and rational kernels) stay within a few ulp over the whole line")
    func float32TranscendentalsAreAccurate() {
        // 200,001 points of [−20, 20], then the edges: huge, infinite and NaN inputs.
        let points = (0...200_000).map { -20 + 40 * Double($0) / 200_000 } + [-1e30, 1e30, -.infinity, .infinity]
        let x = Tensor(shape: [points.count], scalars: points, dtype: .float32)
        let inputs = x.scalars  // the Float32 values actually fed in
        func worst(_ narrow: Tensor, _ exact: (Double) -> Double, limit: Double = 88) -> Double {
            zip(inputs, narrow.scalars).filter { abs($0.0) <= limit }.map { input, value in
                let reference = exact(input)
                let ulp = Double(Float(reference).ulp)
                return abs(value - reference) / ulp
            }.max() ?? 0
        }
        #expect(worst(x.tanh(), Foundation.tanh) <= 8)
        #expect(worst(x.sigmoid(), { 1 / (1 + Foundation.exp(-$0)) }) <= 8)
        #expect(worst(x.exp(), Foundation.exp, limit: 20) <= 8)
        let edges = x.tanh().scalars.suffix(4)
        #expect(Array(edges) == [-1, 1, -1, 1])
        let nan = Tensor(shape: [1], scalars: [.nan], dtype: .float32)
        #expect(nan.tanh().scalars[0].isNaN && nan.sigmoid().scalars[0].isNaN)
    }

    @Test("Float32 agrees with Float64", arguments: opCases)
    func float32AgreesWithFloat64(_ op: OpCase) {
        let wide = op.inputs(dtype: .float64)
        let narrow = op.inputs(dtype: .float32)
        let outWide = op.apply(wide)
        let outNarrow = op.apply(narrow)
        #expect(outNarrow.dtype == .float32)
        #expect(outWide.shape == outNarrow.shape)
        #expect(maxRelativeError(outWide.scalars, outNarrow.scalars, floor: 1) < 1e-4, "\(op.name) values")
        let gradWide = gradients(of: probeLoss(outWide), wrt: wide)
        let gradNarrow = gradients(of: probeLoss(outNarrow), wrt: narrow)
        #expect(maxRelativeError(flatten(gradWide), flatten(gradNarrow), floor: 1) < 1e-4, "\(op.name) gradients")
    }
}
