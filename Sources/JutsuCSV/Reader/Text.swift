/// Bytes shown to humans: lossy UTF-8 (invalid sequences become U+FFFD), cut at a limit on a
/// character boundary. Only used on the error path.
enum Text {
    static func lossy(_ bytes: UnsafeRawBufferPointer, limit: Int) -> String {
        var n = min(bytes.count, limit)
        // Do not cut a multi-byte sequence: back up over continuation bytes (at most 3).
        if n < bytes.count {
            var k = 0
            while k < 3, n > 0, bytes[n] & 0xC0 == 0x80 {
                n -= 1
                k += 1
            }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[0..<n]), as: UTF8.self)
        return n < bytes.count ? text + "…" : text
    }

    static func lossy(_ bytes: [UInt8], limit: Int) -> String {
        bytes.withUnsafeBytes { lossy($0, limit: limit) }
    }

    static func isValidUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// `','`, `';'`, `tab`, `'|'`.
    static func delimiterName(_ byte: UInt8) -> String {
        switch byte {
        case 0x09: "tab"
        case 0x20...0x7E: "'\(Character(Unicode.Scalar(byte)))'"
        default: "byte 0x\(String(byte, radix: 16))"
        }
    }
}
