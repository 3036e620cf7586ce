import Autodiff
import Foundation
import Influence
import WeakSup

/// `weasel report`: one self-contained HTML page about a dataset, its LFs, the label models and
/// end models trained on it, a comparison of methods and what influence says about the LFs.
public struct ReportBuilder {
    public var dataset: WeakDataset
    /// Trained model files (`weasel train --out`) with the path each was read from.
    public var models: [(path: String, file: TrainedModelFile)]
    public var comparison: ComparisonSummary?
    /// Whether to compute influence scores (one inverse-HVP solve per model).
    public var influence = true
    /// Rows per influence table and LFs per side of the diverging chart.
    public var top = 10
    /// Progress notes (one per model and step).
    public var progress: ((String) -> Void)?

    public init(dataset: WeakDataset, models: [(path: String, file: TrainedModelFile)], comparison: ComparisonSummary?)
    {
        self.dataset = dataset
        self.models = models
        self.comparison = comparison
    }

    /// The page. Every section is present; a section without the inputs it needs says which to give.
    public func html() throws -> String {
        for (path, file) in models { try file.check(dataset, sameTraining: false, path: path) }
        var page = HTMLPage(
            title: "weasel report: \(dataset.name)",
            subtitle:
                "\(dataset.train.count)/\(dataset.valid.count)/\(dataset.test.count) train/valid/test rows, \(dataset.lfCount) LFs, "
                + "classes \(dataset.classNames.joined(separator: ", ")); models: "
                + (models.isEmpty ? "none" : models.map { modelName($0) }.joined(separator: ", ")))
        page.add(id: "dataset", title: "Dataset and labeling functions", body: datasetSection())
        page.add(id: "label-models", title: "Label models: what each learned to trust", body: try labelModelSection())
        page.add(id: "training", title: "Training curves", body: trainingSection())
        page.add(id: "comparison", title: "Comparison of methods", body: comparisonSection())
        page.add(id: "influence", title: "Influence and test errors", body: try influenceSection())
        return page.markup
    }

    private func modelName(_ model: (path: String, file: TrainedModelFile)) -> String {
        "\(model.file.method.rawValue) (\(URL(fileURLWithPath: model.path).lastPathComponent))"
    }

    // MARK: Dataset and LFs

