/// The label models of the two-stage pipelines, as the CLI and model files spell them.
public enum LabelModelKind: String, CaseIterable, Codable, Sendable {
    case majority
    case dawidSkene = "dawid-skene"
    case snorkel

    /// The fewest LFs the model is fitted on. Snorkel's matrix completion recovers each LF's
    /// accuracies from the agreements of the *other* LFs (its own block is masked), which needs
    /// three: with two, one agreement rate fits any pair of accuracies (Snorkel refuses too).
    public var minimumLFCount: Int { self == .snorkel ? 3 : 1 }

    /// A fresh, unfitted model of this kind.
    /// - Parameters:
    ///   - seed: Snorkel's initialization seed (the other models are deterministic).
    ///   - warning: receives a line when the fit has to deviate from its settings (Snorkel falling
    ///     back to a smaller learning rate).
    ///   - classBalance: a known class balance (Snorkel's and Dawid–Skene's prior; majority vote has none).
    public func make(seed: UInt64 = 0, classBalance: [Double]? = nil, warning: (@Sendable (String) -> Void)? = nil)
        -> LabelModel
    {
        switch self {
        case .majority: return MajorityVote()
        case .dawidSkene:
            let model = DawidSkene()
            model.classBalance = classBalance
            return model
        case .snorkel:
            let model = SnorkelLabelModel(seed: seed, classBalance: classBalance)
            model.warning = warning
            return model
        }
    }
}
