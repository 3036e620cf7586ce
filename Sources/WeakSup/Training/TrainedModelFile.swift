import Autodiff
import Foundation
import NN

/// A trained end model and how its training labels were made (DESIGN §6): the method, the seed,
/// the label model's decomposition or WeaSEL's encoder, and the training rows — enough for the
/// influence module to rebuild the exact training objective.
public struct TrainedModelFile: Codable {
    public var format = "weasel-trained-model"
    public var version = 1
    public var method: TrainingMethod
    public var seed: UInt64
    public var dataset: DatasetSignature
    /// `features` (MLP) or `tokens` (sequence classifier), and the token length used.
    public var inputs: EndModelSpec.InputKind
    public var maxLength: Int?
    /// The binary decision threshold on P(class 1).
    public var threshold: Double?
    public var endModel: EndModelFile
    public var encoder: WeaselEncoderFile?
    /// Two-stage methods: the label model and its decomposition.
    public var labelModel: LabelModelKind?
    public var decomposition: LabelDecomposition?
    /// Rows of the training split (ordered by id) the end model was trained on; nil when it was
    /// trained on the validation split (`supervised-valid`).
    public var trainingRows: [Int]?
    public var test: Evaluation?
    /// The end model's L2 weight decay (part of the training objective influence differentiates).
    public var weightDecay: Double?
    /// End-model checkpoints saved during training (`--checkpoints K`), for TracIn.
    public var checkpoints: [TrainingCheckpoint]?
    /// What the method was trained with (learning rate, batch size, epochs, tuning's choices).
    public var configuration: MethodConfiguration?
    /// Training curves: the validation metric and each network's mean training loss per epoch
    /// (absent for models fitted without epochs, e.g. by L-BFGS).
    public var curves: TrainingCurves?

    /// - Parameter options: the training options the model was trained with (seed, weight decay).
    public init(
        method: TrainingMethod, dataset: WeakDataset, endModelSpec: EndModelSpec, result: PipelineResult,
        options: TrainingOptions
    ) throws {
        self.method = method
        seed = options.seed
        self.dataset = DatasetSignature(dataset)
        inputs = endModelSpec.inputKind
        if case .lstm(_, _, _, let maxLength) = endModelSpec { self.maxLength = maxLength }
        threshold = result.report.threshold
        endModel = try EndModelFile(model: result.model)
        encoder = result.encoder?.file()
        labelModel = result.labelModel?.kind
        decomposition = result.labelModel?.decomposition
        trainingRows = method.trainsOnValidation ? nil : result.trainingRows
        test = result.test
        weightDecay = options.weightDecay
        checkpoints = result.report.checkpoints.isEmpty ? nil : result.report.checkpoints
        configuration = result.configuration
        let report = result.report
        if !report.validationHistory.isEmpty {
            curves = TrainingCurves(
                validationMetric: report.validationMetric.rawValue, validation: report.validationHistory,
                losses: report.lossHistory, bestEpoch: report.bestEpoch)
        }
    }

    /// Writes the file atomically; a non-finite value anywhere is an error and nothing is written.
    public func save(toPath path: String) throws { try writeJSONAtomically(self, toPath: path) }

    public func save(to url: URL) throws { try save(toPath: url.path) }

    public static func load(from url: URL) throws -> TrainedModelFile {
        let file = try readJSON(TrainedModelFile.self, from: url, what: "trained model file")
        guard file.format == "weasel-trained-model" else {
            throw ModelFileError(
                path: url.path,
                problem: "format is '\(file.format)', expected 'weasel-trained-model' (written by `weasel train --out`)"
            )
        }
        guard file.version == 1 else {
            throw ModelFileError(path: url.path, problem: "version \(file.version) is not supported (expected 1)")
        }
        return file
    }

    /// The end-model specification of the stored model (its architecture and token length).
    public var endModelSpec: EndModelSpec {
        switch endModel {
        case .mlp(let file):
            let a = file.architecture
            return .mlp(
                hiddenSizes: a.hiddenSizes, dropout: a.dropout, batchNorm: a.batchNorm,
                standardize: a.standardizesInputs)
        case .sequence(let file):
            let a = file.architecture
            return .lstm(
                embeddingSize: a.embeddingSize, hiddenSize: a.hiddenSize, readoutSizes: a.readoutSizes,
                maxLength: maxLength ?? 128)
        }
    }

    /// The training options the model was trained with (seed, optimizer settings), for retraining
    /// it the same way; defaults where the file does not say.
    public var trainingOptions: TrainingOptions {
        var options = configuration?.applied(to: TrainingOptions()) ?? TrainingOptions()
        options.seed = seed
        if let weightDecay { options.weightDecay = weightDecay }
        return options
    }

