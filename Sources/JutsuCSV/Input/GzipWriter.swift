import CJutsuZlib

/// Compresses bytes into one gzip member in memory. The reader never writes gzip; tests and the
/// fuzz target use this to build gzip inputs (concatenated members, truncations) from text, and
/// the admin API compresses its freshness snapshot once for every client that accepts gzip.
public enum GzipWriter {
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        // zlib keeps a back pointer to the z_stream: give it a fixed address.
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deallocate() }
        // deflateInit2 is a macro; deflateInit2_ is the function behind it. 15 + 16: gzip wrapper.
        let status = deflateInit2_(
            stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        precondition(status == Z_OK, "deflateInit2 failed: \(status)")
        defer { deflateEnd(stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(bytes.count))) + 64)
        let produced = input.withUnsafeMutableBufferPointer { inp in
            output.withUnsafeMutableBufferPointer { out in
                stream.pointee.next_in = inp.baseAddress
                stream.pointee.avail_in = UInt32(inp.count)
                stream.pointee.next_out = out.baseAddress
                stream.pointee.avail_out = UInt32(out.count)
                let result = deflate(stream, Z_FINISH)
                precondition(result == Z_STREAM_END, "deflate failed: \(result)")
                return out.count - Int(stream.pointee.avail_out)
            }
        }
        return Array(output[0..<produced])
    }
}
