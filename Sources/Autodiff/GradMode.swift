/// Whether ops record graph nodes. On by default; off inside `withoutGradients` and during a
/// backward pass that does not create a graph. Task-local, so parallel tests and threads
/// do not see each other's mode.
public enum GradMode {
    @TaskLocal package static var isEnabled = true
}

/// Runs `body` without recording any graph (evaluation, optimizer updates, metrics).
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(false, operation: body)
}

/// Runs `body` with graph recording switched on, even inside `withoutGradients` (double backward,
/// Hessian-vector products and projections that build graphs inside no-grad callers).
public func withGradients<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.$isEnabled.withValue(true, operation: body)
}
