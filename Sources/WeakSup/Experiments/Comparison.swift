import Foundation

/// One row of a comparison: a method with its WeaSEL options, under a label for the table.
public struct ComparisonEntry: Sendable {
    public var label: String
    public var method: TrainingMethod
    public var weasel: WeaselOptions

    /// - Parameter label: the row's name; the method's name by default.
    public init(method: TrainingMethod, weasel: WeaselOptions = .default, label: String? = nil) {
        self.method = method
        self.weasel = weasel
        self.label = label ?? method.rawValue
    }
}

/// One method's test evaluations, one per seed.
public struct MethodComparison {
    public var entry: ComparisonEntry
    public var evaluations: [Evaluation]

    /// The metric a comparison ranks by: test F1 for binary tasks, accuracy for multi-class ones.
    public var primaryScore: MeanAndDeviation {
        MeanAndDeviation(evaluations.map { $0.f1 ?? $0.accuracy })
    }
}

/// Trains the same end model with every entry's method over seeds `0..<seeds` and evaluates each
/// on test (the WeaSEL paper's Table 1 protocol).
/// - Parameter progress: called after each run with the entry, the seed, the result and the seconds it took.
public func compareMethods(
    _ entries: [ComparisonEntry], dataset: WeakDataset, seeds: Int, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions(),
    progress: ((ComparisonEntry, UInt64, PipelineResult, Double) -> Void)? = nil
) throws -> [MethodComparison] {
    try entries.map { entry in
        let evaluations = try (0..<UInt64(seeds)).map { seed -> Evaluation in
            var seeded = options
            seeded.seed = seed
            let start = Date()
            let result = try entry.method.run(
                dataset: dataset, endModel: endModel, options: seeded, weasel: entry.weasel)
            progress?(entry, seed, result, Date().timeIntervalSince(start))
            return result.test
        }
        return MethodComparison(entry: entry, evaluations: evaluations)
    }
}
