import Autodiff

/// Moves between a list of parameter tensors and one flat vector (the space influence functions
/// work in), in a fixed order.
public struct ParameterLayout: Sendable, Equatable {
    public let shapes: [[Int]]
    public var count: Int { shapes.reduce(0) { $0 + $1.reduce(1, *) } }

    public init(_ parameters: [Tensor]) { shapes = parameters.map(\.shape) }

    public func flatten(_ tensors: [Tensor]) -> [Double] {
        precondition(
            tensors.map(\.shape) == shapes,
            "ParameterLayout.flatten: shapes \(tensors.map(\.shape)) differ from \(shapes)")
        return tensors.flatMap(\.scalars)
    }

    public func unflatten(_ vector: [Double], dtype: DType = .float64) -> [Tensor] {
        precondition(vector.count == count, "ParameterLayout.unflatten: \(vector.count) values for \(count) parameters")
        var offset = 0
        return shapes.map { shape in
            let n = shape.reduce(1, *)
            defer { offset += n }
            return Tensor(shape: shape, scalars: Array(vector[offset..<(offset + n)]), dtype: dtype)
        }
    }
}

/// Dense vector helpers for the solvers.
@inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
    var total = 0.0
    for i in a.indices { total += a[i] * b[i] }
    return total
}

@inline(__always) func axpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    for i in y.indices { y[i] += alpha * x[i] }
}

func norm(_ a: [Double]) -> Double { dot(a, a).squareRoot() }
