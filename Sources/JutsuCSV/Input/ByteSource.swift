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

/// Opening a file as a byte source: plain, gzip or a zip archive's member, told apart by
/// content, never by name.
public enum ByteSources {
    /// The gzip magic number, first two bytes of every member.
    static let gzipMagic: (UInt8, UInt8) = (0x1F, 0x8B)
    /// A zip archive's first local file header: `PK\x03\x04`.
    static let zipMagic: (UInt8, UInt8, UInt8, UInt8) = (0x50, 0x4B, 0x03, 0x04)

    /// What a file's first bytes say it is.
    public enum Magic: Sendable, Equatable {
        case plain, gzip, zip
    }

    /// Opens `path`, decompressing on the fly when it starts with the gzip magic `1f 8b`; a
    /// zip archive (`PK\x03\x04`) with one data member reads that member, and a name
    /// `archive.zip:member.csv` reads that member (see `InputOpener`).
    public static func open(path: String) throws(CSVError) -> (source: any ByteSource, compressed: Bool) {
        let opened = try openInput(name: path, opener: nil)
        return (opened.source, opened.compressed)
    }

    /// What opening an input gives the reader.
    struct OpenedInput {
        var source: any ByteSource
        /// Gzip, or a deflated zip member.
        var compressed: Bool
        /// The input's name in errors, rejects and the summary: the path as given, or
        /// `archive.zip:member.csv` for a zip archive's member.
        var name: String
        /// The path the symbol and timeframe are inferred from (`FileNameInference`): the path
        /// as given, or for a member the member's own path under the archive's folder.
        var inferencePath: String
        /// The member's path in its zip archive.
        var zipMember: String? = nil
    }

    /// Opens the input `name`. Plain and gzip files cost what they always did (one `open`, one
    /// 4-byte `pread`); only a zip archive, or a name that is no file, goes through `opener`
    /// (made on demand when nil).
    static func openInput(name: String, opener: InputOpener?) throws(CSVError) -> OpenedInput {
        let file: FileByteSource
        do {
            file = try FileByteSource(path: name)
        } catch {
            // No file of that name: perhaps `archive.zip:member.csv`.
            if let member = try (opener ?? InputOpener()).openMember(named: name) { return member }
            throw error
        }
        switch try file.leadingMagic() {
        case .plain: return OpenedInput(source: file, compressed: false, name: name, inferencePath: name)
        case .gzip: return OpenedInput(source: try GzipByteSource(file: file), compressed: true, name: name, inferencePath: name)
        case .zip: return try (opener ?? InputOpener()).openArchive(path: name)
        }
    }

    /// What the file at `path` starts with; `nil` when it cannot be opened.
    static func magic(atPath path: String) -> (magic: Magic, size: Int64)? {
        guard let file = try? FileByteSource(path: path), let magic = try? file.leadingMagic() else { return nil }
        return (magic, file.fileSize)
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
