import Autodiff

/// One op under test: the input shapes, whether inputs must be positive (log, sqrt, division),
/// and the op itself as a function of fresh leaf tensors.
struct OpCase: CustomStringConvertible, Sendable {
    let name: String
    let shapes: [[Int]]
    var positive: Bool = false
    /// Keeps inputs away from 0 so kinks (relu, abs) are not probed by finite differences.
    var awayFromZero: Bool = false
    let apply: @Sendable ([Tensor]) -> Tensor
    var description: String { name }

    /// Seeded inputs for this case in `dtype`, as leaves that require gradients.
    func inputs(dtype: DType, seed: UInt64 = 7) -> [Tensor] {
        var generator = SeededGenerator(seed: seed)
        return shapes.map { shape in
            let values = (0..<shape.reduce(1, *)).map { _ -> Double in
                var v = generator.nextNormal()
                if positive { v = 0.5 + Swift.abs(v) }
                if awayFromZero && Swift.abs(v) < 0.2 { v += v < 0 ? -0.3 : 0.3 }
                return v
            }
            return Tensor(shape: shape, scalars: values, dtype: dtype, requiresGrad: true)
        }
    }
}

/// Every differentiable op, including each broadcasting pattern and every matmul transpose.
let opCases: [OpCase] = [
    OpCase(name: "add", shapes: [[3, 4], [3, 4]]) { $0[0] + $0[1] },
    OpCase(name: "add row vector", shapes: [[3, 4], [4]]) { $0[0] + $0[1] },
    OpCase(name: "add 1×n row", shapes: [[1, 4], [3, 4]]) { $0[0] + $0[1] },
    OpCase(name: "add column", shapes: [[3, 4], [3, 1]]) { $0[0] + $0[1] },
    OpCase(name: "add scalar", shapes: [[], [3, 4]]) { $0[0] + $0[1] },
    OpCase(name: "subtract column", shapes: [[3, 1], [3, 4]]) { $0[0] - $0[1] },
    OpCase(name: "subtract row", shapes: [[3, 4], [1, 4]]) { $0[0] - $0[1] },
    OpCase(name: "multiply", shapes: [[3, 4], [3, 4]]) { $0[0] * $0[1] },
    OpCase(name: "multiply row", shapes: [[4], [3, 4]]) { $0[0] * $0[1] },
    OpCase(name: "multiply column", shapes: [[3, 4], [3, 1]]) { $0[0] * $0[1] },
    OpCase(name: "divide", shapes: [[3, 4], [3, 4]], positive: true) { $0[0] / $0[1] },
    OpCase(name: "divide column", shapes: [[3, 4], [3, 1]], positive: true) { $0[0] / $0[1] },
    OpCase(name: "divide by row", shapes: [[3, 4], [4]], positive: true) { $0[0] / $0[1] },
    OpCase(name: "scalar arithmetic", shapes: [[2, 3]], positive: true) { (2.5 * $0[0] - 1.5) / 3.0 + 1.0 / $0[0] },
    OpCase(name: "negate", shapes: [[2, 5]]) { -$0[0] },
    OpCase(name: "exp", shapes: [[3, 4]]) { $0[0].exp() },
    OpCase(name: "log", shapes: [[3, 4]], positive: true) { $0[0].log() },
    OpCase(name: "sigmoid", shapes: [[3, 4]]) { $0[0].sigmoid() },
    OpCase(name: "tanh", shapes: [[3, 4]]) { $0[0].tanh() },
    OpCase(name: "relu", shapes: [[3, 4]], awayFromZero: true) { $0[0].relu() },
    OpCase(name: "softplus", shapes: [[3, 4]]) { $0[0].softplus() },
    OpCase(name: "sqrt", shapes: [[3, 4]], positive: true) { $0[0].sqrt() },
    OpCase(name: "square", shapes: [[3, 4]]) { $0[0].square() },
    OpCase(name: "pow 3", shapes: [[3, 4]]) { $0[0].pow(3) },
    OpCase(name: "pow 1.5", shapes: [[3, 4]], positive: true) { $0[0].pow(1.5) },
    OpCase(name: "abs", shapes: [[3, 4]], awayFromZero: true) { $0[0].abs() },
    OpCase(name: "sum", shapes: [[3, 4]]) { $0[0].sum() },
    OpCase(name: "sum axis 0", shapes: [[3, 4]]) { $0[0].sum(axis: 0) },
    OpCase(name: "sum axis 1 kept", shapes: [[3, 4]]) { $0[0].sum(axis: 1, keepingDimension: true) },
    OpCase(name: "sum middle axis of 3-d", shapes: [[2, 3, 4]]) { $0[0].sum(axis: 1) },
    OpCase(name: "mean", shapes: [[3, 4]]) { $0[0].mean() },
    OpCase(name: "mean axis 0", shapes: [[3, 4]]) { $0[0].mean(axis: 0) },
    OpCase(name: "max axis 1", shapes: [[3, 5]]) { $0[0].max(axis: 1) },
    OpCase(name: "max axis 0 kept", shapes: [[4, 3]]) { $0[0].max(axis: 0, keepingDimension: true) },
    OpCase(name: "softmax", shapes: [[3, 4]]) { $0[0].softmax() },
    OpCase(name: "softmax vector", shapes: [[5]]) { $0[0].softmax() },
    OpCase(name: "logSoftmax", shapes: [[3, 4]]) { $0[0].logSoftmax() },
    OpCase(name: "matmul", shapes: [[3, 4], [4, 2]]) { $0[0].matmul($0[1]) },
    OpCase(name: "matmul Aᵀ", shapes: [[4, 3], [4, 2]]) { $0[0].matmul($0[1], transposeSelf: true) },
    OpCase(name: "matmul Bᵀ", shapes: [[3, 4], [2, 4]]) { $0[0].matmul($0[1], transposeOther: true) },
    OpCase(name: "matmul AᵀBᵀ", shapes: [[4, 3], [2, 4]]) {
        $0[0].matmul($0[1], transposeSelf: true, transposeOther: true)
    },
    OpCase(name: "matmul self", shapes: [[3, 3]]) { $0[0].matmul($0[0]) },
    OpCase(name: "matmul plus row", shapes: [[3, 4], [4, 2], [2]]) { $0[0].matmul($0[1], plusRow: $0[2]) },
    OpCase(name: "matmul Bᵀ plus row", shapes: [[3, 4], [2, 4], [2]]) {
        $0[0].matmul($0[1], transposeOther: true, plusRow: $0[2])
    },
    OpCase(name: "matmul AᵀBᵀ plus row", shapes: [[4, 3], [2, 4], [2]]) {
        $0[0].matmul($0[1], transposeSelf: true, transposeOther: true, plusRow: $0[2])
    },
    OpCase(name: "rowwise outer", shapes: [[3, 2], [3, 4]]) { $0[0].rowwiseOuter($0[1]) },
    OpCase(name: "reshape", shapes: [[3, 4]]) { $0[0].reshaped([2, -1]) },
    OpCase(name: "transpose", shapes: [[3, 4]]) { $0[0].transposed() },
    OpCase(name: "slice axis 0", shapes: [[5, 3]]) { $0[0].sliced(axis: 0, start: 1, length: 3) },
    OpCase(name: "slice axis 1", shapes: [[3, 5]]) { $0[0].sliced(axis: 1, start: 2, length: 2) },
    OpCase(name: "pad", shapes: [[2, 3]]) { $0[0].padded(axis: 1, start: 1, fullLength: 5) },
    OpCase(name: "concat axis 0", shapes: [[2, 3], [1, 3]]) { concat($0, axis: 0) },
    OpCase(name: "concat axis 1", shapes: [[2, 3], [2, 2], [2, 1]]) { concat($0, axis: 1) },
    OpCase(name: "gather rows with repeats", shapes: [[4, 3]]) { $0[0].gatheringRows([2, 0, 2, 3]) },
    OpCase(name: "scatter rows", shapes: [[3, 2]]) { $0[0].scatteringRows([1, 1, 3], rowCount: 4) },
    OpCase(name: "expand", shapes: [[3, 1]]) { $0[0].expanded(axis: 1, to: 4) },
    OpCase(name: "broadcast row", shapes: [[4]]) { $0[0].broadcast(to: [3, 4]) },
    OpCase(name: "broadcast scalar", shapes: [[]]) { $0[0].broadcast(to: [2, 3]) },
    OpCase(name: "reduce to column", shapes: [[3, 4]]) { $0[0].reduced(toShape: [3, 1]) },
    OpCase(name: "widen to float64 and back", shapes: [[3, 4]]) {
        $0[0].converted(to: .float64).square().converted(to: $0[0].dtype)
    },
    OpCase(name: "composite soft-target cross-entropy", shapes: [[4, 3], [4, 3]]) {
        -($0[1].softmax() * $0[0].logSoftmax()).sum(axis: 1).mean()
    },
]
