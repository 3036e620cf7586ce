import Autodiff
import TestSupport
import Testing

/// A small classifier written directly with tensor ops: 2 hidden layers, then logits.
struct TinyMLP {
    var parameters: [Tensor]
    let activation: (Tensor) -> Tensor

    init(sizes: [Int], seed: UInt64, activation: @escaping (Tensor) -> Tensor) {
        var generator = SeededGenerator(seed: seed)
        parameters = []
        for (fanIn, fanOut) in zip(sizes, sizes.dropFirst()) {
            let bound = 1 / Double(fanIn).squareRoot()
            parameters.append(
                Tensor.randomUniform([fanIn, fanOut], low: -bound, high: bound, dtype: .float64, using: &generator)
                    .requiringGradient())
            parameters.append(
                Tensor.randomUniform([fanOut], low: -bound, high: bound, dtype: .float64, using: &generator)
                    .requiringGradient())
        }
        self.activation = activation
    }

    func logits(_ x: Tensor, _ parameters: [Tensor]) -> Tensor {
        var h = x
        let layers = parameters.count / 2
        for layer in 0..<layers {
            h = h.matmul(parameters[2 * layer]) + parameters[2 * layer + 1]
            if layer < layers - 1 { h = activation(h) }
        }
        return h
    }
}

/// Mean hard-label cross-entropy through softmax: `−mean_i log softmax(z_i)[y_i]`.
func softmaxCrossEntropy(_ logits: Tensor, labels: [Int]) -> Tensor {
    let oneHot = Tensor.oneHot(labels, classCount: logits.columns, dtype: logits.dtype)
    return -(logits.softmax().log() * oneHot).sum() / Double(labels.count)
}

/// Mean soft-target cross-entropy through log-softmax: `−mean_i Σ_c y_ic log softmax(z_i)_c`.
func softTargetCrossEntropy(_ logits: Tensor, targets: Tensor) -> Tensor {
    -(logits.logSoftmax() * targets).sum() / Double(logits.rows)
}

/// The full Hessian by central finite differences of exact gradients (test-only).
func finiteDifferenceHessian(_ parameters: [Tensor], epsilon: Double = 1e-5, loss: ([Tensor]) -> Tensor) -> [[Double]] {
    let shapes = parameters.map(\.shape)
    let flat = flatten(parameters)
    func unflatten(_ values: [Double]) -> [Tensor] {
        var offset = 0
        return shapes.map { shape in
            let n = shape.reduce(1, *)
            defer { offset += n }
            return Tensor(
                shape: shape, scalars: Array(values[offset..<offset + n]), dtype: .float64, requiresGrad: true)
        }
    }
    func gradient(_ values: [Double]) -> [Double] {
        let p = unflatten(values)
        return flatten(gradients(of: loss(p), wrt: p))
    }
    return flat.indices.map { j in
        var plus = flat
        var minus = flat
        plus[j] += epsilon
        minus[j] -= epsilon
        return zip(gradient(plus), gradient(minus)).map { ($0 - $1) / (2 * epsilon) }
    }
}

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

func randomDirection(like parameters: [Tensor], seed: UInt64) -> [Tensor] {
    var generator = SeededGenerator(seed: seed)
    return parameters.map { Tensor.randomNormal($0.shape, dtype: .float64, using: &generator) }
}

@Suite("Exact Hessian-vector products by double backward")
struct HessianVectorProductTests {
    let inputs: Tensor = {
        var generator = SeededGenerator(seed: 11)
        return Tensor.randomNormal([6, 3], dtype: .float64, using: &generator)
    }()
    let labels = [0, 2, 1, 1, 0, 2]

    /// Checks H v against the finite-difference Hessian for several directions, and symmetry.
    func checkHVP(model: TinyMLP, loss: @escaping ([Tensor]) -> Tensor, tolerance: Double) {
        let hessian = finiteDifferenceHessian(model.parameters, loss: loss)
        for seed: UInt64 in [1, 2, 3] {
            let v = randomDirection(like: model.parameters, seed: seed)
            let hv = flatten(hessianVectorProduct(of: loss(model.parameters), wrt: model.parameters, along: v))
            let expected = hessian.indices.map { i in dot(hessian.map { $0[i] }, flatten(v)) }
            #expect(maxRelativeError(hv, expected, floor: 1e-2) < tolerance, "direction seed \(seed)")
        }
        let u = randomDirection(like: model.parameters, seed: 21)
        let w = randomDirection(like: model.parameters, seed: 22)
        let hu = flatten(hessianVectorProduct(of: loss(model.parameters), wrt: model.parameters, along: u))
        let hw = flatten(hessianVectorProduct(of: loss(model.parameters), wrt: model.parameters, along: w))
        #expect(isApproximatelyEqual(dot(flatten(w), hu), dot(flatten(u), hw), relative: 1e-10, absolute: 1e-12))
    }

    @Test("tanh MLP, softmax cross-entropy: HVP equals the finite-difference Hessian, and is symmetric")
    func tanhMLP() {
        let model = TinyMLP(sizes: [3, 4, 4, 3], seed: 3) { $0.tanh() }
        checkHVP(model: model, loss: { softmaxCrossEntropy(model.logits(inputs, $0), labels: labels) }, tolerance: 1e-5)
    }

    @Test("ReLU MLP, softmax cross-entropy")
    func reluMLP() {
        let model = TinyMLP(sizes: [3, 5, 5, 3], seed: 4) { $0.relu() }
        checkHVP(model: model, loss: { softmaxCrossEntropy(model.logits(inputs, $0), labels: labels) }, tolerance: 1e-5)
    }

    @Test("sigmoid MLP, log-softmax soft-target cross-entropy")
    func softTargets() {
        var generator = SeededGenerator(seed: 8)
        let targets = Tensor.randomNormal([6, 3], dtype: .float64, using: &generator).softmax()
        let model = TinyMLP(sizes: [3, 4, 4, 3], seed: 5) { $0.sigmoid() }
        checkHVP(
            model: model, loss: { softTargetCrossEntropy(model.logits(inputs, $0), targets: targets) }, tolerance: 1e-5)
    }

    @Test("HVP with respect to an intermediate tensor and unused parameters")
    func unusedParameter() {
        let x = Tensor(shape: [2], scalars: [0.3, -0.7], dtype: .float64, requiresGrad: true)
        let unused = Tensor(shape: [3], scalars: [1, 2, 3], dtype: .float64, requiresGrad: true)
        let loss = x.pow(3).sum()  // H = diag(6x)
        let hv = hessianVectorProduct(
            of: loss, wrt: [x, unused], along: [Tensor.ones([2], dtype: .float64), Tensor.ones([3], dtype: .float64)])
        #expect(maxRelativeError(hv[0].scalars, [1.8, -4.2]) < 1e-12)
        #expect(hv[1].scalars == [0, 0, 0])
    }
}
