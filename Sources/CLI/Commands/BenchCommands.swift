import Autodiff
import Foundation

/// Options every benchmark takes.
func benchOptions(defaultReps: Int) -> [OptionSpec] {
    [.value("dtype", "float32|float64", "element type of every tensor", default: "float32"),
     .value("reps", "N", "timed repetitions per workload (median reported)", default: "\(defaultReps)")]
}

/// The dtype and repetitions a benchmark was asked for.
func benchSettings(_ arguments: ParsedArguments, defaultReps: Int) throws -> (dtype: DType, reps: Int) {
    let dtype = DType(rawValue: try arguments.choice("dtype", ["float32", "float64"], default: "float32"))!
    let reps = try arguments.int("reps", default: defaultReps)
    guard reps >= 1 else { throw CLIError.usage("--reps must be at least 1") }
    return (dtype, reps)
}

let benchCommand = Command(
    name: "bench",
    summary: "measure speed (build with -c release); prints one JSON object",
    subcommands: [benchAutodiffCommand, benchNNCommand, benchInfluenceCommand]
)

let benchAutodiffCommand = Command(
    name: "autodiff",
    summary: "MLP forward+backward, one exact HVP over 4000 samples, a 1024×1024 matmul",
    options: benchOptions(defaultReps: 5),
    run: { arguments in
        let (dtype, reps) = try benchSettings(arguments, defaultReps: 5)
        print(try jsonString(runAutodiffBenchmark(dtype: dtype, repetitions: reps)))
    }
)

let benchNNCommand = Command(
    name: "nn",
    summary: "one epoch of W1 weasel_epoch, W2 mlp_epoch_wide and W5 lstm_epoch (shared/bench/README.md)",
    options: benchOptions(defaultReps: 3) + [
        .value("workloads", "LIST", "comma-separated subset of weasel_epoch,mlp_epoch_wide,lstm_epoch"),
    ],
    run: { arguments in
        let (dtype, reps) = try benchSettings(arguments, defaultReps: 3)
        let all = ["weasel_epoch", "mlp_epoch_wide", "lstm_epoch"]
        let chosen = arguments.string("workloads").map { $0.split(separator: ",").map(String.init) } ?? all
        for name in chosen where !all.contains(name) { throw CLIError.usage("unknown workload '\(name)'; choose from \(all.joined(separator: ", "))") }
        var results: [String: Any] = [:]
        for name in chosen {
            printError("bench nn: \(name) (\(dtype))…")
            switch name {
            case "weasel_epoch": results[name] = timingEntry(weaselEpochWorkload(dtype: dtype, repetitions: reps))
            case "mlp_epoch_wide": results[name] = timingEntry(wideMLPEpochWorkload(dtype: dtype, repetitions: reps))
            default: results[name] = timingEntry(lstmEpochWorkload(dtype: dtype, repetitions: reps))
            }
        }
        var output = benchmarkHeader(suite: "nn", dtype: dtype)
        output["results"] = results
        print(try jsonString(output))
    }
)

let benchInfluenceCommand = Command(
    name: "influence",
    summary: "one exact HVP, per-sample gradients and 50 CG iterations over 4000 samples (shared/bench/README.md)",
    options: benchOptions(defaultReps: 3),
    run: { arguments in
        let (dtype, reps) = try benchSettings(arguments, defaultReps: 3)
        print(try jsonString(try influenceBenchmark(dtype: dtype, repetitions: reps)))
    }
)
