import Foundation

/// The two element types a `Tensor` can hold. Kernels are generic over this protocol and
/// specialized by the optimizer, so an op costs one `switch` on the dtype, not one per element.
package protocol TensorScalar: BinaryFloatingPoint, Sendable {
    static var dtype: DType { get }
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
    static func sqrt(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func log1p(_ x: Self) -> Self
}

extension Float: TensorScalar {
    package static var dtype: DType { .float32 }
    @inline(__always) package static func exp(_ x: Float) -> Float { Foundation.expf(x) }
    @inline(__always) package static func log(_ x: Float) -> Float { Foundation.logf(x) }
    @inline(__always) package static func tanh(_ x: Float) -> Float { Foundation.tanhf(x) }
    @inline(__always) package static func sqrt(_ x: Float) -> Float { x.squareRoot() }
    @inline(__always) package static func pow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
    @inline(__always) package static func log1p(_ x: Float) -> Float { Foundation.log1pf(x) }
}

extension Double: TensorScalar {
    package static var dtype: DType { .float64 }
    @inline(__always) package static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inline(__always) package static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) package static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inline(__always) package static func sqrt(_ x: Double) -> Double { x.squareRoot() }
    @inline(__always) package static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    @inline(__always) package static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
}
