extension PGConnection {
    /// Streams `COPY (...) TO STDOUT (FORMAT binary)`: calls `tuple` with each tuple's field count
    /// and a reader positioned at its first field. The file header (in the first data message) and
    /// the trailer are consumed here. The bytes are valid only during the call.
    package func copyOutBinary(_ sql: String, context: String? = nil,
                               tuple: (_ fieldCount: Int, _ reader: inout BinaryCopyReader) throws -> Void) throws {
        var sawHeader = false
        try copyOut(sql, context: context) { message in
            var reader = BinaryCopyReader(message)
            if !sawHeader {
                // Signature (11 bytes), flags (4), header-extension length (4), extension.
                guard message.count >= 19, message.starts(with: BinaryCopy.header.prefix(11)) else {
                    throw StoreError(code: .protocolViolation, message: "missing binary COPY header")
                }
                reader.offset = 15
                let extensionLength = Int(try reader.int32())
                guard extensionLength >= 0, reader.remaining >= extensionLength else { throw BinaryCopyReader.truncated }
                reader.offset += extensionLength
                sawHeader = true
                if reader.remaining == 0 { return }
            }
            let fieldCount = try reader.int16()
            if fieldCount == -1 { return }   // trailer
            try tuple(Int(fieldCount), &reader)
        }
    }
}
