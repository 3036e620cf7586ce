import Autodiff
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
