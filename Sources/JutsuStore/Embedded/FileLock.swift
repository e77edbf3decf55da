#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive `flock(2)` on a file, held until `unlock()` (or process exit: the kernel
/// drops it, so a crashed CLI never leaves the cluster locked).
///
/// Serializes the CLI processes that set up the same embedded cluster: two `import`s
/// started at once must not both run initdb or both start a server.
final class FileLock {
    private var fd: Int32

    /// Blocks until the lock is ours.
    init(path: String) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw EmbeddedClusterError(.filesystem, "cannot open lock file \(path): \(errnoText())")
        }
        while flock(fd, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let text = errnoText()
            close(fd)
            fd = -1
            throw EmbeddedClusterError(.filesystem, "cannot lock \(path): \(text)")
        }
    }

    func unlock() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { unlock() }
}

func errnoText() -> String {
    String(cString: strerror(errno))
}
