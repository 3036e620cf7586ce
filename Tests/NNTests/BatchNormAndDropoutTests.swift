import NN
import TestSupport
import Testing

@Suite("BatchNorm statistics and Dropout")
struct BatchNormAndDropoutTests {
    @Test("running statistics after three steps equal the hand-computed values; eval uses them")
    func runningStatistics() {
        let norm = BatchNorm1d(featureCount: 1, dtype: .float64)
        let batches: [[Double]] = [[1, 2, 3], [0, 4, 8, 4], [2, 2]]
        // By hand, momentum 0.1, unbiased variance for the running estimate:
        //   batch 1: mean 2, var 1      → rm = 0.9·0 + 0.1·2 = 0.2,       rv = 0.9·1 + 0.1·1 = 1
        //   batch 2: mean 4, var 32/3   → rm = 0.9·0.2 + 0.4 = 0.58,      rv = 0.9 + 0.1·32/3 = 1.966667
        //   batch 3: mean 2, var 0      → rm = 0.9·0.58 + 0.2 = 0.722,    rv = 0.9·1.966667 = 1.77
        for batch in batches { _ = norm(Tensor(shape: [batch.count, 1], scalars: batch, dtype: .float64)) }
        #expect(isApproximatelyEqual(norm.runningMean.item, 0.722, relative: 1e-12))
        #expect(isApproximatelyEqual(norm.runningVariance.item, 1.77, relative: 1e-12))
        norm.eval()
        let y = norm(Tensor(shape: [2, 1], scalars: [0.722, 2.722], dtype: .float64))
        #expect(isApproximatelyEqual(y.scalar(at: 0), 0, relative: 0, absolute: 1e-12))
        #expect(isApproximatelyEqual(y.scalar(at: 1), 2 / (1.77 + 1e-5).squareRoot(), relative: 1e-12))
        // Training mode normalizes with the biased batch variance.
        norm.train()
        let z = norm(Tensor(shape: [2, 1], scalars: [1, 3], dtype: .float64)).scalars
        #expect(isApproximatelyEqual(z[0], -1 / (1 + 1e-5).squareRoot(), relative: 1e-12))
    }

    @Test("dropout zeroes about p of the entries, scales the rest by 1/(1−p), and is the identity in eval")
    func dropout() {
        var generator = SeededGenerator(seed: 3)
        let dropout = Dropout(probability: 0.3, using: &generator)
        let x = Tensor.ones([100, 100], dtype: .float64).requiringGradient()
        let y = dropout(x)
        let values = y.scalars
        let zeros = values.filter { $0 == 0 }.count
        #expect(abs(Double(zeros) / 10000 - 0.3) < 0.02)
        #expect(values.allSatisfy { $0 == 0 || isApproximatelyEqual($0, 1 / 0.7, relative: 1e-12) })
        #expect(gradients(of: y.sum(), wrt: [x])[0].scalars == values)  // gradient is the mask
        dropout.eval()
        #expect(dropout(x).scalars == x.scalars)
    }

    @Test("train() and eval() propagate to children")
    func modes() {
        var generator = SeededGenerator(seed: 1)
        let mlp = MLP(inputCount: 2, hiddenSizes: [3], outputCount: 2, batchNorm: true, dropout: 0.5, using: &generator)
        mlp.eval()
        #expect(mlp.norms.allSatisfy { !$0.isTraining } && mlp.dropouts.allSatisfy { !$0.isTraining })
        mlp.train()
        #expect(mlp.norms.allSatisfy { $0.isTraining })
        #expect(
            mlp.namedParameters.map(\.name) == [
                "linear0.weight", "linear0.bias", "norm0.weight", "norm0.bias", "output.weight", "output.bias",
            ])
        #expect(mlp.namedBuffers.map(\.name) == ["norm0.running_mean", "norm0.running_var"])
    }
}
