import Synchronization

/// Freed tensor buffers of 4 KB … 16 MB, kept for the next allocation of the same size.
///
/// Training and influence code allocate the same shapes again and again (a minibatch's
/// activations, a layer's gradient, an LSTM's gate buffer). From 128 KB on, glibc maps each such
/// buffer fresh (`mmap`), the kernel faults and zeroes it page by page and unmaps it on free: 16% of
/// a Hessian-vector product was spent in the kernel. Below that, malloc's splitting and coalescing
/// of free chunks is a few percent of a WeaSEL epoch at batch 64. A buffer of exactly the size asked for,
/// taken from a per-size list, skips both. Contents of a reused buffer are stale; every kernel
/// writes all of its output (as with `malloc`), and `Storage(zeros:)` clears its own.
///
/// At most `capacity` bytes are kept. A buffer freed when the pool is full first gives every kept
/// buffer back to the system: a full pool means the shapes in use changed (one training ended,
/// another with other sizes began), and the old sizes would otherwise hold the room for good.
/// Tiny buffers (scalars, a row of logits) and large ones (a whole dataset's features, a
/// per-sample gradient matrix: rarely freed and reallocated) bypass it.
package final class BufferPool: Sendable {
    /// The pool every `Storage` uses: up to 64 MB.
    package static let shared = BufferPool(capacity: 64 << 20)

    static let smallest = 4 << 10
    static let largest = 16 << 20

    package let capacity: Int

    /// A buffer owned by the pool; the lock makes handing it between threads safe.
    private struct Buffer: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private struct State: ~Copyable {
        var free: [Int: [Buffer]] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())

    package init(capacity: Int) { self.capacity = capacity }

    /// Whether buffers of `byteCount` bytes go through the pool.
    package static func pools(_ byteCount: Int) -> Bool { byteCount >= smallest && byteCount < largest }

    /// A kept buffer of `byteCount` bytes, or nil (then the caller allocates a new one).
    package func reuse(byteCount: Int) -> UnsafeMutableRawPointer? {
        state.withLock { state -> Buffer? in
            guard let buffer = state.free[byteCount]?.popLast() else { return nil }
            state.bytes -= byteCount
            return buffer
        }?.pointer
    }

    /// Takes back a buffer of `byteCount` bytes; when it does not fit, the kept ones are freed
    /// first (and a buffer larger than the whole capacity is freed at once).
    package func release(_ buffer: UnsafeMutableRawPointer, byteCount: Int) {
        guard byteCount <= capacity else { return buffer.deallocate() }
        let returned = Buffer(pointer: buffer)
        let evicted = state.withLock { state -> [Buffer] in
            var evicted: [Buffer] = []
            if state.bytes + byteCount > capacity {
                evicted = state.free.values.flatMap { $0 }
                state.free.removeAll()
                state.bytes = 0
            }
            state.free[byteCount, default: []].append(returned)
            state.bytes += byteCount
            return evicted
        }
        for old in evicted { old.pointer.deallocate() }
    }

    /// Bytes kept for reuse.
    package var heldBytes: Int { state.withLock { $0.bytes } }

    deinit {
        state.withLock { state in
            for buffers in state.free.values { for buffer in buffers { buffer.pointer.deallocate() } }
        }
    }
}
