import Autodiff
import Foundation
import NN

/// The `logreg-valid` baseline: L2-regularized multinomial logistic regression on the features of
/// the labeled validation split, as scikit-learn's `LogisticRegression` (objective
/// `(1/n) Σ CE + ‖W‖² / (2Cn)`, intercepts unpenalized, L-BFGS to convergence), with C chosen by
/// stratified k-fold cross-validation inside the validation split (the pooled out-of-fold score)
/// and the binary threshold on the out-of-fold probabilities. The test split is used only for the
/// final evaluation.
public func runLogisticRegressionOnValidation(
    dataset: WeakDataset, options: TrainingOptions = TrainingOptions(), tuning: TuningGrid = .fixed
) throws -> PipelineResult {
    let splits = try ValidationFolds(
        dataset, purpose: "the logreg-valid baseline", folds: tuning.folds, seed: options.seed)
    let labels = splits.labels
    let testLabels = try dataset.goldLabels(.test, for: "evaluation")
    guard let features = dataset.valid.features?.converted(to: .float64), let testFeatures = dataset.test.features
    else {
        throw PipelineError.missingInputs(kind: .features)
    }
    let (c, n, folds) = (dataset.classCount, labels.count, splits.count)
    let metric = splits.metric
    func crossValidate(_ inverseRegularization: Double) -> (score: Double, outOfFold: [Double]) {
        var outOfFold = [Double](repeating: 0, count: n * c)
        for k in 0..<folds {
            let (heldOut, kept) = splits.split(k)
            let model = fitLogisticRegression(
                features.gatheringRows(kept), labels: kept.map { labels[$0] }, classCount: c,
                inverseRegularization: inverseRegularization)
            scatter(model.predictProbabilities(features.gatheringRows(heldOut)), rows: heldOut, into: &outOfFold)
        }
        let probabilities = Tensor(shape: [n, c], scalars: outOfFold, dtype: .float64)
        return (metric.score(probabilities: probabilities, labels: labels), outOfFold)
    }
    let (chosen, validation) = try coordinateSearch(
        start: tuning.inverseRegularizations[0],
        coordinates: [
            SearchCoordinate(
                name: "C", candidates: { current in tuning.inverseRegularizations.filter { $0 != current } },
                value: { "\($0)" })
        ], report: options.tuningReport
    ) { candidate in
        let result = crossValidate(candidate)
        return (result.score, result)
    }
    options.progress?(
        "logreg-valid: \(folds)-fold CV chose C \(chosen) (out-of-fold \(metric.rawValue) \(String(format: "%.4f", validation.score)))"
    )
    let model = fitLogisticRegression(features, labels: labels, classCount: c, inverseRegularization: chosen)
    let threshold = outOfFoldThreshold(validation.outOfFold, labels: labels, classCount: c, tune: options.tuneThreshold)
    let report = TrainingReport(
        epochsRun: 0, bestEpoch: 0, validationMetric: metric, bestValidationScore: validation.score,
        threshold: threshold,
        validationHistory: [])
    let test = evaluate(model, inputs: testFeatures.converted(to: .float64), labels: testLabels, threshold: threshold)
    var result = PipelineResult(
        model: model, report: report, test: test, trainingRows: [],
        targets: Tensor.oneHot(labels, classCount: c, dtype: .float64))
    result.configuration.inverseRegularization = chosen
    return result
}

/// Multinomial logistic regression fitted to convergence by L-BFGS: a linear softmax layer (an MLP
/// without hidden layers, Float64) minimizing `(1/n) Σ_i CE_i + ‖W‖² / (2Cn)`.
func fitLogisticRegression(_ x: Tensor, labels: [Int], classCount c: Int, inverseRegularization: Double) -> MLP {
    var generator = SeededGenerator(seed: 0)
    let model = MLP(inputCount: x.shape[1], hiddenSizes: [], outputCount: c, dtype: .float64, using: &generator)
    fitLinearSoftmax(
        model, inputs: x, targets: Tensor.oneHot(labels, classCount: c, dtype: .float64),
        weightL2: 1 / (inverseRegularization * Double(labels.count)), biasL2: 0, relativeTolerance: 1e-6)
    return model
}
