@testable import Autodiff

extension Tensor {
    /// Overwrites values in place (tests only: perturbing parameters for finite differences).
    public func assignForTesting(_ values: [Double]) { assign(scalars: values) }
}
