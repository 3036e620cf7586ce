/// The influence scores `weasel influence` computes (DESIGN §5).
public enum InfluenceMethod: String, CaseIterable, Sendable {
    /// Ordinary influence of each training row (Koh & Liang 2017).
    case influence = "if"
    /// RelatIF (Barshan et al. 2020): ordinary influence over the square root of self-influence.
    case relativeInfluence = "relatif"
    /// Source-aware reweighting: remove one (row, LF, class) term of the loss (Zhang et al. 2022).
    case reweighting = "rw"
    /// Source-aware weight-moving: move an LF's weight out of a row's label and renormalize.
    case weightMoving = "wm"
    /// The relative versions of RW and WM: each term's score over its self-influence.
    case relativeReweighting = "r-rw"
    case relativeWeightMoving = "r-wm"

    /// Scores (row, source, class) terms, and so LFs and votes, not only rows.
    public var isSourceAware: Bool { sourceAwareMethod != nil }

    /// The source-aware variant behind this method.
    public var sourceAwareMethod: SourceAwareScores.Method? {
        switch self {
        case .influence, .relativeInfluence: return nil
        case .reweighting, .relativeReweighting: return .reweighting
        case .weightMoving, .relativeWeightMoving: return .weightMoving
        }
    }

    /// Divides by self-influence (RelatIF-style).
    public var isRelative: Bool { [.relativeInfluence, .relativeReweighting, .relativeWeightMoving].contains(self) }

    /// Self-influence of every row needs one dense factorization: only the exact solver gives it.
    public var needsExactSolver: Bool { isRelative }

    /// The solver used when none is asked for.
    public var defaultSolver: InverseHVPSolver.Kind { needsExactSolver ? .exact : .conjugateGradient }
}