    private func datasetSection() -> String {
        let train = dataset.train
        let analysis = LFAnalysis(
            labelMatrix: train.labelMatrix, lfNames: dataset.lfNames, goldLabels: train.goldLabels)
        var body = note(
            "LF statistics on the \(train.count) training rows: coverage = fraction of rows an LF votes on; overlaps = fraction where it and another LF vote; conflicts = fraction where another LF votes a different class"
                + (train.goldLabels != nil
                    ? "; empirical accuracy = fraction of its votes equal to the gold label." : "."))
        body += htmlTable(
            ["", "coverage", "overlap", "conflict", "empirical accuracy"],
            [
                [
                    "all \(dataset.lfCount) LFs", formatted(analysis.totalCoverage), formatted(analysis.totalOverlap),
                    formatted(analysis.totalConflict), analysis.totalEmpiricalAccuracy.map { formatted($0) } ?? "—",
                ]
            ], textColumns: [""])

        // Class balance of every split that has gold labels.
        var balanceRows: [[String]] = []
        var balance: [(label: String, value: Double)] = []
        for split in WeakDataset.Split.allCases {
            guard let gold = dataset[split].goldLabels, !gold.isEmpty else { continue }
            let fractions = (0..<dataset.classCount).map { c in
                Double(gold.filter { $0 == c }.count) / Double(gold.count)
            }
            balanceRows.append([split.rawValue] + fractions.map { formatted($0) })
            if balance.isEmpty {
                balance = dataset.classNames.indices.map {
                    ("\(dataset.classNames[$0]) (\(split.rawValue))", fractions[$0])
                }
            }
        }
        body += "<h3>Class balance</h3>"
        if balance.isEmpty {
            body += note("No split has gold labels.")
        } else {
            body += Chart.bars(
                balance, title: "Class balance", axis: "fraction of rows", domain: (0, 1), color: Palette.green)
            body += numbersTable(["split"] + dataset.classNames, balanceRows, textColumns: ["split"])
        }

        let names = analysis.lfs.map(\.name)
        body += "<h3>Per LF</h3>"
        var panels: [(title: String, values: [Double], color: String)] = [
            ("coverage", analysis.lfs.map(\.coverage), Palette.blue),
            ("overlaps", analysis.lfs.map(\.overlaps), Palette.sky),
            ("conflicts", analysis.lfs.map(\.conflicts), Palette.vermillion),
        ]
        if analysis.lfs.contains(where: { $0.empiricalAccuracy != nil }) {
            panels.append(("empirical accuracy", analysis.lfs.map { $0.empiricalAccuracy ?? .nan }, Palette.green))
        }
        body += Chart.panels(
            labels: names, panels,
            title: "Per LF, by coverage (fractions of training rows; accuracy: of the LF's votes)")
        body += numbersTable(
            [
                "LF", "description", "classes voted", "coverage", "overlaps", "conflicts", "correct", "incorrect",
                "empirical accuracy",
            ],
            analysis.lfs.enumerated().map { j, lf in
                [
                    lf.name, dataset.lfDescriptions[j],
                    lf.polarity.map { dataset.classNames[$0] }.joined(separator: ", "),
                    formatted(lf.coverage), formatted(lf.overlaps), formatted(lf.conflicts),
                    lf.correct.map(String.init) ?? "—",
                    lf.incorrect.map(String.init) ?? "—", lf.empiricalAccuracy.map { formatted($0) } ?? "—",
                ]
            }, textColumns: ["LF", "description", "classes voted"])

        var pairs = LFAnalysis.pairwise(train.labelMatrix, classCount: dataset.classCount)
        // The diagonal (an LF with itself) is left blank: its coverage would set the colour scale.
        for j in names.indices { (pairs.overlaps[j][j], pairs.conflicts[j][j]) = (.nan, .nan) }
        body += "<h3>LF × LF</h3>"
        body += Chart.heatMap(
            pairs.overlaps, rows: names, columns: names, title: "Overlap: fraction of rows both LFs vote on",
            valueName: "overlap")
        body += Chart.heatMap(
            pairs.conflicts, rows: names, columns: names,
            title: "Conflict: fraction of rows both LFs vote on, for different classes", valueName: "conflict")
        body += numbersTable(
            ["LF"] + names,
            names.indices.map { i in [names[i]] + names.indices.map { j in formatted(pairs.overlaps[i][j]) } },
            textColumns: ["LF"])
        return body
    }

    // MARK: Label models

    /// Each model's estimate of every LF's accuracy: `(1/n_j) Σ_{i: L_ij ≠ −1} P(y_i = L_ij)` under the
    /// soft labels it trains on (the label model's, or WeaSEL's encoder's), over its training rows.
    private func estimatedAccuracies(softLabels: Tensor, labelMatrix L: LabelMatrix) -> [Double] {
        let p = softLabels.scalars
        let c = dataset.classCount
        return (0..<L.lfCount).map { j in
            var (total, votes) = (0.0, 0)
            for i in 0..<L.rowCount where L[i, j] != LabelMatrix.abstain {
                total += p[i * c + L[i, j]]
                votes += 1
            }
            return votes > 0 ? total / Double(votes) : .nan
        }
    }

