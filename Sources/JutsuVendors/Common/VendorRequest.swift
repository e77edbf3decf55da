import JutsuCore

/// An HTTP GET to a vendor, as a path and query relative to the source's `base_url`. Built by
/// pure request builders; the HTTP client prefixes the base URL and adds credentials (API keys,
/// bearer tokens), so a request value never holds a secret and can be logged as is.
public struct VendorRequest: Sendable, Hashable, CustomStringConvertible {
    /// Path segments, unencoded (`["v8", "finance", "chart", "^GSPC"]`).
    public var path: [String]
    /// Query items in order, unencoded.
    public var query: [(name: String, value: String)]

    public init(path: [String], query: [(name: String, value: String)]) {
        self.path = path
        self.query = query
    }

    /// `/v8/finance/chart/%5EGSPC?period1=...`: segments and items percent-encoded (everything
    /// but RFC 3986 unreserved characters).
    public var pathAndQuery: String {
        var out = ""
        for segment in path { out += "/" + Self.encode(segment) }
        if !query.isEmpty {
            out += "?" + query.map { Self.encode($0.name) + "=" + Self.encode($0.value) }.joined(separator: "&")
        }
        return out
    }

    public var description: String { pathAndQuery }

    /// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~`.
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A, 0x61...0x7A, 0x30...0x39, 0x2D, 0x2E, 0x5F, 0x7E:
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 15)]], as: UTF8.self)
            }
        }
        return out
    }

    /// Undoes `%XX` escapes (and `+` as a space, as form encoding writes it).
    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let b = utf8.popFirst() {
            if b == 0x25, utf8.count >= 2, let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b == 0x2B ? 0x20 : b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func == (a: VendorRequest, b: VendorRequest) -> Bool { a.pathAndQuery == b.pathAndQuery }
    public func hash(into hasher: inout Hasher) { hasher.combine(pathAndQuery) }
}

/// A key window `[from, to)` in the stored key convention: session dates at 00:00 UTC for daily
/// and longer bars, UTC instants for intraday bars.
public struct KeyWindow: Sendable, Hashable, CustomStringConvertible {
    public var from: Int64
    public var to: Int64

    public init(from: Int64, to: Int64) {
        self.from = from
        self.to = to
    }

    public func contains(_ key: Int64) -> Bool { key >= from && key < to }

    public var description: String {
        "[\(UnixTime.iso8601(from)), \(UnixTime.iso8601(to)))"
    }
}
