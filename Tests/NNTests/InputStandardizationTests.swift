import Autodiff
import Foundation
import NN
import TestSupport
import Testing

@Suite("Input standardization")
struct InputStandardizationTests {
    @Test("fit gives each column mean 0 and population deviation 1; constant and unfitted columns pass through")
    func statistics() {
        let layer = InputStandardization(featureCount: 4, dtype: .float64)
        // Three fitted columns (one constant at 5, one at the scale of 1e30); the fourth is left alone.
        let rows = Tensor(shape: [4, 3], scalars: [1, 5, 1e30, 2, 5, 3e30, 3, 5, -1e30, 6, 5, 1e30], dtype: .float64)
        layer.fit(rows)
        let means: [Double] = layer.mean.scalars
        let expectedMeans: [Double] = [3, 5, 1e30, 0]
        #expect(maxRelativeError(means, expectedMeans) < 1e-12)
        let scales: [Double] = layer.inverseScale.scalars
        let expectedScales: [Double] = [1 / Double(3.5).squareRoot(), 1, 1]
        #expect(maxRelativeError([scales[0], scales[1], scales[3]], expectedScales) < 1e-12)
        let input = concat([rows, Tensor(shape: [4, 1], scalars: [7, 8, 9, 10], dtype: .float64)], axis: 1)
        let out = layer(input).scalars
        for column in 0..<3 {
            let values: [Double] = (0..<4).map { out[$0 * 4 + column] }
            let mean = values.reduce(0, +) / 4
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 4
            #expect(abs(mean) < 1e-12)
            #expect(abs(variance - (column == 1 ? 0 : 1)) < 1e-12)
        }
        let untouched: [Double] = (0..<4).map { out[$0 * 4 + 3] }
        #expect(untouched == [7, 8, 9, 10])
        // Float32 features of 1e30: the statistics are summed in Float64 (their squares overflow Float32).
        let float = InputStandardization(featureCount: 1)
        float.fit(Tensor(shape: [2, 1], scalars: [1e30, 3e30], dtype: .float32))
        let standardized: [Double] = float(Tensor(shape: [2, 1], scalars: [1e30, 3e30], dtype: .float32)).scalars
        #expect(maxRelativeError(standardized, [-1, 1]) < 1e-6)
    }

    @Test("an MLP that standardizes its inputs saves and loads its statistics; older files load without them")
    func modelFile() throws {
        var generator = SeededGenerator(seed: 4)
        let mlp = MLP(inputCount: 3, hiddenSizes: [4], outputCount: 2, standardizesInputs: true, using: &generator)
        mlp.inputStandardization!.fit(Tensor(shape: [3, 3], scalars: [1, 10, 100, 2, 20, 300, 4, 30, 200]))
        mlp.eval()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("weasel-std-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try mlp.save(to: url)
        let loaded = try MLP.load(from: url)
        let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 40, 50, 60])
        #expect(loaded.configuration.standardizesInputs)
        #expect(loaded.inputStandardization!.mean.scalars == mlp.inputStandardization!.mean.scalars)
        #expect(loaded(x).scalars == mlp(x).scalars)
        // A file written before the option existed (no key) is a model without standardization.
        var plainGenerator = SeededGenerator(seed: 4)
        let plain = MLP(inputCount: 3, hiddenSizes: [4], outputCount: 2, using: &plainGenerator)
        try plain.save(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(!text.contains("standardizesInputs"))
        #expect(try MLP.load(from: url).inputStandardization == nil)
    }
}
