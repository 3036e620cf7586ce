import Autodiff
import Foundation
import NN
import WeakSup

/// Everything needed to compute influence for a trained model file: the exact training
/// objective (end model, training rows, the soft labels it was trained towards, weight decay)
/// and the labels' source terms. Refuses data that does not match the model.
public struct InfluenceSetup {
    public var file: TrainedModelFile
    public var problem: InfluenceProblem
    /// Positions in the training split (ordered by id) of the problem's rows.
    public var trainingRows: [Int]
    public var labelMatrix: LabelMatrix
    /// Source terms of the training labels (nil for the supervised baseline).
    public var terms: SourceTerms?
    /// For exp-link label models: the identity surrogate's mean absolute error on the soft labels.
    public var surrogateError: Double?
    /// `‖∇Ĺ(θ*)‖ / ‖∇Ĺ(θ₀)‖`: the training objective's gradient norm at the trained parameters
    /// relative to its value at initialization. Influence functions assume a stationary point
    /// (ratio ≪ 1: a convex model trained to convergence); an early-stopped network is far from one.
    public var gradientNormRatio = Double.nan

    /// - Parameter curvature: the curvature influence inverts; nil for the model's preferred one
    ///   (`HessianKind.preferred(for:)`: exact for logistic regression, Gauss–Newton for networks).
    public init(
        file: TrainedModelFile, dataset: WeakDataset, selection: ParameterSelection = .all,
        curvature: HessianKind? = nil, surrogate: IdentitySurrogate.Loss = .squared, path: String
    ) throws {
        try file.check(dataset, sameTraining: true, path: path)
        guard file.method.hasTrainingRowObjective, let rows = file.trainingRows else {
            throw InfluenceError.noTrainingRowObjective(method: file.method)
        }
        let model = try file.endModel.makeModel(path: path)
        let spec = file.endModelSpec
        let inputs = try spec.inputs(dataset.train, dtype: .float64).gatheringRows(rows)
        let L = dataset.train.labelMatrix.rows(rows)
        var targets: Tensor
        switch file.method {
        case .weasel:
            guard let encoderFile = file.encoder else {
                throw ModelFileError(path: path, problem: "a WeaSEL model file without its encoder")
            }
            let encoder = try WeaselEncoder.make(from: encoderFile, path: path)
            let (theta, softLabels) = encoder.encode(
                features: dataset.train.features?.gatheringRows(rows), labelMatrix: L)
            targets = softLabels.converted(to: .float64)
            terms = SourceTerms(weaselAccuracies: theta, softLabels: softLabels, labelMatrix: L)
        case .supervised:
            guard let gold = dataset.train.goldLabels else {
                throw InfluenceError.missingGold(split: .train, purpose: "the supervised model's training objective")
            }
            targets = Tensor.oneHot(rows.map { gold[$0] }, classCount: dataset.classCount, dtype: .float64)
        case .majority, .dawidSkene, .snorkel:
            guard let decomposition = file.decomposition else {
                throw ModelFileError(path: path, problem: "no label-model decomposition recorded for '\(file.method)'")
            }
            targets = decomposition.softLabels(L)
            if decomposition.link == .identity {
                terms = SourceTerms(identity: decomposition, labelMatrix: L)
            } else {
                let surrogate = IdentitySurrogate.fit(decomposition, labelMatrix: L, loss: surrogate)
                surrogateError = surrogate.meanAbsoluteError
                terms = SourceTerms(identity: surrogate.decomposition, labelMatrix: L)
                // Influence is taken of the objective the terms represent (the surrogate's labels).
                targets = Tensor(shape: targets.shape, scalars: terms!.softLabels, dtype: .float64)
            }
        default: throw InfluenceError.noTrainingRowObjective(method: file.method)
        }
        self.file = file
        trainingRows = rows
        labelMatrix = L
        problem = try InfluenceProblem(
            model: model, inputs: inputs, targets: targets, l2: file.trainingOptions.weightDecay,
            selection: selection)
        problem.curvature = curvature ?? HessianKind.preferred(for: model)
        let initial = try InfluenceProblem(
            model: try file.initialEndModel(for: dataset), inputs: inputs, targets: targets, l2: problem.l2,
            selection: selection)
        gradientNormRatio = norm(problem.gradient()) / max(norm(initial.gradient()), 1e-300)
    }

    /// The loss to explain: the validation or test loss, or the loss on test points by id.
    public func target(_ selection: TargetSelection, dataset: WeakDataset) throws -> InfluenceTarget {
        let spec = file.endModelSpec
        switch selection {
        case .validation, .test:
            let split: WeakDataset.Split = selection == .validation ? .valid : .test
            guard let labels = dataset[split].goldLabels else {
                throw InfluenceError.missingGold(split: split, purpose: "an influence target")
            }
            return InfluenceTarget(
                inputs: try spec.inputs(dataset[split], dtype: .float64), labels: labels,
                classCount: dataset.classCount,
                description: "\(split.rawValue) loss")
        case .testPoints(let ids):
            guard let labels = dataset.test.goldLabels else {
                throw InfluenceError.missingGold(split: .test, purpose: "an influence target")
            }
            let positions = try ids.map { id -> Int in
                guard let position = dataset.test.ids.firstIndex(of: id) else { throw InfluenceError.unknownTestID(id) }
                return position
            }
            return InfluenceTarget(
                inputs: try spec.inputs(dataset.test, dtype: .float64).gatheringRows(positions),
                labels: positions.map { labels[$0] }, classCount: dataset.classCount,
                description: "loss on test \(ids.count == 1 ? "point" : "points") \(ids.joined(separator: ","))")
        }
    }
}
