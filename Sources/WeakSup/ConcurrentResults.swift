import Foundation

/// Results written from concurrent work, each to its own slot.
final class ConcurrentResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Swift.Result<Value, Error>?]
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Swift.Result<Value, Error>) { lock.withLock { slots[index] = value } }
    var values: [Swift.Result<Value, Error>?] { lock.withLock { slots } }
    /// Slot `index`'s result, leaving the slot empty: the caller then holds the only reference to
    /// its arrays, so growing them does not copy them first.
    func take(_ index: Int) -> Swift.Result<Value, Error>? {
        lock.withLock {
            defer { slots[index] = nil }
            return slots[index]
        }
    }
}
