import Autodiff

/// The synthetic LF sets of the WeaSEL paper's robustness experiments (§4.3, App. F), built from
/// a dataset's gold labels: LF 0 is the gold label itself; the others are coin flips drawn from the
/// class balance — `count` copies of one coin flip (`duplicate`), or `count` independent ones.
public enum RobustnessMode: String, Sendable, CaseIterable { case duplicate, independent }

extension WeakDataset {
    /// This dataset with its LFs replaced by the robustness LF set (every split; gold labels needed).
    public func withRobustnessLFs(mode: RobustnessMode, count: Int, seed: UInt64) throws -> WeakDataset {
        var result = self
        var generator = SeededGenerator(seed: seed)
        let balance: [Double] = {
            guard let gold = train.goldLabels else {
                return Array(repeating: 1 / Double(classCount), count: classCount)
            }
            return (0..<classCount).map { c in Double(gold.filter { $0 == c }.count) / Double(gold.count) }
        }()
        func coinFlip() -> Int {
            var u = generator.nextUniform()
            var c = 0
            while c < classCount - 1 && u >= balance[c] {
                u -= balance[c]
                c += 1
            }
            return c
        }
        for split in WeakDataset.Split.allCases {
            guard let gold = self[split].goldLabels else {
                throw PipelineError.missingGold(split: split, purpose: "the robustness experiment")
            }
            var votes: [Int] = []
            votes.reserveCapacity(gold.count * (count + 1))
            for y in gold {
                votes.append(y)
                switch mode {
                case .duplicate:
                    let flip = coinFlip()
                    votes += Array(repeating: flip, count: count)
                case .independent: for _ in 0..<count { votes.append(coinFlip()) }
                }
            }
            result[split].labelMatrix = LabelMatrix(rowCount: gold.count, lfCount: count + 1, votes: votes)
        }
        result.lfNames = ["gold"] + (1...max(count, 1)).prefix(count).map { "coin\($0)" }
        result.lfDescriptions = Array(repeating: "", count: count + 1)
        return result
    }
}
