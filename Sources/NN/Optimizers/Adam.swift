import Foundation

/// Adam (Kingma & Ba, 2015) with PyTorch's defaults and semantics (`torch.optim.Adam`):
///
///     g ← ∇ + λθ            (L2 weight decay added to the gradient; AdamW instead decays θ directly)
///     m ← β₁m + (1−β₁)g     v ← β₂v + (1−β₂)g²
///     θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
public final class Adam: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let weightDecay: Double
    /// Decoupled weight decay (AdamW, `θ ← θ(1 − lr·λ)` before the Adam step) instead of L2.
    public let decoupledWeightDecay: Bool
    public private(set) var stepCount = 0
    private let firstMoments: [Storage]
    private let secondMoments: [Storage]

    public init(
        parameters: [Tensor], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
        epsilon: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false
    ) {
        precondition(learningRate >= 0, "Adam: learning rate must be non-negative, got \(learningRate)")
        precondition(
            (0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam: betas must be in [0, 1), got \(beta1), \(beta2)")
        precondition(epsilon >= 0 && weightDecay >= 0, "Adam: epsilon and weight decay must be non-negative")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        firstMoments = parameters.map { Storage(zeros: $0.count, dtype: $0.dtype) }
        secondMoments = parameters.map { Storage(zeros: $0.count, dtype: $0.dtype) }
    }

    /// AdamW (`torch.optim.AdamW`, default weight decay 0.01).
    public static func adamW(
        parameters: [Tensor], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
        epsilon: Double = 1e-8, weightDecay: Double = 0.01
    ) -> Adam {
        Adam(
            parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients)
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = learningRate / (1 - Foundation.pow(beta1, t))
        let correction2 = (1 - Foundation.pow(beta2, t)).squareRoot()
        let update = AdamUpdate(
            beta1: beta1, beta2: beta2, epsilon: epsilon, l2: decoupledWeightDecay ? 0 : weightDecay,
            shrink: decoupledWeightDecay ? 1 - learningRate * weightDecay : 1, stepSize: stepSize,
            correction2: correction2)
        for k in parameters.indices {
            updateElements(parameters[k], gradients[k], state: [firstMoments[k], secondMoments[k]], with: update)
        }
    }
}

/// One Adam step's constants: `g ← ∇ + l2·θ`, moments, `θ ← θ·shrink − stepSize·m / (√v / correction2 + ε)`
/// (`stepSize` = lr / (1 − β₁ᵗ), `correction2` = √(1 − β₂ᵗ); shrink < 1 is AdamW's decoupled decay).
private struct AdamUpdate: ElementwiseUpdate {
    let beta1, beta2, epsilon, l2, shrink, stepSize, correction2: Double

    func apply<T: TensorScalar>(
        parameter p: UnsafeMutablePointer<T>, gradient g: UnsafePointer<T>, state: [UnsafeMutablePointer<T>], count: Int
    ) {
        let (m, v) = (state[0], state[1])
        let (beta1, beta2, epsilon, l2) = (T(self.beta1), T(self.beta2), T(self.epsilon), T(self.l2))
        let (shrink, stepSize, correction2) = (T(self.shrink), T(self.stepSize), T(self.correction2))
        var start = 0
        if T.self == Float.self {
            // Eight lanes at a time (the scalar loop does not vectorize: the four pointers may alias);
            // the same operations in the same order, so the same numbers as the scalar loop.
            typealias V = SIMD8<Float>
            let (pf, gf, mf, vf) = (
                UnsafeMutableRawPointer(p), UnsafeRawPointer(g), UnsafeMutableRawPointer(m), UnsafeMutableRawPointer(v)
            )
            let (b1, b2, eps, decay) = (
                V(repeating: Float(self.beta1)), V(repeating: Float(self.beta2)), V(repeating: Float(self.epsilon)),
                V(repeating: Float(self.l2))
            )
            let (keep, step, c2) = (
                V(repeating: Float(self.shrink)), V(repeating: Float(self.stepSize)),
                V(repeating: Float(self.correction2))
            )
            let (one1, one2) = (V(repeating: 1 - Float(self.beta1)), V(repeating: 1 - Float(self.beta2)))
            while start + 8 <= count {
                let offset = start * MemoryLayout<Float>.stride
                let theta = pf.loadUnaligned(fromByteOffset: offset, as: V.self)
                let grad = gf.loadUnaligned(fromByteOffset: offset, as: V.self) + decay * theta
                let first = b1 * mf.loadUnaligned(fromByteOffset: offset, as: V.self) + one1 * grad
                let second = b2 * vf.loadUnaligned(fromByteOffset: offset, as: V.self) + one2 * grad * grad
                mf.storeBytes(of: first, toByteOffset: offset, as: V.self)
                vf.storeBytes(of: second, toByteOffset: offset, as: V.self)
                pf.storeBytes(
                    of: theta * keep - step * first / (second.squareRoot() / c2 + eps), toByteOffset: offset, as: V.self
                )
                start += 8
            }
        }
        for i in start..<count {
            let grad = g[i] + l2 * p[i]
            m[i] = beta1 * m[i] + (1 - beta1) * grad
            v[i] = beta2 * v[i] + (1 - beta2) * grad * grad
            p[i] = p[i] * shrink - stepSize * m[i] / (v[i].squareRoot() / correction2 + epsilon)
        }
    }
}
