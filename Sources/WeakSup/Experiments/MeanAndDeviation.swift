/// The mean and sample standard deviation of a metric over seeds (the deviation is 0 for a single
/// value), as the WeaSEL paper's tables report them.
public struct MeanAndDeviation: Sendable, Equatable {
    public var mean: Double
    public var standardDeviation: Double

    public init(_ values: [Double]) {
        let mean = values.reduce(0, +) / Double(max(values.count, 1))
        let squares = values.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        self.mean = mean
        standardDeviation = values.count > 1 ? (squares / Double(values.count - 1)).squareRoot() : 0
    }
}
