import Influence

/// A type an option's text can be read as.
protocol ArgumentValue {
    init?(argument: String)
    /// The value as it is written on the command line.
    var argument: String { get }
    /// What a usage error says was expected.
    static var expectation: String { get }
}

/// Every `String`-backed enum reads its raw value; its cases are the choices.
extension ArgumentValue where Self: RawRepresentable & CaseIterable, RawValue == String {
    init?(argument: String) { self.init(rawValue: argument) }
    var argument: String { rawValue }
    static var expectation: String { "one of " + allCases.map(\.rawValue).joined(separator: ", ") }
}

extension String: ArgumentValue {
    init?(argument: String) { self = argument }
    var argument: String { self }
    static var expectation: String { "a value" }
}

extension Int: ArgumentValue {
    init?(argument: String) { self.init(argument) }
    var argument: String { String(self) }
    static var expectation: String { "an integer" }
}

/// Seeds: non-negative integers.
extension UInt64: ArgumentValue {
    init?(argument: String) { self.init(argument) }
    var argument: String { String(self) }
    static var expectation: String { "a non-negative integer" }
}

/// Finite numbers only.
extension Double: ArgumentValue {
    init?(argument: String) {
        guard let value = Double(argument), value.isFinite else { return nil }
        self = value
    }
    var argument: String { "\(self)" }
    static var expectation: String { "a finite number" }
}

extension TargetSelection: ArgumentValue {
    init?(argument: String) { self.init(argument) }
    var argument: String { description }
    static var expectation: String { "valid, test or comma-separated test ids" }
}

/// `auto` or a finite λ ≥ 0.
extension Damping: ArgumentValue {
    init?(argument: String) {
        if argument == "auto" {
            self = .automatic
            return
        }
        guard let value = Double(argument), value.isFinite, value >= 0 else { return nil }
        self = .fixed(value)
    }
    var argument: String {
        switch self {
        case .automatic: return "auto"
        case .fixed(let value): return "\(value)"
        }
    }
    static var expectation: String { "'auto' or a non-negative number" }
}

extension DType: ArgumentValue {}
extension HessianKind: ArgumentValue {}
extension NoisyFit: ArgumentValue {}
extension IdentitySurrogate.Loss: ArgumentValue {}
extension WeakDataset.Split: ArgumentValue {}
extension TrainingMethod: ArgumentValue {}
extension LabelModelKind: ArgumentValue {}
extension EndModelSpec.Kind: ArgumentValue {}
extension WeaselOptions.Preset: ArgumentValue {}
extension WeaselOptions.EncoderInput: ArgumentValue {}
extension WeaselOptions.AccuracyFunction: ArgumentValue {}
extension WeaselOptions.AccuracyScale: ArgumentValue {}
extension WeaselOptions.Objective: ArgumentValue {}
extension InfluenceMethod: ArgumentValue {}
extension InverseHVPSolver.Kind: ArgumentValue {}
extension GradientSimilarity: ArgumentValue {}
extension GroupKind: ArgumentValue {}
extension LFRemoval: ArgumentValue {}
extension EffectEstimator: ArgumentValue {}
extension RobustnessMode: ArgumentValue {}
extension CleaningEndModel: ArgumentValue {}

/// `on` or `off`, for switches whose default depends on other options.
enum Switch: String, CaseIterable, ArgumentValue {
    case on, off
    var isOn: Bool { self == .on }
}
