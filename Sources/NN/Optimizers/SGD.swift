/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2
/// weight decay, as `torch.optim.SGD`:
///
///     g ← ∇ + λθ;  b ← g (first step) or μb + (1−τ)g;  g ← g + μb (Nesterov) or b;  θ ← θ − lr·g
public final class SGD: Optimizer {
    public let parameters: [Tensor]
    public var learningRate: Double
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool
    private let buffers: [Storage]
    private var started = false

    public init(
        parameters: [Tensor], learningRate: Double, momentum: Double = 0, dampening: Double = 0,
        weightDecay: Double = 0, nesterov: Bool = false
    ) {
        precondition(
            learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "SGD: hyperparameters must be non-negative")
        precondition(
            !nesterov || (momentum > 0 && dampening == 0),
            "SGD: Nesterov momentum needs momentum > 0 and zero dampening")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = parameters.map { Storage(zeros: $0.count, dtype: $0.dtype) }
    }

    public func step(_ gradients: [Tensor]) {
        checkGradients(gradients)
        let first = !started
        started = true
        let update = SGDUpdate(
            learningRate: learningRate, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
            nesterov: nesterov, first: first)
        for k in parameters.indices {
            updateElements(parameters[k], gradients[k], state: [buffers[k]], with: update)
        }
    }
}

/// One SGD step's constants (the momentum buffer is the only state).
private struct SGDUpdate: ElementwiseUpdate {
    let learningRate, momentum, dampening, weightDecay: Double
    let nesterov, first: Bool

    func apply<T: TensorScalar>(
        parameter p: UnsafeMutablePointer<T>, gradient g: UnsafePointer<T>, state: [UnsafeMutablePointer<T>], count: Int
    ) {
        let b = state[0]
        let (lr, momentum, dampening, weightDecay) = (
            T(learningRate), T(self.momentum), T(self.dampening), T(self.weightDecay)
        )
        for i in 0..<count {
            var grad = g[i] + weightDecay * p[i]
            if momentum != 0 {
                b[i] = first ? grad : momentum * b[i] + (1 - dampening) * grad
                grad = nesterov ? grad + momentum * b[i] : b[i]
            }
            p[i] -= lr * grad
        }
    }
}
