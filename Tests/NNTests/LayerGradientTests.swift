import Foundation
import NN
import TestSupport
import Testing

/// `L = Σ R ⊙ y + ½ Σ S ⊙ y²` with fixed random R, S: weights every output, and is non-linear.
func probe(_ output: Tensor) -> Tensor {
    var generator = SeededGenerator(seed: 1234)
    let r = Tensor.randomNormal(output.shape, dtype: output.dtype, using: &generator)
    let s = Tensor.randomNormal(output.shape, dtype: output.dtype, using: &generator)
    return (r * output).sum() + (s * output.square()).sum() * 0.5
}

/// Checks the gradient of `loss` w.r.t. every parameter of `module` (and `extra` tensors)
/// against central finite differences, in Float64.
func expectGradientsMatch(
    _ module: Module, extra: [Tensor] = [], tolerance: Double = 1e-6,
    sourceLocation: SourceLocation = #_sourceLocation, loss: @escaping () -> Tensor
) {
    let targets = module.parameters + extra
    let analytic = gradients(of: loss(), wrt: targets).map(\.scalars)
    let numeric = numericalGradients(inPlace: targets, loss: loss)
    for (index, (a, n)) in zip(analytic, numeric).enumerated() {
        let name =
            index < module.namedParameters.count
            ? module.namedParameters[index].name : "input \(index - module.namedParameters.count)"
        #expect(maxRelativeError(a, n, floor: 1e-2) < tolerance, "\(name)", sourceLocation: sourceLocation)
    }
}

func randomInput(_ shape: [Int], seed: UInt64, dtype: DType = .float64) -> Tensor {
    var generator = SeededGenerator(seed: seed)
    return Tensor.randomNormal(shape, dtype: dtype, using: &generator).requiringGradient()
}

@Suite("Layer gradients against finite differences (Float64)")
struct LayerGradientTests {
    @Test("Linear, with and without bias")
    func linear() {
        var generator = SeededGenerator(seed: 1)
        let layer = Linear(inputCount: 4, outputCount: 3, dtype: .float64, using: &generator)
        let x = randomInput([5, 4], seed: 2)
        expectGradientsMatch(layer, extra: [x]) { probe(layer(x)) }
        let noBias = Linear(inputCount: 4, outputCount: 2, bias: false, dtype: .float64, using: &generator)
        #expect(noBias.namedParameters.map(\.name) == ["weight"])
        expectGradientsMatch(noBias, extra: [x]) { probe(noBias(x)) }
    }

    @Test("MLP with BatchNorm in training mode, every activation")
    func mlpTrainingBatchNorm() {
        for activation in Activation.allCases {
            var generator = SeededGenerator(seed: 3)
            let mlp = MLP(
                inputCount: 3, hiddenSizes: [5, 4], outputCount: 2, activation: activation,
                batchNorm: true, dtype: .float64, using: &generator)
            mlp.train()
            let x = randomInput([6, 3], seed: 4)
            expectGradientsMatch(mlp, extra: [x], tolerance: 1e-5) { probe(mlp(x)) }
        }
    }

    @Test("BatchNorm1d in training and evaluation mode")
    func batchNorm() {
        let norm = BatchNorm1d(featureCount: 3, dtype: .float64)
        norm.weight.assign(scalars: [1.5, -0.5, 2])
        norm.bias.assign(scalars: [0.1, 0.2, -0.3])
        let x = randomInput([5, 3], seed: 5)
        expectGradientsMatch(norm, extra: [x]) { probe(norm(x)) }
        norm.eval()
        expectGradientsMatch(norm, extra: [x]) { probe(norm(x)) }
    }

    @Test("Embedding")
    func embedding() {
        var generator = SeededGenerator(seed: 6)
        let embedding = Embedding(count: 5, dimension: 3, dtype: .float64, using: &generator)
        let ids = Tensor(shape: [2, 3], scalars: [0, 4, 4, 2, 1, 0], dtype: .float64)
        #expect(embedding(ids).shape == [2, 3, 3])
        expectGradientsMatch(embedding) { probe(embedding(ids)) }
    }

