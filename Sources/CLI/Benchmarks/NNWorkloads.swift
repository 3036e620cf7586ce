import NN

/// The NN workloads of shared/bench/README.md, on seeded synthetic inputs with the sizes that
/// define them. Each returns the median and minimum seconds of one epoch.

/// W1: one epoch of WeaSEL joint training (N = 10000, d = 57, m = 40, C = 2, batch 64).
func weaselEpochWorkload(dtype: DType, repetitions: Int) -> (median: Double, min: Double) {
    let (n, d, m, c, batchSize) = (10000, 57, 40, 2, 64)
    var generator = SeededGenerator(seed: 1)
    let x = Tensor.randomNormal([n, d], dtype: dtype, using: &generator)
    let votes = (0..<n * m).map { _ in generator.nextInt(below: 3) - 1 }
    let oneHotVotes = Tensor.oneHot(votes, classCount: c, dtype: dtype).reshaped([n, m * c])
    let encoderInput = concat([x, oneHotVotes], axis: 1)
    let encoder = MLP(
        inputCount: d + m * c, hiddenSizes: [70, 70], outputCount: m, batchNorm: true, dropout: 0.3,
        dtype: dtype, using: &generator)
    let endModel = MLP(
        inputCount: d, hiddenSizes: [50, 50, 25], outputCount: c, dropout: 0.3, dtype: dtype, using: &generator)
    let encoderOptimizer = Adam(parameters: encoder.parameters, learningRate: 1e-4, weightDecay: 7e-7)
    let endOptimizer = Adam(parameters: endModel.parameters, learningRate: 1e-4, weightDecay: 7e-7)
    let parameters = encoder.parameters + endModel.parameters
    let split = encoder.parameters.count
    let scale = Double(m).squareRoot()
    return measure(repetitions: repetitions) {
        for batch in minibatches(count: n, batchSize: batchSize, shuffle: true, dropLast: false, using: &generator) {
            let b = batch.count
            let theta = encoder(encoderInput.gatheringRows(batch)).softmax() * scale  // [b, m]
            let s = (oneHotVotes.gatheringRows(batch).reshaped([b * m, c]) * theta.reshaped([b * m, 1]))
                .reshaped([b, m, c]).sum(axis: 1)  // [b, c]
            let logits = endModel(x.gatheringRows(batch))
            let lossF = Loss.softTargetCrossEntropy(logits: logits, targets: stopGradient(s.softmax()))
            let lossE = Loss.softTargetCrossEntropy(logits: s, targets: stopGradient(logits.softmax()))
            let grads = gradients(of: lossF + lossE, wrt: parameters)  // disjoint thanks to the stop-gradients
            encoderOptimizer.step(Array(grads[..<split]))
            endOptimizer.step(Array(grads[split...]))
        }
    }
}

/// W2: one epoch of a wide supervised MLP 1024 → 256 → 256 → 10 (N = 20000, batch 128, Adam).
func wideMLPEpochWorkload(dtype: DType, repetitions: Int) -> (median: Double, min: Double) {
    let (n, d, c, batchSize) = (20000, 1024, 10, 128)
    var generator = SeededGenerator(seed: 3)
    let x = Tensor.randomNormal([n, d], dtype: dtype, using: &generator)
    let targets = Tensor.randomNormal([n, c], dtype: dtype, using: &generator).softmax()
    let model = MLP(inputCount: d, hiddenSizes: [256, 256], outputCount: c, dtype: dtype, using: &generator)
    let optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
    return measure(repetitions: repetitions) {
        for batch in minibatches(count: n, batchSize: batchSize, shuffle: true, using: &generator) {
            let loss = Loss.softTargetCrossEntropy(
                logits: model(x.gatheringRows(batch)), targets: targets.gatheringRows(batch))
            optimizer.step(gradients(of: loss, wrt: model.parameters))
        }
    }
}

/// W5: one epoch of Embedding(5000, 100) → bi-LSTM(150) → 300 → 64 → 32 → 2 over length-50
/// sequences (N = 2000, batch 64, Adam 1e-3, CE).
func lstmEpochWorkload(dtype: DType, repetitions: Int) -> (median: Double, min: Double) {
    let (n, steps, batchSize) = (2000, 50, 64)
    var generator = SeededGenerator(seed: 6)
    let tokens = Tensor(
        shape: [n, steps], scalars: (0..<n * steps).map { _ in Double(generator.nextInt(below: 5000)) }, dtype: dtype)
    let labels = (0..<n).map { _ in generator.nextInt(below: 2) }
    let model = SequenceClassifier(
        .init(
            vocabularySize: 5000, embeddingSize: 100, hiddenSize: 150, bidirectional: true,
            readoutSizes: [64, 32], outputCount: 2, paddingId: nil), dtype: dtype, using: &generator)
    let optimizer = Adam(parameters: model.parameters, learningRate: 1e-3)
    return measure(repetitions: repetitions) {
        for batch in minibatches(count: n, batchSize: batchSize, shuffle: true, using: &generator) {
            let loss = Loss.crossEntropy(logits: model(tokens.gatheringRows(batch)), labels: batch.map { labels[$0] })
            optimizer.step(gradients(of: loss, wrt: model.parameters))
        }
    }
}
