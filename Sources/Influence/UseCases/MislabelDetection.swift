import Autodiff
import Foundation
import WeakSup

/// How well each scoring ranks the votes that are wrong (`L_ij ≠ y_i`): average precision per LF
/// and its mean over LFs with at least one wrong vote (the source-aware IF paper's Table 3 protocol).
public struct MislabelDetectionReport {
    public struct Method {
        public var name: String
        /// AP per LF (nil when the LF has no wrong vote, or no vote at all).
        public var perLF: [Double?]
        public var meanAP: Double
    }
    public var methods: [Method]
    public var wrongVotes: Int
    public var votes: Int
    /// The validation-loss solve behind the influence scores, and the damping it used.
    public var solve: SolveReport
    public var damping: Double
}

extension InfluenceSetup {
    /// Scores every vote of the training rows as "LF j mislabels row i" with source-aware RW and WM
    /// (on the validation loss; most harmful first) and with three baselines: label-model
    /// disagreement `1 − ŷ_i[L_ij]`, end-model disagreement `1 − f(x_i)[L_ij]`, and the fraction of
    /// the k = 10 nearest validation rows (Euclidean, features) whose gold label differs from the vote.
    public func detectMislabels(dataset: WeakDataset, damping: Damping, solver: InverseHVPSolver, neighbors: Int = 10)
        throws -> MislabelDetectionReport
    {
        let gold = try dataset.goldLabels(.train, for: "mislabel detection")
        let validGold = try dataset.goldLabels(.valid, for: "mislabel detection")
        guard let terms else { throw InfluenceError.noLabelingFunctionVotes(method: file.method) }
        let c = dataset.classCount
        let m = dataset.lfCount
        let L = labelMatrix
        let votes: [(i: Int, j: Int)] = (0..<L.rowCount).flatMap { i in
            (0..<m).filter { L[i, $0] != LabelMatrix.abstain }.map { (i, $0) }
        }
        let wrong = votes.map { L[$0.i, $0.j] != gold[trainingRows[$0.i]] ? 1 : 0 }

        let solved = try problem.solve(
            target: try target(.validation, dataset: dataset), damping: damping, solver: solver)
        let u = problem.classGradientProjections([solved.vector])[0]
        func voteScores(_ method: SourceAwareScores.Method) -> [Double] {
            var byVote: [Int: Double] = [:]
            for entry in problem.sourceAwareInfluence(solved, terms: terms, method: method, projections: u).votes
            where entry.vote >= 0 {
                byVote[entry.row * m + entry.source] = entry.score
            }
            return votes.map { -(byVote[$0.i * m + $0.j] ?? 0) }  // higher = more harmful
        }
        let soft = problem.targets.scalars
        let endProbabilities = withoutGradients { problem.model(problem.inputs).softmax() }.scalars
        var scorings: [(String, [Double])] = [
            ("source-aware RW", voteScores(.reweighting)),
            ("source-aware WM", voteScores(.weightMoving)),
            ("label-model disagreement", votes.map { 1 - soft[$0.i * c + L[$0.i, $0.j]] }),
            ("end-model disagreement", votes.map { 1 - endProbabilities[$0.i * c + L[$0.i, $0.j]] }),
        ]
        if let trainFeatures = dataset.train.features?.gatheringRows(trainingRows),
            let validFeatures = dataset.valid.features
        {
            let disagreement = nearestNeighborDisagreement(trainFeatures, validFeatures, validGold, k: neighbors)
            scorings.append(("k-NN (valid, k=\(neighbors))", votes.map { disagreement[$0.i][L[$0.i, $0.j]] }))
        }
        func method(_ name: String, _ perLF: [Double?]) -> MislabelDetectionReport.Method {
            let defined = perLF.compactMap { $0 }
            return .init(name: name, perLF: perLF, meanAP: defined.reduce(0, +) / Double(max(defined.count, 1)))
        }
        let votesOfLF = (0..<m).map { j in votes.indices.filter { votes[$0].j == j } }
        let hasWrongVote = votesOfLF.map { $0.contains { wrong[$0] == 1 } }
        // Chance: a random ranking's expected AP is the fraction of the LF's votes that are wrong.
        let chance = method(
            "chance (fraction of wrong votes)",
            (0..<m).map { j in
                hasWrongVote[j]
                    ? Double(votesOfLF[j].filter { wrong[$0] == 1 }.count) / Double(votesOfLF[j].count) : nil
            })
        let methods =
            [chance]
            + scorings.map { name, scores in
                method(
                    name,
                    (0..<m).map { j in
                        hasWrongVote[j]
                            ? Metrics.averagePrecision(
                                scores: votesOfLF[j].map { scores[$0] }, labels: votesOfLF[j].map { wrong[$0] }) : nil
                    })
            }
        return MislabelDetectionReport(
            methods: methods, wrongVotes: wrong.reduce(0, +), votes: votes.count, solve: solved.report,
            damping: solved.damping)
    }
}

/// For each training row and class: the fraction of its k nearest validation rows whose gold
/// label is not that class.
func nearestNeighborDisagreement(_ train: Tensor, _ valid: Tensor, _ labels: [Int], k: Int) -> [[Double]] {
    let b = valid.converted(to: .float64)
    let n = train.shape[0]
    let v = valid.shape[0]
    let c = max((labels.max() ?? 1) + 1, 2)
    let validNorms = withoutGradients { b.square().sum(axis: 1).reshaped([1, -1]) }
    // Squared distances ‖a‖² + ‖b‖² − 2ab through one gemm per block of 1024 training rows (an
    // N × V matrix at once would not fit for large N).
    return stride(from: 0, to: n, by: 1024).flatMap { start -> [[Double]] in
        let rows = Array(start..<min(start + 1024, n))
        let a = train.gatheringRows(rows).converted(to: .float64)
        let distances = withoutGradients {
            (a.square().sum(axis: 1, keepingDimension: true) + validNorms - a.matmul(b, transposeOther: true) * 2)
                .scalars
        }
        return rows.indices.map { r in
            let nearest = (0..<v).sorted { distances[r * v + $0] < distances[r * v + $1] }.prefix(k)
            return (0..<c).map { label in Double(nearest.filter { labels[$0] != label }.count) / Double(nearest.count) }
        }
    }
}
