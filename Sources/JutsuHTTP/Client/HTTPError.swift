/// A request that got no complete HTTP response. The description names the code, the redacted
/// URL and libcurl's static message: never a credential.
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// DNS, refused or unreachable: nothing was sent.
        case connectFailed = "connect_failed"
        /// Connect, total or low-speed timeout.
        case timeout
        /// The connection was reset or closed before a response arrived.
        case reset
        /// Fewer body bytes than `Content-Length` said (CURLE_PARTIAL_FILE).
        case truncatedBody = "truncated_body"
        /// Handshake or certificate verification failed.
        case tls
        /// Anything else libcurl reports (bad URL, out of memory, ...).
        case other

        /// Worth sending again: the failure is transient, and every request the client sends is
        /// safe to repeat (GETs, and token POSTs: see `HTTPClient.post`).
        public var isRetryable: Bool {
            switch self {
            case .timeout, .reset, .truncatedBody: true
            case .connectFailed, .tls, .other: false
            }
        }
    }

    public var code: Code
    /// The URL with secrets replaced by `REDACTED`.
    public var url: String
    /// libcurl's `CURLcode` and its `curl_easy_strerror` text.
    public var curlCode: Int
    public var message: String
    /// Requests sent, including this one.
    public var attempts: Int
    /// `GET` or `POST`.
    public var method: String

    public init(code: Code, url: String, curlCode: Int, message: String, attempts: Int = 1, method: String = "GET") {
        self.code = code
        self.url = url
        self.curlCode = curlCode
        self.message = message
        self.attempts = attempts
        self.method = method
    }

    public var description: String {
        "\(code.rawValue): \(message) (curl \(curlCode)) for \(method) \(url) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
    }
}
