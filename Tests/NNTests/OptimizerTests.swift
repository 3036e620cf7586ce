import Foundation
import NN
import TestSupport
import Testing

/// f(θ) = ½ Σ a_i θ_i² with a = (1, 3) from θ₀ = (1, −2); ∇f = a ⊙ θ.
func quadraticGradient(_ theta: Tensor) -> Tensor {
    theta * Tensor(shape: [2], scalars: [1, 3], dtype: .float64)
}

func trajectory(_ optimizer: Optimizer, steps: Int) -> [[Double]] {
    (0..<steps).map { _ in
        optimizer.step([withoutGradients { quadraticGradient(optimizer.parameters[0]) }])
        return optimizer.parameters[0].scalars
    }
}

@Suite("Optimizers against hand-computed trajectories")
struct OptimizerTests {
    @Test("Adam with L2 weight decay: three steps")
    func adam() {
        let theta = Tensor(shape: [2], scalars: [1, -2], dtype: .float64, requiresGrad: true)
        let adam = Adam(parameters: [theta], learningRate: 0.1, weightDecay: 0.01)
        // Derived by applying g = aθ + 0.01θ; m, v moment updates; bias corrections; θ −= lr·m̂/(√v̂ + ε)
        // step by step in plain double arithmetic.
        let expected: [[Double]] = [
            [0.9000000009900989, -1.9000000001661128],
            [0.8004122296921291, -1.8001664859461177],
            [0.7015862744735556, -1.700623391789553],
        ]
        for (got, want) in zip(trajectory(adam, steps: 3), expected) {
            #expect(maxRelativeError(got, want) < 1e-12, "\(got) vs \(want)")
        }
    }

    @Test("Adam in Float32, eight lanes at a time and a scalar tail, equals the formula applied element by element")
    func adamFloatLanes() {
        var generator = SeededGenerator(seed: 5)
        let count = 37  // four blocks of eight and a tail of five
        let start = (0..<count).map { _ in Float(generator.nextNormal()) }
        let theta = Tensor(shape: [count], floats: start, requiresGrad: true)
        for decoupled in [false, true] {
            theta.assign(Tensor(shape: [count], floats: start))
            let adam = Adam(
                parameters: [theta], learningRate: 0.01, weightDecay: 0.05, decoupledWeightDecay: decoupled)
            var (p, m, v) = (start, [Float](repeating: 0, count: count), [Float](repeating: 0, count: count))
            for step in 1...4 {
                let gradient = (0..<count).map { _ in Float(generator.nextNormal()) }
                adam.step([Tensor(shape: [count], floats: gradient)])
                let stepSize = Float(0.01 / (1 - pow(0.9, Double(step))))
                let correction2 = Float((1 - pow(0.999, Double(step))).squareRoot())
                let (l2, shrink): (Float, Float) = decoupled ? (0, Float(1 - 0.01 * 0.05)) : (0.05, 1)
                for i in 0..<count {
                    let g = gradient[i] + l2 * p[i]
                    m[i] = 0.9 * m[i] + (1 - 0.9) * g
                    v[i] = 0.999 * v[i] + (1 - 0.999) * g * g
                    p[i] = p[i] * shrink - stepSize * m[i] / (v[i].squareRoot() / correction2 + 1e-8)
                }
                #expect(theta.floats == p, "step \(step), decoupled \(decoupled)")
            }
        }
    }

    @Test("AdamW decays the parameters directly")
    func adamW() {
        let theta = Tensor(shape: [2], scalars: [1, -2], dtype: .float64, requiresGrad: true)
        let adamW = Adam.adamW(parameters: [theta], learningRate: 0.1, weightDecay: 0.01)
        // Same as above but θ ← θ(1 − lr·λ) first and g = aθ without the L2 term.
        let expected: [[Double]] = [
            [0.8990000009999999, -1.8980000001666666],
            [0.7985190281887786, -1.796272588476379],
            [0.6989111847156931, -1.6949445141299013],
        ]
        for (got, want) in zip(trajectory(adamW, steps: 3), expected) {
            #expect(maxRelativeError(got, want) < 1e-12, "\(got) vs \(want)")
        }
    }

    @Test("SGD with momentum")
    func sgd() {
        let theta = Tensor(shape: [2], scalars: [1, -2], dtype: .float64, requiresGrad: true)
        let sgd = SGD(parameters: [theta], learningRate: 0.1, momentum: 0.9)
        // b₁ = g₁; b_t = 0.9 b_{t−1} + g_t; θ −= 0.1 b.
        let expected: [[Double]] = [[0.9, -1.4], [0.72, -0.44], [0.486, 0.556]]
        for (got, want) in zip(trajectory(sgd, steps: 3), expected) {
            #expect(maxRelativeError(got, want) < 1e-12, "\(got) vs \(want)")
        }
    }

    @Test("Adam in Float32 follows the Float64 trajectory")
    func adamFloat32() {
        let theta = Tensor(shape: [2], floats: [1, -2], requiresGrad: true)
        let adam = Adam(parameters: [theta], learningRate: 0.1, weightDecay: 0.01)
        for _ in 0..<3 { adam.step([withoutGradients { theta * Tensor(shape: [2], floats: [1, 3]) }]) }
        #expect(maxRelativeError(theta.scalars, [0.7015862744735556, -1.700623391789553]) < 1e-5)
    }

    @Test("gradient-norm clipping rescales to the maximum norm")
    func clipping() {
        let grads = [
            Tensor(shape: [2], scalars: [3, 0], dtype: .float64), Tensor(shape: [1], scalars: [4], dtype: .float64),
        ]
        let (clipped, norm) = clipGradientNorm(grads, maxNorm: 1)
        #expect(isApproximatelyEqual(norm, 5, relative: 1e-12))
        #expect(maxRelativeError(clipped.flatMap(\.scalars), [0.6, 0, 0.8]) < 1e-6)
        #expect(clipGradientNorm(grads, maxNorm: 10).gradients.flatMap(\.scalars) == [3, 0, 4])
    }

    @Test("minibatches cover every row once, repeat with the seed, and differ across seeds")
    func minibatchOrder() {
        var a = SeededGenerator(seed: 5)
        var b = SeededGenerator(seed: 5)
        var c = SeededGenerator(seed: 6)
        let batches = minibatches(count: 103, batchSize: 10, shuffle: true, using: &a)
        #expect(batches.count == 11 && batches.last!.count == 3)
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<103))
        #expect(batches == minibatches(count: 103, batchSize: 10, shuffle: true, using: &b))
        #expect(batches != minibatches(count: 103, batchSize: 10, shuffle: true, using: &c))
        #expect(minibatches(count: 103, batchSize: 10, shuffle: false, dropLast: true, using: &c).count == 10)
    }
}
