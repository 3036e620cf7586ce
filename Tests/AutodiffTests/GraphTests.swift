import Autodiff
import TestSupport
import Testing

@Suite("Graph hygiene and stop-gradient")
struct GraphTests {
    @Test("stopGradient keeps the value and blocks the gradient")
    func stopGradientBlocksFirstOrder() {
        let x = Tensor(shape: [3], scalars: [1, -2, 0.5], dtype: .float64, requiresGrad: true)
        let stopped = stopGradient(x)
        #expect(stopped.scalars == x.scalars)
        #expect(!stopped.requiresGrad)
        // d/dx Σ stop(x) · x = stop(x) = x: only the direct path counts.
        let g = gradients(of: (stopped * x).sum(), wrt: [x])[0]
        #expect(g.scalars == x.scalars)
        #expect(gradients(of: (stopGradient(x.exp()) * 2).sum(), wrt: [x])[0].scalars == [0, 0, 0])
    }

    @Test("second-order terms through stopGradient vanish")
    func stopGradientBlocksSecondOrder() {
        let x = Tensor(shape: [3], scalars: [1, -2, 0.5], dtype: .float64, requiresGrad: true)
        // L = Σ x · stop(x²): gradient stop(x²) is constant, so H = 0 (while d²(x³) = 6x ≠ 0).
        let loss = (x * stopGradient(x.square())).sum()
        #expect(gradients(of: loss, wrt: [x])[0].scalars == [1, 4, 0.25])
        let hv = hessianVectorProduct(of: loss, wrt: [x], along: [Tensor.ones([3], dtype: .float64)])
        #expect(hv[0].scalars == [0, 0, 0])
        // Without the stop the same loss has H v = 6x.
        let full = hessianVectorProduct(of: x.pow(3).sum(), wrt: [x], along: [Tensor.ones([3], dtype: .float64)])
        #expect(maxRelativeError(full[0].scalars, [6, -12, 3]) < 1e-12)
    }

    @Test("a tensor used several times accumulates its gradient")
    func fanIn() {
        let x = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4], dtype: .float64, requiresGrad: true)
        let y = x * x + x + x.matmul(x)  // d/dx Σ = 2x + 1 + (1 xᵀ + xᵀ 1) summed appropriately
        let g = gradients(of: y.sum(), wrt: [x])[0]
        let numeric = numericalGradients([x]) { ($0[0] * $0[0] + $0[0] + $0[0].matmul($0[0])).sum() }[0]
        #expect(maxRelativeError(g.scalars, numeric) < 1e-8)
    }

    @Test("gradients computed twice on fresh graphs are identical")
    func repeatable() {
        let w = Tensor(shape: [3, 2], scalars: [0.1, -0.2, 0.3, 0.4, -0.5, 0.6], requiresGrad: true)
        let x = Tensor(shape: [4, 3], scalars: (0..<12).map { Double($0) / 7 })
        func run() -> [Float] { gradients(of: x.matmul(w).tanh().logSoftmax().sum(), wrt: [w])[0].floats }
        #expect(run() == run())
        // And the same graph walked twice gives the same gradient.
        let loss = x.matmul(w).sigmoid().sum()
        #expect(gradients(of: loss, wrt: [w])[0].floats == gradients(of: loss, wrt: [w])[0].floats)
    }

    @Test("evaluation without gradients records nothing")
    func noGradRecordsNothing() {
        let w = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4], requiresGrad: true)
        let y = withoutGradients { w.matmul(w).relu().sum() }
        #expect(!y.requiresGrad)
        #expect(gradients(of: y, wrt: [w])[0].scalars == [0, 0, 0, 0])
        let recorded = w.matmul(w).sum()
        #expect(recorded.requiresGrad)
    }

    @Test("constants do not record and gradients of unrelated tensors are zero")
    func constants() {
        let a = Tensor(shape: [2], scalars: [1, 2])
        let b = a.exp() * 3
        #expect(!b.requiresGrad)
        let w = Tensor(shape: [2], scalars: [1, 1], requiresGrad: true)
        let other = Tensor(shape: [2], scalars: [5, 5], requiresGrad: true)
        #expect(gradients(of: (w * b).sum(), wrt: [other])[0].scalars == [0, 0])
    }

    @Test("a graph is freed once its output is released")
    func graphIsFreed() {
        let w = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4], requiresGrad: true)
        weak var intermediate: Tensor?
        do {
            let hidden = w.matmul(w).tanh()
            intermediate = hidden
            let loss = hidden.sum()
            _ = gradients(of: loss, wrt: [w], createGraph: true)
            #expect(intermediate != nil)
        }
        #expect(intermediate == nil)
    }

    @Test("converting dtype converts the gradient back")
    func conversion() {
        let x = Tensor(shape: [2], scalars: [0.5, 1.5], dtype: .float32, requiresGrad: true)
        let g = gradients(of: x.converted(to: .float64).square().sum(), wrt: [x])[0]
        #expect(g.dtype == .float32)
        #expect(g.floats == [1, 3])
    }

    @Test("seeded generators repeat and differ by seed")
    func seededGenerators() {
        var a = SeededGenerator(seed: 42)
        var b = SeededGenerator(seed: 42)
        var c = SeededGenerator(seed: 43)
        let first = Tensor.randomNormal([5], using: &a).floats
        #expect(first == Tensor.randomNormal([5], using: &b).floats)
        #expect(first != Tensor.randomNormal([5], using: &c).floats)
        let uniform = Tensor.randomUniform([1000], low: -2, high: 3, dtype: .float64, using: &a).scalars
        #expect(uniform.allSatisfy { $0 >= -2 && $0 < 3 })
        let normal = Tensor.randomNormal([20000], mean: 1, standardDeviation: 2, dtype: .float64, using: &a).scalars
        let mean = normal.reduce(0, +) / 20000
        let variance = normal.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20000
        #expect(Swift.abs(mean - 1) < 0.05 && Swift.abs(variance.squareRoot() - 2) < 0.05)
    }

    @Test("mismatched shapes stop with a message naming both shapes")
    func shapeMismatch() async throws {
        func stderrText(_ result: ExitTest.Result?) throws -> String {
            String(decoding: try #require(result).standardErrorContent, as: UTF8.self)
        }
        let add = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let a = Tensor.zeros([2, 3])
            let b = Tensor.zeros([4, 5])
            _ = a + b
        }
        let addMessage = try stderrText(add)
        #expect(addMessage.contains("[2, 3]") && addMessage.contains("[4, 5]"), "\(addMessage)")
        let matmul = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]).matmul(Tensor.zeros([2, 3]))
        }
        let matmulMessage = try stderrText(matmul)
        #expect(matmulMessage.contains("[2, 3]") && matmulMessage.contains("matmul"), "\(matmulMessage)")
        let dtypes = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2], dtype: .float32) + Tensor.zeros([2], dtype: .float64)
        }
        let dtypeMessage = try stderrText(dtypes)
        #expect(dtypeMessage.contains("float32") && dtypeMessage.contains("float64"), "\(dtypeMessage)")
    }
}
