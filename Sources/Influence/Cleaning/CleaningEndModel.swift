/// The end model of the label-cleaning loop.
public enum CleaningEndModel: String, CaseIterable, Sendable {
    /// The MLP 50-50-25 of the other commands, retrained from its current weights each round (`runCleaning`).
    case mlp
    /// L2-regularised logistic regression, with CHEF's Increm-INFL and DeltaGrad-L fast paths (`runFastCleaning`).
    case logisticRegression = "logreg"
}
