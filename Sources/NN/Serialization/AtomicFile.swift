import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why an output file could not be written. Nothing is lost when one of these is thrown: an
/// existing file at the path is left as it was and no temporary file remains.
public enum OutputFileError: Error, CustomStringConvertible, Equatable {
    /// The path is the empty string.
    case emptyPath
    /// The path names a directory (or ends in `/`), not a file.
    case isDirectory(path: String)
    /// The directory the file would go in does not exist.
    case missingDirectory(path: String, directory: String)
    /// The operating system refused a step (create, write, flush to disk, rename), with its reason.
    case writeFailed(path: String, step: String, reason: String)
    /// A value to be written is NaN or infinite (JSON cannot hold it, and it would be a wrong number).
    case nonFiniteValue(path: String, field: String)

    public var description: String {
        switch self {
        case .emptyPath: return "the output path is empty"
        case .isDirectory(let path): return "output \(path) is a directory, not a file"
        case .missingDirectory(let path, let directory):
            return "output \(path): the directory '\(directory)' does not exist"
        case .writeFailed(let path, let step, let reason):
            return
                "output \(path) could not be written (\(step) failed: \(reason)); any existing file there is unchanged"
        case .nonFiniteValue(let path, let field):
            return "output \(path) was not written: '\(field)' is not a finite number"
        }
    }
}

/// Checks that `path` can name an output file — not empty, not a directory, in a directory that
/// exists — before any work is done (commands call this when they parse `--out`).
/// - Returns: the file that will be replaced: `path`, or the target of a symbolic link at `path`.
@discardableResult
public func checkOutputPath(_ path: String) throws -> String {
    guard !path.isEmpty else { throw OutputFileError.emptyPath }
    var isDirectory: ObjCBool = false
    if path.hasSuffix("/")
        || (FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)
    {
        throw OutputFileError.isDirectory(path: path)
    }
    let target =
        (try? FileManager.default.destinationOfSymbolicLink(atPath: path)).map { link in
            link.hasPrefix("/")
                ? link : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(link)
        } ?? path
    let directory = (target as NSString).deletingLastPathComponent
    guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory, isDirectory: &isDirectory),
        isDirectory.boolValue
    else { throw OutputFileError.missingDirectory(path: path, directory: directory) }
    return target
}

/// Writes `data` to `path` so that the file is either the old one or the complete new one, never
/// a mix or nothing: the bytes go to a temporary file in the same directory, are flushed to disk
/// (`fsync`), and the temporary file is renamed over the target (`rename(2)` is atomic). A
/// symbolic link at `path` is followed (its target is replaced); an existing file keeps its
/// permissions. On any failure the temporary file is removed and the old file is untouched; a
/// temporary file that a killed process left beside the same target is removed on the next write.
public func writeAtomically(_ data: Data, toPath path: String) throws {
    try writeAtomically(toPath: path) { write in try data.withUnsafeBytes { try write($0) } }
}

/// `writeAtomically(_:toPath:)` for output produced in pieces: `produce` hands each piece to
/// `write`, so a large file is streamed to the temporary file instead of built in memory first.
public func writeAtomically(
    toPath path: String, _ produce: (_ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Void
) throws {
    let target = try checkOutputPath(path)
    let directory = (target as NSString).deletingLastPathComponent
    let name = (target as NSString).lastPathComponent
    removeStaleTemporaryFiles(directory: directory, name: name)
    let temporary =
        (directory.isEmpty ? "" : directory + "/") + ".\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    func failure(_ step: String) -> OutputFileError {
        OutputFileError.writeFailed(path: path, step: step, reason: String(cString: strerror(errno)))
    }
    var existing = stat()
    let mode = stat(target, &existing) == 0 ? existing.st_mode & 0o7777 : 0o666
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
    guard descriptor >= 0 else { throw failure("creating a temporary file") }
    var closed = false
    defer { if !closed { close(descriptor) } }
    do {
        try produce { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure("write") }
                offset += written
            }
        }
        if existing.st_mode != 0 { _ = fchmod(descriptor, mode_t(mode)) }
        guard fsync(descriptor) == 0 else { throw failure("flushing to disk") }
        closed = true
        guard close(descriptor) == 0 else { throw failure("close") }
        guard rename(temporary, target) == 0 else { throw failure("rename") }
    } catch {
        unlink(temporary)
        throw error
    }
    // Make the rename itself durable (best effort: not every file system supports it).
    let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
    if directoryDescriptor >= 0 {
        _ = fsync(directoryDescriptor)
        close(directoryDescriptor)
    }
}

/// Removes the temporary files `.NAME.PID.RANDOM.tmp` of target `name` whose process no longer
/// exists (killed mid-write: SIGKILL cannot be caught). Another live writer's file is left alone.
private func removeStaleTemporaryFiles(directory: String, name: String) {
    let prefix = ".\(name)."
    guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)
    else { return }
    for entry in entries where entry.hasPrefix(prefix) && entry.hasSuffix(".tmp") {
        let middle = entry.dropFirst(prefix.count).dropLast(4).split(separator: ".")
        guard middle.count == 2, let pid = pid_t(middle[0]), UInt32(middle[1]) != nil, pid > 0,
            kill(pid, 0) != 0 && errno == ESRCH
        else { continue }
        unlink((directory.isEmpty ? "" : directory + "/") + entry)
    }
}

/// `writeAtomically(_:toPath:)` for a file URL.
public func writeAtomically(_ data: Data, to url: URL) throws {
    try writeAtomically(data, toPath: url.path)
}
