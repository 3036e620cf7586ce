import Autodiff
import Foundation

/// Times `body` `repetitions` times after one warm-up run; each timed run executes `body`
/// `iterations` times and counts as the per-iteration mean. Benchmarks are commands, never tests.
func measure(repetitions: Int, iterations: Int = 1, _ body: () -> Void) -> (median: Double, min: Double) {
    body()
    let clock = ContinuousClock()
    var samples: [Double] = []
    for _ in 0..<max(repetitions, 1) {
        let elapsed = clock.measure { for _ in 0..<iterations { body() } }
        samples.append(seconds(elapsed) / Double(iterations))
    }
    samples.sort()
    let mid = samples.count / 2
    let median = samples.count % 2 == 1 ? samples[mid] : (samples[mid - 1] + samples[mid]) / 2
    return (median, samples[0])
}

/// One workload's entry in a benchmark's JSON output.
func timingEntry(_ timing: (median: Double, min: Double)) -> [String: Any] {
    ["median_s": timing.median, "min_s": timing.min]
}

/// The fields every benchmark reports about how BLAS ran.
func benchmarkHeader(suite: String, dtype: DType) -> [String: Any] {
    ["suite": suite, "dtype": dtype.rawValue, "threads": BLAS.threadCount, "blas_core": BLAS.coreName]
}

/// A duration in seconds.
func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}
