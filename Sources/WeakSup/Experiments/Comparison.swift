import Foundation

/// One row of a comparison: a method with its WeaSEL options, under a label for the table.
public struct ComparisonEntry: Sendable {
    public var label: String
    public var method: TrainingMethod
    public var weasel: WeaselOptions
    /// This row's own tuning grid instead of the comparison's (a row for a preset keeps that
    /// preset's objective: `TuningGrid.keepingObjective`).
    public var tuning: TuningGrid?

    /// - Parameter label: the row's name; the method's name by default.
    public init(
        method: TrainingMethod, weasel: WeaselOptions = .default, label: String? = nil, tuning: TuningGrid? = nil
    ) {
        self.method = method
        self.weasel = weasel
        self.label = label ?? method.rawValue
        self.tuning = tuning
    }
}

/// One method's test evaluations, one per seed.
public struct MethodComparison {
    public var entry: ComparisonEntry
    public var evaluations: [Evaluation]
    /// The configuration each seed's run used (tuning's choices).
    public var configurations: [MethodConfiguration]

    /// The metric a comparison ranks by: test F1 for binary tasks, accuracy for multi-class ones.
    public var primaryScore: MeanAndDeviation {
        MeanAndDeviation(evaluations.map { $0.f1 ?? $0.accuracy })
    }
}

/// Trains the same end model with every entry's method over seeds `0..<seeds` and evaluates each
/// on test (the WeaSEL paper's Table 1 protocol), each method choosing its configuration on the
/// validation split by `tuning`. A `+ft` method fine-tunes its base method's run of the same seed
/// when that method is also compared (with the shared WeaSEL options), instead of training it again.
/// - Parameter progress: called after each run with the entry, the seed, the result and the seconds it took.
public func compareMethods(
    _ entries: [ComparisonEntry], dataset: WeakDataset, seeds: Int, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions(), tuning: TuningGrid = .fixed,
    progress: ((ComparisonEntry, UInt64, PipelineResult, Double) -> Void)? = nil
) throws -> [MethodComparison] {
    struct Run: Hashable {
        var method: TrainingMethod
        var seed: UInt64
    }
    var bases: [Run: PipelineResult] = [:]
    var results = entries.map { MethodComparison(entry: $0, evaluations: [], configurations: []) }
    // Base methods first, so their runs can be fine-tuned.
    let order = entries.indices.sorted {
        (entries[$0].method.baseMethod == nil ? 0 : 1) < (entries[$1].method.baseMethod == nil ? 0 : 1)
    }
    for index in order {
        let entry = entries[index]
        for seed in 0..<UInt64(seeds) {
            var seeded = options
            seeded.seed = seed
            let start = Date()
            let base = entry.method.baseMethod.flatMap { bases[Run(method: $0, seed: seed)] }
            let result = try entry.method.run(
                dataset: dataset, endModel: endModel, options: seeded, weasel: entry.weasel,
                tuning: entry.tuning ?? tuning, base: base)
            if entry.label == entry.method.rawValue && entry.method.baseMethod == nil {
                bases[Run(method: entry.method, seed: seed)] = result
            }
            results[index].evaluations.append(result.test)
            results[index].configurations.append(result.configuration)
            progress?(entry, seed, result, Date().timeIntervalSince(start))
        }
    }
    return results
}
