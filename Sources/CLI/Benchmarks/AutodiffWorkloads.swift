import NN

/// The three autodiff workloads of the foundation issue, on seeded synthetic data.
func runAutodiffBenchmark(dtype: DType, repetitions: Int) -> [String: Any] {
    var generator = SeededGenerator(seed: 2024)
    let model = DenseNetwork(sizes: [57, 50, 50, 25, 2], dtype: dtype, using: &generator)

    // (a) forward + backward on one batch of 64 with soft-target cross-entropy.
    let batch = Tensor.randomNormal([64, 57], dtype: dtype, using: &generator)
    let batchTargets = Tensor.randomNormal([64, 2], dtype: dtype, using: &generator).softmax()
    let forwardBackward = measure(repetitions: repetitions, iterations: 200) {
        let loss = Loss.softTargetCrossEntropy(logits: model.logits(batch), targets: batchTargets)
        _ = gradients(of: loss, wrt: model.parameters)
    }

    // (b) one exact HVP of the mean loss over 4000 samples (forward pass included).
    let samples = Tensor.randomNormal([4000, 57], dtype: dtype, using: &generator)
    let sampleTargets = Tensor.randomNormal([4000, 2], dtype: dtype, using: &generator).softmax()
    let direction = model.parameters.map { Tensor.randomNormal($0.shape, dtype: dtype, using: &generator) }
    let hvp = measure(repetitions: repetitions, iterations: 5) {
        let loss = Loss.softTargetCrossEntropy(logits: model.logits(samples), targets: sampleTargets)
        _ = hessianVectorProduct(of: loss, wrt: model.parameters, along: direction)
    }

    // (c) a 1024×1024 by 1024×1024 matrix product.
    let a = Tensor.randomNormal([1024, 1024], dtype: dtype, using: &generator)
    let b = Tensor.randomNormal([1024, 1024], dtype: dtype, using: &generator)
    let matmul = measure(repetitions: repetitions) { _ = withoutGradients { a.matmul(b) } }

    var output = benchmarkHeader(suite: "autodiff", dtype: dtype)
    output["results"] = [
        "mlp_forward_backward": timingEntry(forwardBackward),
        "hvp_4000": timingEntry(hvp),
        "matmul_1024": timingEntry(matmul),
    ]
    return output
}
