#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file read with POSIX `read(2)`, at most 256 KiB per call, straight into the
/// caller's buffer (no intermediate copy, no Foundation).
public final class FileByteSource: ByteSource {
    /// Largest single `read(2)`.
    public static let readChunk = 256 * 1024

    public let path: String
    public let fileSize: Int64
    public private(set) var bytesConsumed: Int64 = 0
    private let fd: Int32

    /// Opens `path` for reading; fails on a missing, unreadable or non-regular file.
    public init(path: String) throws(CSVError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CSVError(file: path, message: "cannot open: \(FileByteSource.errnoText())")
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let why = FileByteSource.errnoText()
            close(fd)
            throw CSVError(file: path, message: "cannot stat: \(why)")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CSVError(file: path, message: "is a directory, not a CSV file")
        }
        self.fd = fd
        self.fileSize = Int64(info.st_size)
    }

    /// Reads the open file `fd` from its current position (a zip member extracted to an unlinked
    /// temporary file); takes ownership of `fd`. `path` names the input in errors.
    init(adopting fd: Int32, path: String, size: Int64) {
        self.fd = fd
        self.path = path
        self.fileSize = size
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let want = min(buffer.count, FileByteSource.readChunk)
        while true {
            #if canImport(Glibc)
            let n = Glibc.read(fd, base, want)
            #else
            let n = Darwin.read(fd, base, want)
            #endif
            if n >= 0 {
                bytesConsumed += Int64(n)
                return n
            }
            if errno == EINTR { continue }
            throw CSVError(
                file: path, message: "read failed at byte \(bytesConsumed): \(FileByteSource.errnoText())")
        }
    }

    /// What the file's first bytes say it is: gzip (`1f 8b`), a zip archive (`PK 03 04`) or
    /// anything else. One `pread` of 4 bytes, so the read position is untouched.
    func leadingMagic() throws(CSVError) -> ByteSources.Magic {
        var magic: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let n = withUnsafeMutableBytes(of: &magic) { pread(fd, $0.baseAddress, 4, 0) }
        if n < 0 {
            // Not seekable (a pipe): cannot peek, read as plain text.
            if errno == ESPIPE { return .plain }
            throw CSVError(file: path, message: "read failed: \(FileByteSource.errnoText())")
        }
        if n >= 2, magic.0 == ByteSources.gzipMagic.0, magic.1 == ByteSources.gzipMagic.1 { return .gzip }
        let zip = ByteSources.zipMagic
        if n == 4, magic.0 == zip.0, magic.1 == zip.1, magic.2 == zip.2, magic.3 == zip.3 { return .zip }
        return .plain
    }

    static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
