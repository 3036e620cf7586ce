import Foundation
import NN
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Atomic output files")
struct AtomicFileTests {
    @Test("replacing a file keeps its permissions and leaves no temporary file; bad paths are refused")
    func replaceAndRefuse() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "weasel-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.csv").path
        try writeAtomically(Data("old".utf8), toPath: path)
        chmod(path, 0o640)
        try writeAtomically(Data("new".utf8), toPath: path)
        #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == "new")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.csv"])
        #expect(throws: OutputFileError.emptyPath) { try writeAtomically(Data(), toPath: "") }
        #expect(throws: OutputFileError.isDirectory(path: directory.path)) {
            try writeAtomically(Data(), toPath: directory.path)
        }
        #expect(throws: OutputFileError.missingDirectory(path: path + "/x/y", directory: path + "/x")) {
            try writeAtomically(Data(), toPath: path + "/x/y")
        }
    }

    @Test("a write that fails (file too large) leaves the old file byte for byte and no temporary file")
    func failedWrite() async {
        await #expect(processExitsWith: .success) {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "weasel-efbig-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let path = directory.appendingPathComponent("model.json").path
            let old = Data(repeating: 7, count: 1000)
            try? old.write(to: URL(fileURLWithPath: path))
            // Writes beyond 4 KB now fail with EFBIG (and no SIGXFSZ).
            signal(SIGXFSZ, SIG_IGN)
            var limit = rlimit(rlim_cur: 4096, rlim_max: 4096)
            setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
            var reason = ""
            do { try writeAtomically(Data(repeating: 1, count: 100_000), toPath: path) } catch let error
                as OutputFileError
            {
                reason = error.description
            } catch {}
            let unchanged = (try? Data(contentsOf: URL(fileURLWithPath: path))) == old
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            try? FileManager.default.removeItem(at: directory)
            exit(
                reason.contains("File too large") && reason.contains("unchanged") && unchanged
                    && leftovers == ["model.json"] ? 0 : 1)
        }
    }
}

@Suite("Atomic output files after a killed write")
struct StaleTemporaryFileTests {
    @Test("a temporary file left by a process that no longer exists is removed on the next write; a live one stays")
    func staleFilesRemoved() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "weasel-stale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // PID Int32.max never exists (Linux caps PIDs at 2²²); this process's own PID is alive.
        let stale = ".out.csv.\(Int32.max).12345.tmp"
        let live = ".out.csv.\(getpid()).777.tmp"
        let otherTarget = ".other.csv.\(Int32.max).1.tmp"
        for name in [stale, live, otherTarget] {
            try Data("partial".utf8).write(to: directory.appendingPathComponent(name))
        }
        try writeAtomically(Data("new".utf8), toPath: directory.appendingPathComponent("out.csv").path)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(left == [live, otherTarget, "out.csv"].sorted())
    }
}
