#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stream of bytes read front to back into a buffer the caller owns and reuses.
public protocol ByteSource: AnyObject {
    /// Copies up to `buffer.count` bytes into `buffer`; returns how many, 0 only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int
    /// Bytes of the underlying file consumed so far (compressed bytes for gzip): with
    /// `fileSize`, the fraction done for progress and ETA.
    var bytesConsumed: Int64 { get }
    /// Size of the underlying file in bytes (compressed size for gzip).
    var fileSize: Int64 { get }
}

/// Opening a file as a byte source: plain or gzip, told apart by content, never by name.
public enum ByteSources {
    /// The gzip magic number, first two bytes of every member.
    static let gzipMagic: (UInt8, UInt8) = (0x1F, 0x8B)

    /// Opens `path`, decompressing on the fly when it starts with the gzip magic `1f 8b`.
    public static func open(path: String) throws(CSVError) -> (source: any ByteSource, compressed: Bool) {
        let file = try FileByteSource(path: path)
        if try file.startsWithGzipMagic() {
            return (try GzipByteSource(file: file), true)
        }
        return (file, false)
    }
}

/// Bytes held in memory, handed out at most `chunk` at a time. Used by the sniffer over its
/// sample and by tests to force records across read boundaries.
final class MemoryByteSource: ByteSource {
    private let bytes: [UInt8]
    private let chunk: Int
    private var position = 0

    init(_ bytes: [UInt8], chunk: Int = Int.max) {
        self.bytes = bytes
        self.chunk = max(1, chunk)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        let n = min(buffer.count, chunk, bytes.count - position)
        guard n > 0 else { return 0 }
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + position, byteCount: n)
        }
        position += n
        return n
    }

    var bytesConsumed: Int64 { Int64(position) }
    var fileSize: Int64 { Int64(bytes.count) }
}
