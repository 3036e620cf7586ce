import Foundation
import NN
import TestSupport
import Testing

func temporaryURL(_ name: String) -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("weasel-tests-\(UUID().uuidString)-\(name)")
}

@Suite("Model files")
struct ModelFileTests {
    @Test("save → load gives bit-identical predictions (MLP with BatchNorm, Float32 and Float64)")
    func mlpRoundTrip() throws {
        for dtype in DType.allCases {
            var generator = SeededGenerator(seed: 4)
            let mlp = MLP(
                inputCount: 5, hiddenSizes: [7, 6], outputCount: 3, batchNorm: true, dropout: 0.2, dtype: dtype,
                using: &generator)
            let x = Tensor.randomNormal([20, 5], dtype: dtype, using: &generator)
            for _ in 0..<3 { _ = mlp(x) }  // move the running statistics away from their initial values
            let url = temporaryURL("mlp.json")
            defer { try? FileManager.default.removeItem(at: url) }
            try mlp.save(to: url)
            let loaded = try MLP.load(from: url)
            #expect(loaded.configuration == mlp.configuration)
            #expect(loaded.predictLogits(x).scalars == mlp.predictLogits(x).scalars)
            #expect(loaded.parameters.first?.dtype == dtype)
        }
    }

    @Test("save → load of the bi-LSTM sequence classifier")
    func sequenceRoundTrip() throws {
        var generator = SeededGenerator(seed: 5)
        let model = SequenceClassifier(
            .init(vocabularySize: 12, embeddingSize: 4, hiddenSize: 5, readoutSizes: [6]), using: &generator)
        let tokens = Tensor(shape: [2, 4], scalars: [1, 5, 11, 0, 3, 3, 2, 9])
        let url = temporaryURL("seq.json")
        defer { try? FileManager.default.removeItem(at: url) }
        try model.save(to: url)
        #expect(
            try SequenceClassifier.load(from: url).predictLogits(tokens).scalars == model.predictLogits(tokens).scalars)
        #expect(model.namedParameters.map(\.name).contains("lstm.weight_hh_l0_reverse"))
    }

    /// Writes `text` and expects loading it as an MLP to fail with `problem`.
    func expectLoadFails(_ text: String, problem: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = temporaryURL("bad.json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(text.utf8).write(to: url)
        #expect(throws: ModelFileError(path: url.path, problem: problem), sourceLocation: sourceLocation) {
            try MLP.load(from: url)
        }
    }

    @Test("malformed and mismatched files fail with a message naming the problem")
    func malformedFiles() throws {
        var generator = SeededGenerator(seed: 6)
        let mlp = MLP(inputCount: 2, hiddenSizes: [3], outputCount: 2, using: &generator)
        let url = temporaryURL("good.json")
        defer { try? FileManager.default.removeItem(at: url) }
        try mlp.save(to: url)
        let good = try String(contentsOf: url, encoding: .utf8)

        try expectLoadFails(
            String(good.prefix(40)), problem: "line 1, field 'architecture': unterminated string (truncated JSON?)")
        try expectLoadFails(
            good.replacingOccurrences(of: "\"kind\":\"mlp\"", with: "\"kind\":\"sequence-classifier\""),
            problem: "holds a 'sequence-classifier' model, expected 'mlp'")
        try expectLoadFails(
            good.replacingOccurrences(of: "\"name\":\"output.bias\"", with: "\"name\":\"output.offset\""),
            problem: "missing parameter 'output.bias'")
        try expectLoadFails(
            good.replacingOccurrences(of: "\"inputCount\":2", with: "\"inputCount\":4"),
            problem: "parameter 'linear0.weight' has shape [3, 2], the architecture needs [3, 4]")
        try expectLoadFails(
            good.replacingOccurrences(of: "\"dtype\":\"float32\"", with: "\"dtype\":\"int8\""),
            problem: "unknown dtype 'int8'")
        try expectLoadFails(
            good.replacingOccurrences(of: "\"architecture\"", with: "\"arch\""),
            problem: "missing field 'architecture' at the top level")
        let missing = temporaryURL("nope.json")
        #expect(throws: ModelFileError.self) { try MLP.load(from: missing) }
    }
}

@Suite("Second order through NN layers")
struct NNHessianTests {
    @Test("HVP through an MLP with BatchNorm in eval mode and dropout off matches finite differences")
    func hvpBatchNormEval() {
        var generator = SeededGenerator(seed: 8)
        let mlp = MLP(
            inputCount: 3, hiddenSizes: [4, 4], outputCount: 3, activation: .tanh, batchNorm: true, dropout: 0.3,
            dtype: .float64, using: &generator)
        let x = Tensor.randomNormal([10, 3], dtype: .float64, using: &generator)
        for _ in 0..<5 { _ = mlp(x * 1.5 + 0.2) }  // non-trivial running statistics
        mlp.eval()
        let targets = Tensor.randomNormal([10, 3], dtype: .float64, using: &generator).softmax()
        let loss = { Loss.softTargetCrossEntropy(logits: mlp(x), targets: targets) }
        let v = mlp.parameters.map { Tensor.randomNormal($0.shape, dtype: .float64, using: &generator) }
        let hv = hessianVectorProduct(of: loss(), wrt: mlp.parameters, along: v).flatMap(\.scalars)
        // Central differences of exact gradients along v.
        func gradientShifted(_ step: Double) -> [Double] {
            let saved = mlp.parameters.map(\.scalars)
            defer { for (p, s) in zip(mlp.parameters, saved) { p.assign(scalars: s) } }
            for (p, d) in zip(mlp.parameters, v) { p.assign(scalars: zip(p.scalars, d.scalars).map { $0 + step * $1 }) }
            return gradients(of: loss(), wrt: mlp.parameters).flatMap(\.scalars)
        }
        let numeric = zip(gradientShifted(1e-5), gradientShifted(-1e-5)).map { ($0 - $1) / 2e-5 }
        #expect(maxRelativeError(hv, numeric, floor: 1e-2) < 1e-5)
    }
}
