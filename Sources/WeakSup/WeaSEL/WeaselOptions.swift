import Autodiff

/// Every choice in WeaSEL (Cachay, Boecking & Dubrawski, NeurIPS 2021), with the paper's and the
/// official code's defaults as presets and the paper's ablations as switches.
public struct WeaselOptions: Sendable, Equatable, Codable {
    public enum Preset: String, Sendable, CaseIterable, Codable {
        /// The paper's text: encoder on features + one-hot votes, θ ∈ ℝ^m, τ₁ = 1, τ₂ = √m, no prior,
        /// both networks stepped on the same batch.
        case paper
        /// autonlab/weasel's defaults: raw votes next to the features, class-conditional θ ∈ ℝ^{m×C}
        /// (softmax over LFs per class), τ₁ = 1/2, τ₂ = √m·C, log class prior added, all-abstain rows
        /// masked, encoder stepped first and the end model's target recomputed with it.
        case official
        /// The official code's settings trained on Max-MIG's mutual-information gain instead of the
        /// symmetric cross-entropy. The symmetric cross-entropy lets the encoder and the end model agree
        /// on a trivial labeling — with few, unipolar LFs per class it collapses (4 classes, 2 LFs
        /// each: test accuracy 0.77 vs majority vote's 0.97; 6 classes: 0.61 vs 0.93), and sharper θ
        /// (τ₁ = 1) makes it worse; MIG's second term penalizes that agreement (0.96 and 0.96). But
        /// MIG fails where the symmetric objective shines — one good LF among 50 copies of a coin flip
        /// (AUC 0.47 vs 0.91) — so tuning chooses between the two objectives on validation.
        case mig
    }

    public enum EncoderInput: String, Sendable, Codable, CaseIterable {
        case featuresAndOneHotVotes = "features+onehot"
        case featuresAndRawVotes = "features+raw"
        /// Ablation: the encoder sees the votes only.
        case oneHotVotes = "onehot"
    }

    public enum AccuracyFunction: String, Sendable, Codable, CaseIterable {
        /// `τ₂ · softmax(τ₁ · e)` over the LFs.
        case scaledSoftmax = "softmax"
        /// `τ₂ · softmax(τ₁ · e)` over the LFs that voted on the row (abstainers get θ ≈ 0). Over
        /// all m LFs, most of θ's mass on a row with few votes sits on abstainers, whose θ multiplies
        /// nothing, so the soft labels start near the prior and the symmetric cross-entropy lets both
        /// networks stay there; leaving abstainers out removes that route (README, "Multi-class data").
        case scaledSoftmaxOverVoters = "softmax-voters"
        /// Ablations: `σ(e)`, `max(e, 0)`, `tanh(e)` per LF, unscaled.
        case sigmoid, relu, tanh
    }

    public enum AccuracyScale: String, Sendable, Codable, CaseIterable {
        case one = "1"
        case sqrtLFs = "sqrt-m"
        case lfs = "m"
        case sqrtLFsTimesClasses = "sqrt-m-c"

        func value(lfCount m: Int, classCount c: Int) -> Double {
            switch self {
            case .one: return 1
            case .sqrtLFs: return Double(m).squareRoot()
            case .lfs: return Double(m)
            case .sqrtLFsTimesClasses: return Double(m).squareRoot() * Double(c)
            }
        }
    }

    public enum Objective: String, Sendable, Codable, CaseIterable {
        /// `CE(f, sg(y_e)) + CE(y_e, sg(f))`, each network updated on its own term.
        case symmetricCE = "symmetric-ce"
        /// The same two terms without stop-gradient: both networks get both terms' gradients.
        case symmetricCENoStopGrad = "symmetric-ce-no-stopgrad"
        /// Only `CE(f, y_e)`, with gradients into both networks.
        case oneSidedCE = "one-sided-ce"
        /// Symmetric L1 between the distributions, with stop-gradient on each target.
        case l1
        /// Symmetric squared Hellinger distance, with stop-gradient on each target.
        case squaredHellinger = "hellinger"
        /// Max-MIG's mutual-information gain (Cao et al. 2019), maximized by both networks.
        case mig
    }

    public var encoderHiddenSizes = [70, 70]
    public var encoderDropout = 0.3
    public var encoderBatchNorm = true
    /// Ablation: a single linear layer as encoder.
    public var linearEncoder = false
    public var encoderInput = EncoderInput.featuresAndOneHotVotes
    public var accuracyFunction = AccuracyFunction.scaledSoftmax
    /// τ₁, multiplying the encoder's scores before the softmax.
    public var inverseTemperature = 1.0
    /// τ₂.
    public var accuracyScale = AccuracyScale.sqrtLFs
    public var classConditional = false
    /// Add `log P(y)` to the aggregated scores (uniform unless `classBalance` is given).
    public var addClassPrior = false
    public var classBalance: [Double]?
    public var objective = Objective.symmetricCE
    /// Step the encoder first, then train the end model towards the updated encoder's labels.
    public var encoderFirst = false
    public var encoderLearningRate = 1e-4
    public var encoderWeightDecay = 7e-7

    public init() {}

    public init(preset: Preset) {
        self.init()
        if preset != .paper {
            encoderInput = .featuresAndRawVotes
            classConditional = true
            inverseTemperature = 0.5
            accuracyScale = .sqrtLFsTimesClasses
            addClassPrior = true
            encoderFirst = true
        }
        if preset == .mig { objective = .mig }
    }

    /// The default: the official code's settings (tuning then also tries the `mig` objective).
    public static let `default` = WeaselOptions(preset: .official)
}
