import TestSupport
import Testing
import WeakSup

/// Token sequences whose class shows in which tokens occur: class 1 favors tokens 2–5, class 0
/// tokens 6–9 (others 10–19 are noise); keyword LFs vote when their token occurs.
func sequenceDataset(seed: UInt64) -> WeakDataset {
    var generator = SeededGenerator(seed: seed)
    let keywords = [(2, 1), (3, 1), (4, 1), (6, 0), (7, 0), (8, 0)]
    func split(_ count: Int) -> DatasetSplit {
        var tokens: [[Int]] = []
        var labels: [Int] = []
        var votes: [Int] = []
        for _ in 0..<count {
            let y = generator.nextInt(below: 2)
            let length = 6 + generator.nextInt(below: 5)
            let row = (0..<length).map { _ -> Int in
                generator.nextUniform() < 0.25
                    ? (y == 1 ? 2 : 6) + generator.nextInt(below: 4) : 10 + generator.nextInt(below: 10)
            }
            tokens.append(row)
            labels.append(y)
            // Each keyword LF fires when its token occurs, but a quarter of its firings are flipped.
            votes += keywords.map { token, label in
                row.contains(token) ? (generator.nextUniform() < 0.75 ? label : 1 - label) : -1
            }
        }
        return DatasetSplit(
            ids: (0..<count).map(String.init), features: nil, tokens: tokens,
            labelMatrix: LabelMatrix(rowCount: count, lfCount: keywords.count, votes: votes), goldLabels: labels)
    }
    return WeakDataset(
        name: "sequences", classNames: ["a", "b"], lfNames: keywords.map { "token\($0.0)" },
        train: split(600), valid: split(150), test: split(300), vocabularySize: 20)
}

@Suite("Sequence data with the bi-LSTM end model")
struct SequenceTests {
    @Test("WeaSEL and majority vote → bi-LSTM both learn from keyword LFs on token sequences")
    func lstmEndModel() throws {
        let dataset = sequenceDataset(seed: 21)
        let spec = EndModelSpec.lstm(embeddingSize: 8, hiddenSize: 8, readoutSizes: [8], maxLength: 12)
        var training = TrainingOptions()
        training.maxEpochs = 15
        training.patience = 5
        training.learningRate = 1e-2
        // High learning rates keep the debug-mode test short; the encoder must learn slower than
        // the end model (at equal rates 1e-2 the two networks collapse onto a trivial agreement).
        var options = WeaselOptions.default
        options.encoderLearningRate = 1e-3
        let weasel = try trainWeasel(dataset: dataset, endModel: spec, options: options, training: training)
        let twoStage = try runTwoStage(dataset: dataset, labelModel: MajorityVote(), endModel: spec, options: training)
        print("sequences: WeaSEL AUC \(weasel.test.auc!), MV → LSTM AUC \(twoStage.test.auc!)")
        #expect(weasel.encoder.featureCount == 0)  // no features: the encoder sees the votes only
        #expect(weasel.test.auc! > 0.8)
        #expect(twoStage.test.auc! > 0.8)
    }
}
