import Autodiff

/// Float32 values appended row by row, in memory a tensor can share without a copy: the feature
/// matrix is the largest array a loader builds, and copying it into the tensor at the end doubled
/// the load's peak memory. A value type (copy on write), like `Array`, and as safe to send: a copy
/// never writes to memory another copy can see.
struct FloatColumn: @unchecked Sendable {
    /// The memory; freed when the last column or tensor sharing it is gone.
    private final class Buffer {
        var pointer: UnsafeMutablePointer<Float>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = max(capacity, 16)
            // Large columns get 2 MB-aligned huge pages, as tensors do (fewer faults, fewer TLB misses).
            pointer = Storage.fresh(self.capacity * 4).bindMemory(to: Float.self, capacity: self.capacity)
        }

        deinit { UnsafeMutableRawPointer(pointer).deallocate() }
    }

    private var buffer = Buffer(capacity: 0)
    private(set) var count = 0

    /// Makes the buffer this column's own with room for `needed` values.
    private mutating func prepare(toHold needed: Int) {
        let unique = isKnownUniquelyReferenced(&buffer)
        guard !unique || needed > buffer.capacity else { return }
        let grown = Buffer(capacity: unique ? Swift.max(needed, 2 * buffer.capacity) : Swift.max(needed, count))
        grown.pointer.initialize(from: buffer.pointer, count: count)
        buffer = grown
    }

    mutating func reserveCapacity(_ capacity: Int) { prepare(toHold: Swift.max(capacity, count)) }

    mutating func append(_ value: Float) {
        prepare(toHold: count + 1)
        buffer.pointer[count] = value
        count += 1
    }

    mutating func append(contentsOf values: UnsafeBufferPointer<Float>) {
        prepare(toHold: count + values.count)
        (buffer.pointer + count).initialize(from: values.baseAddress!, count: values.count)
        count += values.count
    }

    mutating func removeLast(_ k: Int) {
        precondition(k >= 0 && k <= count, "FloatColumn: cannot remove \(k) of \(count) values")
        count -= k
    }

    static func += (column: inout FloatColumn, other: FloatColumn) {
        other.withUnsafeBufferPointer { column.append(contentsOf: $0) }
    }

    func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: buffer.pointer, count: count))
    }

    /// The values as a tensor of `shape`, sharing this column's memory (a later append to the
    /// column copies it first, as for any shared buffer).
    func tensor(shape: [Int]) -> Tensor {
        precondition(shape.reduce(1, *) == count, "FloatColumn: shape \(shape) for \(count) values")
        return Tensor(
            shape: shape,
            storage: Storage(
                count: count, dtype: .float32, sharing: UnsafeMutableRawPointer(buffer.pointer), owner: buffer))
    }
}
