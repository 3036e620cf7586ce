import Foundation
import Influence

/// The options every `weasel influence` subcommand shares: the model and data, how the inverse
/// Hessian is applied, and over which parameters.
let influenceSetupOptions: [OptionSpec] = [
    .value("model", placeholder: "FILE", help: "trained model written by `weasel train --out`"),
    .value("data", placeholder: "DIR", help: "the dataset it was trained on"),
    .choice(
        "solver", of: InverseHVPSolver.Kind.self,
        help: "inverse-HVP solver (default: exact for relative methods, else cg)"),
    dampingOption,
    .choice(
        "hessian", of: HessianKind.self,
        help:
            "the curvature: Gauss–Newton (PSD; the default for networks) or exact (the default for logistic regression)"
    ),
    .value(
        "iterations", placeholder: "N",
        help: "cg / lissa: run N iterations (LiSSA's recursion depth) and accept the result whatever its residual"),
    .flag("last-layer", help: "influence over the output layer's parameters only"),
    .choice(
        "surrogate", of: IdentitySurrogate.Loss.self,
        help: "how the identity surrogate of a Dawid–Skene or Snorkel model is fitted (squared: the paper's Eq. 15)",
        default: .squared),
    quietOption,
]

/// The dataset of `--data` and the training objective of `--model` on it, checked against each other.
func loadInfluenceSetup(_ arguments: ParsedArguments) throws -> (InfluenceSetup, WeakDataset) {
    let path = try arguments.required("model", as: String.self)
    if !arguments.flag("quiet") { StatusLine.shared.enable() }  // shows the solver's iterations
    let file = try TrainedModelFile.load(from: URL(fileURLWithPath: path))
    let dataset = try loadDataset(arguments)
    let setup = try InfluenceSetup(
        file: file, dataset: dataset, selection: arguments.flag("last-layer") ? .lastLayer : .all,
        curvature: try arguments.value("hessian", as: HessianKind.self),
        surrogate: try arguments.required("surrogate", as: IdentitySurrogate.Loss.self), path: path)
    return (setup, dataset)
}

/// `--damping auto|λ`.
let dampingOption = OptionSpec.value(
    "damping", placeholder: "auto|λ",
    help: "λ added to the curvature's diagonal; auto: 1% of the mean curvature, ×10 until the solve succeeds",
    default: "auto")

/// `--solver`, or the method's default solver when it is absent; with `--iterations`, a fixed
/// iteration count whose result is accepted even above the solver's tolerance.
func solver(_ arguments: ParsedArguments, for method: InfluenceMethod = .influence) throws -> InverseHVPSolver {
    let kind = try arguments.value("solver", as: InverseHVPSolver.Kind.self) ?? method.defaultSolver
    guard
        let iterations = try arguments.value(
            "iterations", as: Int.self, where: { $0 >= 1 }, expected: "a positive integer")
    else { return kind.solver }
    switch kind {
    case .conjugateGradient: return .conjugateGradient(maxIterations: iterations, fixedIterations: true)
    case .lissa: return .lissa(depth: iterations, fixedIterations: true)
    case .exact: throw CLIError.usage("--iterations applies to --solver cg and lissa, not exact")
    }
}

func damping(_ arguments: ParsedArguments) throws -> Damping {
    try arguments.required("damping", as: Damping.self)
}

/// `--method`, for the subcommands that score with one influence method.
let influenceMethodOption = OptionSpec.choice(
    "method", of: InfluenceMethod.self,
    help: "ordinary IF, RelatIF, or source-aware reweighting / weight-moving (r- = relative)", default: .reweighting)

/// `--top K`: rows per table.
let topOption = OptionSpec.value("top", placeholder: "K", help: "rows per table", default: "10")

func top(_ arguments: ParsedArguments) throws -> Int {
    try arguments.required("top", as: Int.self, where: { $0 >= 0 }, expected: "a non-negative integer")
}