    @Test("LSTM over several steps: unidirectional, bidirectional, and with padding")
    func lstm() {
        for bidirectional in [false, true] {
            var generator = SeededGenerator(seed: 7)
            let lstm = LSTM(
                inputSize: 3, hiddenSize: 4, bidirectional: bidirectional, dtype: .float64, using: &generator)
            let x = randomInput([2, 5, 3], seed: 8)
            let output = lstm(x)
            #expect(output.outputs.shape == [2, 5, bidirectional ? 8 : 4])
            expectGradientsMatch(lstm, extra: [x]) {
                let out = lstm(x)
                return probe(concat([out.outputs.reshaped([2, -1])] + out.finalHidden + out.finalCell, axis: 1))
            }
            let mask = Tensor(shape: [2, 5], scalars: [1, 1, 1, 0, 0, 1, 1, 1, 1, 1], dtype: .float64)
            expectGradientsMatch(lstm, extra: [x]) { probe(concat(lstm(x, mask: mask).finalHidden, axis: 1)) }
        }
    }

    @Test("sequence classifier end to end")
    func sequenceClassifier() {
        var generator = SeededGenerator(seed: 9)
        let model = SequenceClassifier(
            .init(vocabularySize: 6, embeddingSize: 3, hiddenSize: 3, readoutSizes: [4], outputCount: 2),
            dtype: .float64, using: &generator)
        let tokens = Tensor(shape: [2, 4], scalars: [1, 2, 3, 0, 5, 4, 3, 2], dtype: .float64)
        expectGradientsMatch(model) { Loss.crossEntropy(logits: model(tokens), labels: [0, 1]) }
    }
}

@Suite("Losses: values and gradients")
struct LossTests {
    let logits = randomInput([4, 3], seed: 10)
    var targets: Tensor { randomInput([4, 3], seed: 11).softmax() }
    let weights = Tensor(shape: [4], scalars: [0.5, 1, 2, 0], dtype: .float64)

    @Test("every loss, with and without per-sample weights, matches finite differences")
    func gradients() {
        let targets = self.targets
        let logits = self.logits
        let weights = self.weights
        let losses: [(String, (Tensor?) -> Tensor)] = [
            ("soft CE", { Loss.softTargetCrossEntropy(logits: logits, targets: targets, weights: $0) }),
            ("hard CE", { Loss.crossEntropy(logits: logits, labels: [0, 2, 1, 1], weights: $0) }),
            (
                "BCE",
                {
                    Loss.binaryCrossEntropy(
                        logits: logits.sliced(axis: 1, start: 0, length: 1),
                        targets: targets.sliced(axis: 1, start: 0, length: 1), weights: $0)
                }
            ),
            ("L1", { Loss.l1Distance(logits: logits, targets: targets, weights: $0) }),
            ("Hellinger", { Loss.squaredHellinger(logits: logits, targets: targets, weights: $0) }),
        ]
        for (name, loss) in losses {
            for w in [nil, weights] {
                let analytic = Autodiff.gradients(of: loss(w), wrt: [logits])[0].scalars
                let numeric = numericalGradients(inPlace: [logits]) { loss(w) }[0]
                #expect(maxRelativeError(analytic, numeric, floor: 1e-2) < 1e-6, "\(name) weighted: \(w != nil)")
            }
        }
    }

    @Test("values match hand-computed formulas")
    func values() {
        // One row, logits (0, ln 3) → p = (1/4, 3/4); target (1/2, 1/2).
        let z = Tensor(rows: [[0, Foundation.log(3)]], dtype: .float64)
        let y = Tensor(rows: [[0.5, 0.5]], dtype: .float64)
        #expect(
            isApproximatelyEqual(
                Loss.softTargetCrossEntropy(logits: z, targets: y).item,
                -(0.5 * Foundation.log(0.25) + 0.5 * Foundation.log(0.75)), relative: 1e-12))
        #expect(isApproximatelyEqual(Loss.l1Distance(logits: z, targets: y).item, 0.5, relative: 1e-12))
        let hellinger =
            0.5 * (Foundation.pow(0.5 - 0.5.squareRoot(), 2) + Foundation.pow(0.75.squareRoot() - 0.5.squareRoot(), 2))
        #expect(isApproximatelyEqual(Loss.squaredHellinger(logits: z, targets: y).item, hellinger, relative: 1e-12))
        // BCE of logit 0 is log 2 whatever the target; weights scale by w/n.
        let bce = Loss.binaryCrossEntropy(
            logits: Tensor(shape: [2], scalars: [0, 0], dtype: .float64),
            targets: Tensor(shape: [2], scalars: [1, 0], dtype: .float64),
            weights: Tensor(shape: [2], scalars: [1, 3], dtype: .float64))
        #expect(isApproximatelyEqual(bce.item, 2 * Foundation.log(2), relative: 1e-12))
    }
}