    /// Checks that `dataset` can be fed to this model: the same class names, as many features as
    /// the model reads (or token ids inside its vocabulary), and model-file contents that fit the
    /// data (training rows, label-model decomposition, WeaSEL encoder, checkpoints) — so nothing
    /// read from the file can index out of range later. With `sameTraining`, also that it is the
    /// very data the model was trained on (the folder's name may differ).
    public func check(_ dataset: WeakDataset, sameTraining: Bool, path: String) throws {
        func refuse(_ problem: String) -> ModelFileError { ModelFileError(path: path, problem: problem) }
        let given = DatasetSignature(dataset)
        if sameTraining {
            let differences = self.dataset.differences(from: given)
            guard differences.isEmpty else {
                throw refuse(
                    "the data does not match the model's training data (model vs given: \(differences.joined(separator: "; ")))"
                )
            }
        }
        guard self.dataset.classNames == given.classNames else {
            throw refuse(
                "the model's classes are [\(self.dataset.classNames.joined(separator: ", "))], the data's [\(given.classNames.joined(separator: ", "))]"
            )
        }
        switch inputs {
        case .features:
            guard given.featureCount == self.dataset.featureCount else {
                throw refuse(
                    "the model expects \(self.dataset.featureCount) features, the data has \(given.featureCount)")
            }
        case .tokens:
            if case .sequence(let file) = endModel, let size = dataset.vocabularySize,
                size > file.architecture.vocabularySize
            {
                throw refuse(
                    "the data has token ids up to \(size - 1), beyond the model's vocabulary of \(file.architecture.vocabularySize)"
                )
            }
        }
        try checkContents(against: dataset, refuse: refuse)
    }

    /// The parts of the file that index into the data must fit it.
    private func checkContents(against dataset: WeakDataset, refuse: (String) -> ModelFileError) throws {
        let (m, c) = (dataset.lfCount, dataset.classCount)
        if let rows = trainingRows {
            guard rows.count <= dataset.train.count, rows.allSatisfy({ (0..<dataset.train.count).contains($0) }),
                Set(rows).count == rows.count
            else {
                throw refuse("'trainingRows' must be distinct rows of the \(dataset.train.count)-row training split")
            }
        }
        if let threshold, !(0...1).contains(threshold) { throw refuse("'threshold' \(threshold) is not in [0, 1]") }
        if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) {
            throw refuse("'weightDecay' must be a non-negative number")
        }
        if let d = decomposition {
            guard d.lfCount == m, d.classCount == c, d.weights.count == m * c * c,
                d.prior.map({ $0.count == c }) ?? true,
                d.abstainWeights.map({ $0.count == m * c }) ?? true,
                (d.weights + (d.prior ?? []) + (d.abstainWeights ?? [])).allSatisfy(\.isFinite)
            else {
                throw refuse(
                    "the label-model decomposition does not fit \(m) LFs and \(c) classes (or holds a non-finite weight)"
                )
            }
        }
        if let encoder {
            let features = encoder.options.encoderInput == .oneHotVotes ? 0 : dataset.featureCount
            guard encoder.lfCount == m, encoder.classCount == c, encoder.featureCount == features
            else {
                throw refuse(
                    "the WeaSEL encoder was built for \(encoder.lfCount) LFs, \(encoder.classCount) classes and \(encoder.featureCount) features"
                )
            }
        }
        if let checkpoints, !checkpoints.isEmpty {
            let count = try endModel.makeModel(path: "(end model)").parameterCount
            guard
                checkpoints.allSatisfy({
                    $0.parameters.count == count && $0.learningRate.isFinite && $0.parameters.allSatisfy(\.isFinite)
                })
            else { throw refuse("a checkpoint does not hold the end model's \(count) finite parameters") }
        }
    }
}

extension TrainedModelFile {
    /// The end model's class probabilities `[n, C]` (Float64) for every row of a split of `dataset`,
    /// after checking that the data fits the model (same classes and features).
    public func predictProbabilities(_ dataset: WeakDataset, split: WeakDataset.Split, path: String) throws -> Tensor {
        let (model, inputs) = try endModelAndInputs(dataset, split: split, path: path)
        return model.predictProbabilities(inputs).converted(to: .float64)
    }

    /// The end model's logits (`[n, C]`, Float64) for every row of `split`.
    public func predictLogits(_ dataset: WeakDataset, split: WeakDataset.Split, path: String) throws -> Tensor {
        let (model, inputs) = try endModelAndInputs(dataset, split: split, path: path)
        return model.predictLogits(inputs).converted(to: .float64)
    }

    private func endModelAndInputs(_ dataset: WeakDataset, split: WeakDataset.Split, path: String) throws
        -> (model: any Layer, inputs: Tensor)
    {
        try check(dataset, sameTraining: false, path: path)
        let model = try endModel.makeModel(path: path)
        return (model, try endModelSpec.inputs(dataset[split], dtype: model.parameters[0].dtype))
    }
}

extension TrainedModelFile {
    /// The end model as it was before training (same architecture, same seeded initialization as the
    /// trainers use; zeros for a convex model, where L-BFGS starts) — the reference for how far
    /// training went towards a stationary point.
    public func initialEndModel(for dataset: WeakDataset) throws -> any Layer {
        let spec = endModelSpec
        var generator = SeededGenerator(seed: seed)
        let modelSeed = method == .weasel ? generator.next() : seed
        let dtype: DType = spec.isConvex ? .float64 : .float32
        let model = try spec.makeModel(for: dataset, seed: modelSeed, dtype: dtype)
        if spec.isConvex {
            for parameter in model.parameters { parameter.assign(scalars: Array(repeating: 0, count: parameter.count)) }
        }
        return model
    }
}

/// Per-epoch curves of one training run, as model files record them.
public struct TrainingCurves: Codable, Equatable, Sendable {
    /// The validation metric early stopping maximized (e.g. `AUC`, `accuracy`).
    public var validationMetric: String
    /// Its value after each epoch (epoch k at index k − 1).
    public var validation: [Double]
    /// Each network's mean training loss per epoch.
    public var losses: [TrainingCurve]
    /// The epoch whose weights were kept.
    public var bestEpoch: Int
}
