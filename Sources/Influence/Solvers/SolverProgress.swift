import Foundation

/// Where an iterative solve reports how it is going, so a command can show it while it runs
/// (nothing is reported while no observer is set).
public enum SolverProgress {
    /// Called after each conjugate-gradient iteration with the iteration, the iteration limit and
    /// the relative residual `‖(H + λI)x − v‖ / ‖v‖` so far.
    public typealias Observer = @Sendable (_ iteration: Int, _ limit: Int, _ residual: Double) -> Void

    private static let lock = NSLock()
    nonisolated(unsafe) private static var current: Observer?

    public static var observer: Observer? {
        get { lock.withLock { current } }
        set { lock.withLock { current = newValue } }
    }
}
