import Influence

/// The influence workloads of shared/bench/README.md: the weasel_epoch end model
/// (57 → 50 → 50 → 25 → 2, ReLU, dropout 0.3, in eval mode) with mean cross-entropy over
/// N = 4000 synthetic samples, with respect to all its parameters.
func influenceBenchmark(dtype: DType, repetitions: Int, workloads: [InfluenceWorkload]) throws -> [String: Any] {
    var generator = SeededGenerator(seed: 4)
    let (n, d) = (4000, 57)
    let labels = (0..<n).map { _ in generator.nextInt(below: 2) }
    let centres = Tensor.randomNormal([2, d], dtype: .float64, using: &generator)
    let x = Tensor.randomNormal([n, d], dtype: .float64, using: &generator) + centres.gatheringRows(labels)
    let model = MLP(
        inputCount: d, hiddenSizes: [50, 50, 25], outputCount: 2, dropout: 0.3, dtype: dtype, using: &generator)
    let problem = try InfluenceProblem(
        model: model, inputs: x, targets: Tensor.oneHot(labels, classCount: 2, dtype: dtype),
        l2: 0, batchSize: n, dtype: dtype)
    let v = (0..<problem.parameterCount).map { _ in generator.nextNormal() }
    var results: [String: Any] = [:]
    for workload in workloads {
        let timing: (median: Double, min: Double)
        switch workload {
        case .hvp: timing = measure(repetitions: repetitions) { _ = problem.hessianVectorProduct(v) }
        case .perSampleGradients:
            timing = measure(repetitions: repetitions) { _ = problem.perRowGradientMatrix(Array(0..<n)) }
        case .conjugateGradient:
            timing = measure(repetitions: repetitions) {
                _ = problem.conjugateGradientSteps(v, damping: 0.01, iterations: 50)
            }
        }
        results[workload.rawValue] = timingEntry(timing)
    }
    var output = benchmarkHeader(suite: "influence", dtype: dtype)
    output["parameters"] = problem.parameterCount
    output["results"] = results
    return output
}