    private func labelModelSection() throws -> String {
        let learners = models.filter { $0.file.decomposition != nil || $0.file.encoder != nil }
        guard !learners.isEmpty else {
            return note(
                "Give --model files of label-model methods (majority, dawid-skene, snorkel) or WeaSEL to see what each learned."
            )
        }
        let train = dataset.train
        let empirical = LFAnalysis(
            labelMatrix: train.labelMatrix, lfNames: dataset.lfNames, goldLabels: train.goldLabels
        )
        .lfs.map { $0.empiricalAccuracy ?? .nan }
        var body = note(
            "Estimated accuracy of an LF = the mean probability the model gives the class the LF voted, over the rows it voted on; "
                + "the empirical accuracy uses the gold training labels. Points on the dashed line: the model's estimate equals the truth."
        )
        var points: [(label: String, x: Double, y: Double)] = []
        var seriesOf: [Int] = []
        var series: [(name: String, color: String)] = []
        var rows: [[String]] = []
        var thetaBoxes = ""
        for (k, model) in learners.enumerated() {
            progress?("report: label model of \(modelName(model))")
            let rowsUsed = model.file.trainingRows ?? Array(0..<train.count)
            let L = train.labelMatrix.rows(rowsUsed)
            let softLabels: Tensor
            var theta: Tensor?
            if let encoderFile = model.file.encoder {
                let encoder = try WeaselEncoder.make(from: encoderFile, path: model.path)
                let encoded = encoder.encode(features: train.features?.gatheringRows(rowsUsed), labelMatrix: L)
                (theta, softLabels) = (encoded.accuracies, encoded.softLabels)
            } else {
                softLabels = model.file.decomposition!.softLabels(L)
            }
            let estimates = estimatedAccuracies(softLabels: softLabels, labelMatrix: L)
            let name = modelName(model)
            series.append((name, Palette.series[k % Palette.series.count]))
            for j in 0..<dataset.lfCount {
                rows.append([name, dataset.lfNames[j], formatted(estimates[j]), formatted(empirical[j])])
                if estimates[j].isFinite && empirical[j].isFinite {
                    points.append((dataset.lfNames[j], empirical[j], estimates[j]))
                    seriesOf.append(k)
                }
            }
            if let theta { thetaBoxes += thetaSection(theta, labelMatrix: L, name: name) }
        }
        if points.isEmpty {
            body += note(
                "The training split has no gold labels, so estimates cannot be set against empirical accuracies.")
        } else {
            body += Chart.scatter(
                points, title: "Estimated against empirical LF accuracy", xAxis: "empirical accuracy (gold)",
                yAxis: "estimated accuracy", domain: (0, 1), series: series, seriesOf: seriesOf)
        }
        body += numbersTable(
            ["model", "LF", "estimated accuracy", "empirical accuracy"], rows, textColumns: ["model", "LF"])
        return body + thetaBoxes
    }

    /// WeaSEL's per-row accuracies θ: for each LF, θ of the class it voted, over the rows it voted on.
    private func thetaSection(_ theta: Tensor, labelMatrix L: LabelMatrix, name: String) -> String {
        let (m, c) = (L.lfCount, dataset.classCount)
        let values = theta.scalars
        var items: [(label: String, summary: FiveNumberSummary)] = []
        for j in 0..<m {
            var sample: [Double] = []
            for i in 0..<L.rowCount where L[i, j] != LabelMatrix.abstain {
                sample.append(values[i * c * m + L[i, j] * m + j])
            }
            if let summary = FiveNumberSummary(sample) { items.append((dataset.lfNames[j], summary)) }
        }
        guard !items.isEmpty else { return "" }
        let high = LinearScale.nice(0, items.map(\.summary.maximum).max() ?? 1).1
        return "<h3>What WeaSEL learned to trust: \(escaped(name))</h3>"
            + note(
                "The encoder gives every row its own accuracy θ for each LF; the boxes show θ of the class the LF voted, over the rows it voted on (median, quartiles, range). "
                    + "A wide box: WeaSEL trusts the LF on some rows and not on others.")
            + Chart.boxes(items, title: "Per-row accuracy θ per LF", axis: "θ (encoder output)", domain: (0, high))
            + numbersTable(
                ["LF", "rows", "minimum", "lower quartile", "median", "upper quartile", "maximum"],
                items.map { item in
                    let s = item.summary
                    return [item.label, String(s.count)]
                        + [s.minimum, s.lowerQuartile, s.median, s.upperQuartile, s.maximum]
                        .map { formatted($0) }
                }, textColumns: ["LF"])
    }

    // MARK: Training

