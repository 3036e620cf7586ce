import Influence
import Testing

@Suite("Increm-INFL")
struct IncrementalINFLTests {
    @Test("over a 10-round cleaning loop on logistic regression, the pruned top-b equals the full top-b every round")
    func sameTopB() {
        let (train0, _, gold) = logisticData(seed: 61, rows: 600)
        let validation = logisticData(seed: 62, rows: 200).0
        var data = train0
        // Soft, partly wrong labels: 15% flipped, the rest slightly smoothed; uncleaned weight γ = 0.8.
        for i in 0..<600 where i % 7 == 0 {
            data.labels[i * 2] = Double(gold[i])
            data.labels[i * 2 + 1] = Double(1 - gold[i])
        }
        let sgd = LogisticRegressionSGD()
        var w = sgd.train(data, record: false).final
        let incremental = IncrementalINFL(data: data, w0: w)
        var cleaned = Set<Int>()
        var kept: [Int] = []
        for _ in 0..<10 {
            let s = data.influenceVector(w, l2: sgd.l2, validation: validation)
            let candidates = (0..<600).filter { !cleaned.contains($0) }
            let full = IncrementalINFL.exactScores(data, w, s: s, rows: candidates).sorted { $0.score < $1.score }
                .prefix(10)
            let (fast, evaluations) = incremental.topSuggestions(data: data, w: w, s: s, candidates: candidates, b: 10)
            #expect(fast.map(\.row) == full.map(\.row))
            #expect(fast.map(\.suggested) == full.map(\.suggested))
            kept.append(evaluations)
            for pick in fast {
                cleaned.insert(pick.row)
                data.labels[pick.row * 2] = pick.suggested == 0 ? 1 : 0
                data.labels[pick.row * 2 + 1] = pick.suggested == 1 ? 1 : 0
                data.weights[pick.row] = 1
            }
            w = sgd.train(data, record: false).final
        }
        print("Increm-INFL exact evaluations per round: \(kept) of ~600")
        #expect(kept.allSatisfy { $0 < 600 })
    }
}
