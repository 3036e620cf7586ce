import Autodiff
import Testing

@Suite("Buffer pool")
struct BufferPoolTests {
    @Test("a freed buffer is reused for the next allocation of its size; a full pool starts over")
    func reuseAndCapacity() {
        let size = 100_000
        let pool = BufferPool(capacity: 2 * size)
        #expect(pool.reuse(byteCount: size) == nil)
        let first = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        pool.release(first, byteCount: size)
        #expect(pool.heldBytes == size)
        #expect(pool.reuse(byteCount: size + 4) == nil)  // another size is never served from it
        #expect(pool.reuse(byteCount: size) == first)
        #expect(pool.heldBytes == 0)
        let others = (0..<3).map { _ in UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64) }
        for buffer in [first] + others { pool.release(buffer, byteCount: size) }
        // The third release overflowed: the two kept were given back, then the last two kept.
        #expect(pool.heldBytes == 2 * size)
        #expect(pool.reuse(byteCount: size) == others[2])  // the last one kept comes first
        #expect(pool.reuse(byteCount: size) == others[1])
        #expect(pool.reuse(byteCount: size) == nil)
        for buffer in others[1...] { buffer.deallocate() }
    }

    @Test("storage over a reused buffer: zeros are zeros, and operations write every element")
    func reusedStorageIsClean() {
        let count = 40_000  // 160 KB of Float: a pooled size
        #expect(BufferPool.pools(count * 4))
        for _ in 0..<3 {
            let dirty = Tensor.ones([count], dtype: .float32) * 7
            #expect(dirty.scalars.allSatisfy { $0 == 7 })
        }
        #expect(Tensor.zeros([count], dtype: .float32).scalars.allSatisfy { $0 == 0 })
        let x = Tensor.ones([200, 200], dtype: .float32)
        #expect(x.matmul(x).scalars.allSatisfy { $0 == 200 })
    }
}
