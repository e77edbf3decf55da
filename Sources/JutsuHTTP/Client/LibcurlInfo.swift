import CCurl

/// What the linked libcurl can do. The vendor sources (Yahoo, Schwab, Polygon) are built on this
/// adapter in their own issue; for now it proves the library is wired and has the features
/// those sources need: TLS and gzip/deflate decoding.
public struct LibcurlInfo: Sendable, Equatable {
    public var version: String
    public var sslVersion: String?
    public var supportsTLS: Bool
    public var supportsGzip: Bool

    public static func current() -> LibcurlInfo {
        guard let data = curl_version_info(CURLversion(rawValue: UInt32(jutsu_curl_version_now))) else {
            return LibcurlInfo(version: "unknown", sslVersion: nil, supportsTLS: false, supportsGzip: false)
        }
        let info = data.pointee
        let features = info.features
        return LibcurlInfo(
            version: String(cString: info.version),
            sslVersion: info.ssl_version.map { String(cString: $0) },
            supportsTLS: features & CURL_VERSION_SSL != 0,
            supportsGzip: features & CURL_VERSION_LIBZ != 0)
    }
}