    private func trainingSection() -> String {
        let trained = models.filter { $0.file.curves != nil }
        guard !trained.isEmpty else {
            return note(
                models.isEmpty
                    ? "Give --model files (weasel train --out) to see their training curves."
                    : "The models given were fitted without epochs (e.g. L-BFGS), so there are no curves.")
        }
        var body = note(
            "The dashed line marks the epoch whose weights were kept (early stopping on the validation metric).")
        for model in trained {
            let curves = model.file.curves!
            let name = modelName(model)
            body += "<h3>\(escaped(name))</h3>"
            body += Chart.lines(
                [("validation \(curves.validationMetric)", curves.validation)],
                title: "Validation \(curves.validationMetric) per epoch",
                yAxis: "validation \(curves.validationMetric)",
                marker: curves.bestEpoch)
            if !curves.losses.isEmpty {
                body += Chart.lines(
                    curves.losses.map { ("\($0.name) loss", $0.values) },
                    title: "Training loss per epoch" + (curves.losses.count > 1 ? " (each network)" : ""),
                    yAxis: "mean training loss", marker: curves.bestEpoch)
            }
        }
        return body
    }

    // MARK: Comparison

    private func comparisonSection() -> String {
        guard let comparison, !comparison.rows.isEmpty else {
            return note("Give --compare FILE (the output of weasel compare --json) to compare methods.")
        }
        let binary = dataset.classCount == 2
        let main = binary ? "f1" : "accuracy"
        let label = binary ? "test F1" : "test accuracy"
        var body = note(
            "Mean ± standard deviation over \(comparison.seeds) seed(s) of weasel compare; the best mean is drawn in vermillion."
        )
        let items = comparison.rows.compactMap { row in row.metrics[main].map { (row.method, $0.mean, $0.deviation) } }
        if !items.isEmpty {
            body += Chart.dotWhisker(items, title: "\(label) per method", axis: "\(label) (mean ± std over seeds)")
        }
        let metrics = ComparisonSummary.metricNames.filter { name in
            comparison.rows.contains { $0.metrics[name] != nil }
        }
        body += htmlTable(
            ["method"] + metrics.map { $0.replacingOccurrences(of: "_", with: "-") },
            comparison.rows.map { row in
                [row.method]
                    + metrics.map { name in
                        row.metrics[name].map { "\(formatted($0.mean)) ± \(formatted($0.deviation, digits: 2))" } ?? "—"
                    }
            }, textColumns: ["method"])
        return body
    }

    // MARK: Influence and errors

    private func influenceSection() throws -> String {
        guard !models.isEmpty else { return note("Give --model files to see influence scores and test errors.") }
        var body = ""
        for model in models {
            let name = modelName(model)
            body += "<h3>\(escaped(name))</h3>"
            body += try confusion(model)
            guard influence else { continue }
            guard model.file.method.hasTrainingRowObjective, model.file.trainingRows != nil else {
                body += note(
                    "Influence needs a model trained on the training rows; \(model.file.method.rawValue) is not.")
                continue
            }
            progress?("report: influence of \(name)")
            let setup = try InfluenceSetup(file: model.file, dataset: dataset, path: model.path)
            if model.file.method.isWeaklySupervised {
                progress?("report: removing each LF from \(name)")
                body += lfRemovalCharts(
                    try setup.analyzeLFRemoval(
                        dataset: dataset, groups: (0..<dataset.lfCount).map { [$0] }, removal: .refit,
                        estimator: EffectEstimator.preferred(for: model.file.endModelSpec), damping: .automatic,
                        solver: .conjugateGradient()))
            }
            let scores = try setup.scores(
                .reweighting, target: try setup.target(.validation, dataset: dataset), damping: .automatic,
                solver: .conjugateGradient())
            body += influenceTables(scores, setup: setup)
        }
        return body
    }

    private func confusion(_ model: (path: String, file: TrainedModelFile)) throws -> String {
        guard let gold = dataset.test.goldLabels else { return note("The test split has no gold labels.") }
        let probabilities = try model.file.predictProbabilities(dataset, split: .test, path: model.path)
        let predictions = Metrics.predictions(probabilities, threshold: model.file.threshold)
        let matrix = Metrics.confusionMatrix(predictions: predictions, labels: gold, classCount: dataset.classCount)
        let classes = dataset.classNames
        let accuracy = Metrics.accuracy(predictions: predictions, labels: gold)
        return Chart.heatMap(
            matrix.map { $0.map(Double.init) }, rows: classes.map { "true \($0)" },
            columns: classes.map { "predicted \($0)" },
            title: "Test confusion matrix (accuracy \(formatted(accuracy)))", valueName: "rows",
            format: { String(Int($0.rounded())) }, cellText: { String(Int($0.rounded())) })
            + numbersTable(
                ["true class"] + classes.map { "predicted \($0)" },
                classes.indices.map { [classes[$0]] + matrix[$0].map(String.init) }, textColumns: ["true class"])
    }

