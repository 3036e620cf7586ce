#if canImport(Glibc)
    import Glibc
#endif

/// A contiguous, row-major buffer of `count` elements of one dtype.
///
/// Storage is shared between a tensor and its reshapes / stop-gradient views, and is written
/// in place only by optimizers (through `package` API) once no graph refers to the old values.
package final class Storage {
    package let count: Int
    package let dtype: DType
    package let raw: UnsafeMutableRawPointer
    /// What owns `raw` when this storage only shares it (nil: the storage owns it).
    private let owner: AnyObject?

    /// Allocates uninitialized storage; every kernel writes all of its output.
    package init(count: Int, dtype: DType) {
        precondition(count >= 0, "Storage count must be non-negative, got \(count)")
        self.count = count
        self.dtype = dtype
        let byteCount = max(count, 1) * dtype.byteCount
        // Buffers between 4 KB and 16 MB are reused from `BufferPool` when one of that size was
        // freed; that saves malloc's bookkeeping and the kernel's page faults.
        raw =
            (BufferPool.pools(byteCount) ? BufferPool.shared.reuse(byteCount: byteCount) : nil) ?? Self.fresh(byteCount)
        owner = nil
        switch dtype {
        case .float32: raw.bindMemory(to: Float.self, capacity: max(count, 1))
        case .float64: raw.bindMemory(to: Double.self, capacity: max(count, 1))
        }
    }

    /// Storage over `count` elements at `raw`, memory that `owner` keeps alive and frees: a
    /// loader's feature column becomes a tensor without a copy (for a million rows, a copy doubled
    /// the load's peak memory). Nothing may write to the memory through `owner` afterwards.
    package init(count: Int, dtype: DType, sharing raw: UnsafeMutableRawPointer, owner: AnyObject) {
        self.count = count
        self.dtype = dtype
        self.raw = raw
        self.owner = owner
        switch dtype {
        case .float32: raw.bindMemory(to: Float.self, capacity: max(count, 1))
        case .float64: raw.bindMemory(to: Double.self, capacity: max(count, 1))
        }
    }

    private static let hugePageSize = 2 << 20
    private static let hugePageThreshold = 4 << 20

    /// New memory. Buffers of several MB (per-sample gradient matrices, a million rows of
    /// features) are aligned to 2 MB and backed by huge pages where the kernel allows it
    /// (`MADV_HUGEPAGE`): first touch then faults 512 times less often.
    package static func fresh(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let huge = byteCount >= hugePageThreshold
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: huge ? hugePageSize : 64)
        if huge { _ = madvise(raw, byteCount / hugePageSize * hugePageSize, MADV_HUGEPAGE) }
        return raw
    }

    /// Allocates storage filled with zeros.
    package convenience init(zeros count: Int, dtype: DType) {
        self.init(count: count, dtype: dtype)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1) * dtype.byteCount)
    }

    deinit {
        guard owner == nil else { return }
        let byteCount = max(count, 1) * dtype.byteCount
        if BufferPool.pools(byteCount) {
            BufferPool.shared.release(raw, byteCount: byteCount)
        } else {
            raw.deallocate()
        }
    }

    /// Typed pointer; the caller must pass the storage's own element type.
    @inline(__always)
    package func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        raw.assumingMemoryBound(to: T.self)
    }

    /// Typed buffer view.
    @inline(__always)
    package func buffer<T: TensorScalar>(_: T.Type) -> UnsafeMutableBufferPointer<T> {
        UnsafeMutableBufferPointer(start: pointer(T.self), count: count)
    }

    /// The values converted to Double (for inspection, tests and serialization).
    package func doubles() -> [Double] {
        switch dtype {
        case .float32: return buffer(Float.self).map(Double.init)
        case .float64: return Array(buffer(Double.self))
        }
    }

    /// A copy of this storage.
    package func copy() -> Storage {
        let result = Storage(count: count, dtype: dtype)
        result.raw.copyMemory(from: raw, byteCount: count * dtype.byteCount)
        return result
    }
}
