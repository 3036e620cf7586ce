import Autodiff
import Foundation

/// Options every benchmark takes.
func benchOptions(defaultReps: Int) -> [OptionSpec] {
    [
        .choice("dtype", of: DType.self, help: "element type of every tensor", default: .float32),
        .value(
            "reps", placeholder: "N", help: "timed repetitions per workload (median reported)",
            default: "\(defaultReps)"),
    ]
}

/// The dtype and repetitions a benchmark was asked for.
func benchSettings(_ arguments: ParsedArguments) throws -> (dtype: DType, reps: Int) {
    (
        try arguments.required("dtype", as: DType.self),
        try arguments.required("reps", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
    )
}

let benchCommand = Command(
    name: "bench",
    summary: "measure speed (build with -c release); prints one JSON object",
    subcommands: [
        benchAutodiffCommand, benchNNCommand, benchInfluenceCommand, benchScaleCommand, benchLoadCommand,
        benchEpochsCommand,
    ]
)

let benchAutodiffCommand = Command(
    name: "autodiff",
    summary: "MLP forward+backward, one exact HVP over 4000 samples, a 1024×1024 matmul",
    options: benchOptions(defaultReps: 5),
    run: { arguments in
        let (dtype, reps) = try benchSettings(arguments)
        emit(try jsonString(runAutodiffBenchmark(dtype: dtype, repetitions: reps)))
    }
)

/// The epoch workloads of shared/bench/README.md.
enum NNWorkload: String, CaseIterable, ArgumentValue {
    case weaselEpoch = "weasel_epoch"
    case wideMLPEpoch = "mlp_epoch_wide"
    case lstmEpoch = "lstm_epoch"

    func time(dtype: DType, repetitions: Int) -> (median: Double, min: Double) {
        switch self {
        case .weaselEpoch: return weaselEpochWorkload(dtype: dtype, repetitions: repetitions)
        case .wideMLPEpoch: return wideMLPEpochWorkload(dtype: dtype, repetitions: repetitions)
        case .lstmEpoch: return lstmEpochWorkload(dtype: dtype, repetitions: repetitions)
        }
    }
}

let benchNNCommand = Command(
    name: "nn",
    summary: "one epoch of W1 weasel_epoch, W2 mlp_epoch_wide and W5 lstm_epoch (shared/bench/README.md)",
    options: benchOptions(defaultReps: 3) + [
        .choices("workloads", of: NNWorkload.self, help: "the workloads to time (default: all)")
    ],
    run: { arguments in
        let (dtype, reps) = try benchSettings(arguments)
        var results: [String: Any] = [:]
        for workload in try arguments.list("workloads", of: NNWorkload.self) ?? NNWorkload.allCases {
            printError("bench nn: \(workload.rawValue) (\(dtype))…")
            results[workload.rawValue] = timingEntry(workload.time(dtype: dtype, repetitions: reps))
        }
        var output = benchmarkHeader(suite: "nn", dtype: dtype)
        output["results"] = results
        emit(try jsonString(output))
    }
)

/// The influence workloads of shared/bench/README.md.
enum InfluenceWorkload: String, CaseIterable, ArgumentValue {
    case hvp
    case perSampleGradients = "per_sample_grads"
    case conjugateGradient = "cg_inverse_hvp"
}

let benchInfluenceCommand = Command(
    name: "influence",
    summary: "one exact HVP, per-sample gradients and 50 CG iterations over 4000 samples (shared/bench/README.md)",
    options: benchOptions(defaultReps: 3) + [
        .choices("workloads", of: InfluenceWorkload.self, help: "the workloads to time (default: all)")
    ],
    run: { arguments in
        let (dtype, reps) = try benchSettings(arguments)
        let workloads = try arguments.list("workloads", of: InfluenceWorkload.self) ?? InfluenceWorkload.allCases
        emit(try jsonString(try influenceBenchmark(dtype: dtype, repetitions: reps, workloads: workloads)))
    }
)
