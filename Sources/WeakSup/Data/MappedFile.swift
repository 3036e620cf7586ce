import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A file's bytes, memory-mapped read-only, so loaders parse it in place (no copy into the heap).
/// Pages already parsed can be given back with `release(_:)`, which keeps the resident memory of a
/// one-pass parse near the size of its output rather than the size of the file.
final class MappedFile: @unchecked Sendable {
    let path: String
    let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw DataError(file: path, "cannot be read (\(String(cString: strerror(errno))))")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw DataError(file: path, "cannot be read (fstat failed)") }
        guard status.st_mode & S_IFMT != S_IFDIR else { throw DataError(file: path, "is a directory, not a file") }
        let size = Int(status.st_size)
        guard size > 0 else {
            mapping = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw DataError(file: path, "cannot be read (mmap failed: \(String(cString: strerror(errno))))")
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        mapping = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit { if let mapping { munmap(mapping, bytes.count) } }

    /// Gives the whole pages inside `range` back to the OS (they are read again from the file if touched).
    func release(_ range: Range<Int>) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (range.lowerBound + page - 1) / page * page
        let end = range.upperBound / page * page
        if end > start { _ = madvise(mapping + start, end - start, MADV_DONTNEED) }
    }

    /// Throws unless the bytes are UTF-8 (checked 8 bytes at a time while they are ASCII). Pages
    /// checked are given back as it goes, so the check never holds the whole file in memory (the
    /// parse reads them again from the page cache).
    func checkUTF8(from start: Int) throws {
        var i = start
        let count = bytes.count
        var ascii = true
        var released = 0
        while i + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 {
                ascii = false
                break
            }
            i += 8
            if i - released >= 16 << 20 {
                release(released..<i)
                released = i
            }
        }
        while ascii && i < count {
            if bytes[i] >= 0x80 { ascii = false }
            i += 1
        }
        guard !ascii else { return }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[start...])
        if String(validating: rest.bindMemory(to: UInt8.self), as: UTF8.self) == nil {
            throw DataError(file: path, record: "line \(lineOfFirstInvalidUTF8(Data(rest)))", "is not valid UTF-8 text")
        }
    }

    /// Whether `byte` occurs in `bytes[range]`. Like `checkUTF8`, gives back the pages it read.
    func contains(_ byte: UInt8, in range: Range<Int>) -> Bool {
        var start = range.lowerBound
        while start < range.upperBound {
            let end = min(start + (16 << 20), range.upperBound)
            if memchr(bytes.baseAddress! + start, Int32(byte), end - start) != nil { return true }
            release(start..<end)
            start = end
        }
        return false
    }

    /// The offset just after the first newline at or after `offset` (or the end).
    func lineStart(after offset: Int) -> Int {
        guard offset < bytes.count,
            let found = memchr(bytes.baseAddress! + offset, 0x0A, bytes.count - offset)
        else { return bytes.count }
        return bytes.baseAddress!.distance(to: UnsafeRawPointer(found)) + 1
    }

    /// The number of newlines in `bytes[range]`.
    func newlines(in range: Range<Int>) -> Int {
        var count = 0
        var position = range.lowerBound
        while position < range.upperBound,
            let found = memchr(bytes.baseAddress! + position, 0x0A, range.upperBound - position)
        {
            count += 1
            position = bytes.baseAddress!.distance(to: UnsafeRawPointer(found)) + 1
        }
        return count
    }
}
