/// One cell of the robustness experiment: a method's test ROC-AUC over seeds with `count`
/// coin-flip LFs.
public struct RobustnessResult: Sendable {
    public var mode: RobustnessMode
    public var count: Int
    public var method: TrainingMethod
    public var aucs: [Double]
}

/// The WeaSEL paper's §4.3 / App. F experiment: for each number of coin-flip LFs, every method
/// (but `supervised-valid`) trained on the dataset with its LFs replaced by the robustness LF set
/// (`withRobustnessLFs`), test ROC-AUC per seed. `supervised` does not depend on the LFs and is
/// trained once per seed.
public func runRobustnessExperiment(
    dataset: WeakDataset, mode: RobustnessMode, counts: [Int], seeds: Int, endModel: EndModelSpec = .defaultMLP,
    options: TrainingOptions = TrainingOptions(),
    progress: ((RobustnessResult, _ seed: UInt64, _ auc: Double) -> Void)? = nil
) throws -> [RobustnessResult] {
    let purpose = "the robustness experiment (test ROC-AUC)"
    guard dataset.classCount == 2 else {
        throw PipelineError.needsBinaryTask(purpose: purpose, classCount: dataset.classCount)
    }
    guard Set(try dataset.goldLabels(.test, for: purpose)).count == 2 else {
        throw PipelineError.singleClassSplit(split: .test, purpose: purpose)
    }
    let methods: [TrainingMethod] = [.weasel, .majority, .dawidSkene, .snorkel, .supervised]
    var results = counts.flatMap { count in
        methods.map { RobustnessResult(mode: mode, count: count, method: $0, aucs: []) }
    }
    for seed in 0..<UInt64(seeds) {
        var seeded = options
        seeded.seed = seed
        let supervised =
            try TrainingMethod.supervised.run(dataset: dataset, endModel: endModel, options: seeded).test.auc!
        for (c, count) in counts.enumerated() {
            let data = try dataset.withRobustnessLFs(mode: mode, count: count, seed: seed)
            for (m, method) in methods.enumerated() {
                let auc =
                    method == .supervised
                    ? supervised
                    : try method.run(dataset: data, endModel: endModel, options: seeded).test.auc!
                results[c * methods.count + m].aucs.append(auc)
                progress?(results[c * methods.count + m], seed, auc)
            }
        }
    }
    return results
}
