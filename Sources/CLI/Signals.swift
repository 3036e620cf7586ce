import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Ignores SIGXFSZ. A write past the file-size limit (`ulimit -f`) otherwise kills the process
/// mid-write, leaving its temporary file and no message; ignored, the write fails with EFBIG, and
/// `writeAtomically` removes the temporary file and reports the failure like any other.
func ignoreFileSizeLimitSignal() {
    signal(SIGXFSZ, SIG_IGN)
}
