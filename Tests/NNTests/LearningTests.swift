import Foundation
import NN
import TestSupport
import Testing

/// Trains `model` with Adam on soft-target cross-entropy over shuffled minibatches.
func fit<M: Layer>(
    _ model: M, inputs: Tensor, labels: [Int], classCount: Int, epochs: Int, batchSize: Int,
    learningRate: Double, seed: UInt64
) {
    var generator = SeededGenerator(seed: seed)
    let targets = Tensor.oneHot(labels, classCount: classCount, dtype: inputs.dtype)
    let adam = Adam(parameters: model.parameters, learningRate: learningRate)
    model.train()
    for _ in 0..<epochs {
        for batch in minibatches(
            count: labels.count, batchSize: batchSize, shuffle: true, dropLast: true, using: &generator)
        {
            let loss = Loss.softTargetCrossEntropy(
                logits: model(inputs.gatheringRows(batch)), targets: targets.gatheringRows(batch))
            adam.step(gradients(of: loss, wrt: model.parameters))
        }
    }
}

func accuracy<M: Layer>(_ model: M, _ inputs: Tensor, _ labels: [Int]) -> Double {
    let p = model.predictLogits(inputs)
    let correct = labels.indices.filter { i in (0..<p.shape[1]).max { p[i, $0] < p[i, $1] } == labels[i] }.count
    return Double(correct) / Double(labels.count)
}

/// Sequences of `length` tokens from 1...9 (0 is padding), each with exactly one 7 and one 3;
/// the label is whether 7 comes before 3. Some sequences are right-padded.
func orderTask(count: Int, length: Int, seed: UInt64) -> (Tensor, [Int]) {
    var generator = SeededGenerator(seed: seed)
    var values: [Double] = []
    var labels: [Int] = []
    for _ in 0..<count {
        let realLength = length - generator.nextInt(below: 3)
        var tokens = (0..<realLength).map { _ in [1, 2, 4, 5, 6, 8, 9][generator.nextInt(below: 7)] }
        let first = generator.nextInt(below: realLength)
        var second = generator.nextInt(below: realLength - 1)
        if second >= first { second += 1 }
        tokens[first] = 7
        tokens[second] = 3
        labels.append(first < second ? 1 : 0)
        values += (tokens + Array(repeating: 0, count: length - realLength)).map(Double.init)
    }
    return (Tensor(shape: [count, length], scalars: values), labels)
}

@Suite("Learning sanity")
struct LearningTests {
    @Test("an MLP fits XOR exactly")
    func xor() {
        var generator = SeededGenerator(seed: 1)
        let mlp = MLP(inputCount: 2, hiddenSizes: [8], outputCount: 2, activation: .tanh, using: &generator)
        let x = Tensor(rows: [[0, 0], [0, 1], [1, 0], [1, 1]])
        let labels = [0, 1, 1, 0]
        fit(mlp, inputs: x, labels: labels, classCount: 2, epochs: 500, batchSize: 4, learningRate: 0.05, seed: 1)
        #expect(accuracy(mlp, x, labels) == 1)
    }

    @Test("an MLP with BatchNorm and dropout reaches 100% training accuracy on two moons")
    func twoMoons() {
        var generator = SeededGenerator(seed: 2)
        var values: [Double] = []
        var labels: [Int] = []
        for i in 0..<300 {
            let label = i % 2
            let angle = Double.pi * generator.nextUniform()
            values += label == 0 ? [cos(angle), sin(angle)] : [1 - cos(angle), 0.5 - sin(angle)]
            labels.append(label)
        }
        let x = Tensor(shape: [300, 2], scalars: values)
        let mlp = MLP(
            inputCount: 2, hiddenSizes: [32, 32], outputCount: 2, batchNorm: true, dropout: 0.1, using: &generator)
        fit(mlp, inputs: x, labels: labels, classCount: 2, epochs: 150, batchSize: 32, learningRate: 0.01, seed: 2)
        #expect(accuracy(mlp, x, labels) == 1)
    }

    @Test("the bi-LSTM classifier learns whether 7 comes before 3 (≥ 95% test accuracy)")
    func sequenceOrder() {
        let (trainX, trainY) = orderTask(count: 1000, length: 8, seed: 10)
        let (testX, testY) = orderTask(count: 400, length: 8, seed: 11)
        var generator = SeededGenerator(seed: 3)
        let model = SequenceClassifier(
            .init(vocabularySize: 10, embeddingSize: 8, hiddenSize: 16, readoutSizes: [16], outputCount: 2),
            using: &generator)
        fit(
            model, inputs: trainX, labels: trainY, classCount: 2, epochs: 12, batchSize: 32, learningRate: 0.01, seed: 3
        )
        let testAccuracy = accuracy(model, testX, testY)
        #expect(testAccuracy >= 0.95, "test accuracy \(testAccuracy)")
    }
}
