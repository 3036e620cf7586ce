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

    public init(parameters: [Tensor], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                epsilon: Double = 1e-8, weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        precondition(learningRate >= 0, "Adam: learning rate must be non-negative, got \(learningRate)")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam: betas must be in [0, 1), got \(beta1), \(beta2)")
        precondition(epsilon >= 0 && weightDecay >= 0, "Adam: epsilon and weight decay must be non-negative")
        self.parameters = parameters
        self.learningRate = learningRate; self.beta1 = beta1; self.beta2 = beta2
        self.epsilon = epsilon; self.weightDecay = weightDecay; self.decoupledWeightDecay = decoupledWeightDecay
        firstMoments = parameters.map { Storage(zeros: $0.count, dtype: $0.dtype) }
        secondMoments = parameters.map { Storage(zeros: $0.count, dtype: $0.dtype) }
    }

    /// AdamW (`torch.optim.AdamW`, default weight decay 0.01).
    public static func adamW(parameters: [Tensor], learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999,
                             epsilon: Double = 1e-8, weightDecay: Double = 0.01) -> Adam {
        Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, decoupledWeightDecay: true)
    }

    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients)
        stepCount += 1
        let t = Double(stepCount)
        let stepSize = learningRate / (1 - Foundation.pow(beta1, t))
        let correction2 = (1 - Foundation.pow(beta2, t)).squareRoot()
        let l2 = decoupledWeightDecay ? 0 : weightDecay
        let shrink = decoupledWeightDecay ? 1 - learningRate * weightDecay : 1
        for k in parameters.indices {
            updateElements(parameters[k], gradients[k], [firstMoments[k], secondMoments[k]],
                           { p, g, s, n in adamKernel(p, g, s[0], s[1], n, Float(beta1), Float(beta2), Float(epsilon), Float(l2), Float(shrink), Float(stepSize), Float(correction2)) },
                           { p, g, s, n in adamKernel(p, g, s[0], s[1], n, beta1, beta2, epsilon, l2, shrink, stepSize, correction2) })
        }
    }
}

@inline(__always)
private func adamKernel<T: TensorScalar>(
    _ p: UnsafeMutablePointer<T>, _ g: UnsafePointer<T>, _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>, _ n: Int,
    _ beta1: T, _ beta2: T, _ epsilon: T, _ l2: T, _ shrink: T, _ stepSize: T, _ correction2: T
) {
    for i in 0..<n {
        let grad = g[i] + l2 * p[i]
        m[i] = beta1 * m[i] + (1 - beta1) * grad
        v[i] = beta2 * v[i] + (1 - beta2) * grad * grad
        p[i] = p[i] * shrink - stepSize * m[i] / (v[i].squareRoot() / correction2 + epsilon)
    }
}
