import CJutsuZlib

/// Streaming gunzip over another byte source (a `FileByteSource`) with zlib: a 256 KiB compressed-input buffer
/// reused for the whole file; output goes straight into the caller's buffer.
///
/// Concatenated members (`cat a.gz b.gz`, what `gzip` itself accepts) are read as one stream by
/// resetting the inflater at each member end. A file that ends inside a member, or bytes that
/// do not inflate, raise a `CSVError` naming the compressed byte offset.
public final class GzipByteSource: ByteSource {
    private let file: any ByteSource
    private let path: String
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var fileEnded = false
    /// Between members: the previous one ended and no byte of a next one was inflated yet.
    private var atMemberBoundary = false
    /// Set once a gzip error was raised; later reads raise it again instead of touching zlib.
    private var failure: CSVError?

    public var fileSize: Int64 { file.fileSize }
    /// Compressed bytes inflated so far (read from the file minus what waits in the buffer).
    public var bytesConsumed: Int64 { file.bytesConsumed - Int64(stream.pointee.avail_in) }

    public convenience init(file: FileByteSource) throws(CSVError) {
        try self.init(compressed: file, path: file.path)
    }

    /// Inflates the bytes of `compressed`; `path` names the file in errors.
    public init(compressed: any ByteSource, path: String) throws(CSVError) {
        self.file = compressed
        self.path = path
        // zlib keeps a back pointer to the z_stream: it must not move, hence the heap.
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: FileByteSource.readChunk, alignment: 16)
        let status = jutsu_inflate_init_gzip(stream)
        guard status == Z_OK else {
            stream.deallocate()
            input.deallocate()
            throw CSVError(file: path, message: "cannot initialise zlib (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CSVError) -> Int {
        if let failure { throw failure }
        guard let out = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            if stream.pointee.avail_in == 0, !fileEnded { try refill() }
            if atMemberBoundary {
                if stream.pointee.avail_in == 0 { return 0 }  // clean end after the last member
                inflateReset(stream)
                atMemberBoundary = false
            }
            if stream.pointee.avail_in == 0 {
                return try fail(
                    "truncated gzip: the file ends at byte \(file.bytesConsumed) inside a compressed member")
            }
            stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = UInt32(min(buffer.count, Int(UInt32.max)))
            let inBefore = stream.pointee.avail_in
            let status = inflate(stream, Z_NO_FLUSH)
            let produced = buffer.count - Int(stream.pointee.avail_out)
            switch status {
            case Z_STREAM_END:
                atMemberBoundary = true
            case Z_OK, Z_BUF_ERROR:
                // No output and no input consumed with input available: zlib is stuck.
                if produced == 0, stream.pointee.avail_in == inBefore, inBefore > 0 {
                    return try fail("corrupt gzip data at byte \(bytesConsumed): inflate made no progress")
                }
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
                return try fail("corrupt gzip data at byte \(bytesConsumed): \(detail)")
            }
            if produced > 0 { return produced }
        }
    }

    private func refill() throws(CSVError) {
        let n = try file.read(into: input)
        if n == 0 {
            fileEnded = true
            return
        }
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = UInt32(n)
    }

    private func fail(_ message: String) throws(CSVError) -> Int {
        let error = CSVError(file: path, message: message)
        failure = error
        throw error
    }
}