    /// What removing each LF does (`influence lfs`): the chart of the estimated change of the
    /// validation loss, and the table beside the first-order screen.
    private func lfRemovalCharts(_ analysis: LFRemovalAnalysis) -> String {
        let estimator = analysis.estimator.rawValue
        var body = note(
            "Removing each LF (the label model refitted without it) and retraining, estimated by \(estimator): "
                + "the change of the validation loss (negative = the LF hurts) and of the validation \(analysis.metricName). "
                + "Damping \(formatted(analysis.damping, digits: 2)); the curvature share is that of the rows the LF "
                + "alone votes on, where first-order influence is unreliable.")
        let ordered = analysis.rows.sorted { $0.estimate.lossChanges[0] < $1.estimate.lossChanges[0] }
        let name = { (row: LFRemovalRow) in row.lfs.map { self.dataset.lfNames[$0] }.joined(separator: "+") }
        let harmful = ordered.prefix(top).filter { $0.estimate.lossChanges[0] < 0 }
        let helpful = ordered.reversed().prefix(top).filter { $0.estimate.lossChanges[0] > 0 }.reversed()
        let shown = Array(harmful) + Array(helpful)
        if !shown.isEmpty {
            body += Chart.divergingBars(
                shown.map { (name($0), $0.estimate.lossChanges[0]) }, title: "What removing each LF does",
                axis: "change of the validation loss (\(estimator))", negative: "harmful", positive: "helpful")
        }
        body += numbersTable(
            [
                "LF", "coverage", "only voter", "curvature share", "first-order Δ loss", "\(estimator) Δ loss",
                "Δ \(analysis.metricName)",
            ],
            ordered.map { row in
                [
                    name(row), "\(row.coverage)", "\(row.soleVoterRows)", String(format: "%.3f", row.curvatureShare),
                    String(format: "%.4e", row.firstOrder.lossChanges[0]),
                    String(format: "%.4e", row.estimate.lossChanges[0]),
                    row.estimate.metricChange.map { String(format: "%+.4f", $0) } ?? "—",
                ]
            }, textColumns: ["LF"])
        return body
    }

    private func influenceTables(_ scores: InfluenceScores, setup: InfluenceSetup) -> String {
        let names = dataset.lfNames + ["(prior)"]
        let ids = dataset.train.ids
        let solve = scores.solve
        var body = note(
            "Source-aware reweighting influence on the validation loss (removal convention: negative = removing it lowers the loss = harmful). "
                + "Solve: \(solve.solver.rawValue), \(solve.iterations) iterations, relative residual \(formatted(solve.relativeResidual, digits: 2)), damping \(formatted(scores.damping, digits: 2)), "
                + "gradient norm ratio \(formatted(setup.gradientNormRatio, digits: 2)).")
        let rows = scores.rows.sorted { $0.score < $1.score }
        body += "<h3>Most harmful training rows</h3>"
        body += htmlTable(
            ["row id", "gold", "score"],
            rows.prefix(top).map { row in
                [
                    ids[row.row], dataset.train.goldLabels.map { dataset.classNames[$0[row.row]] } ?? "—",
                    String(format: "%.4e", row.score),
                ]
            }, textColumns: ["row id", "gold"])
        let votes = scores.votes.sorted { $0.score < $1.score }
        if !votes.isEmpty {
            body += "<h3>Most harmful votes</h3>"
            body += htmlTable(
                ["row id", "LF", "vote", "gold", "score"],
                votes.prefix(top).map { vote in
                    [
                        ids[vote.row], names[vote.lf], vote.vote >= 0 ? dataset.classNames[vote.vote] : "abstain",
                        dataset.train.goldLabels.map { dataset.classNames[$0[vote.row]] } ?? "—",
                        String(format: "%.4e", vote.score),
                    ]
                }, textColumns: ["row id", "LF", "vote", "gold"])
        }
        return body
    }
}
