import Foundation

/// What the replay server answers: recorded responses matched by method, path and query, and
/// faults injected in front of them. Read from JSON (keys in snake_case):
///
/// ```json
/// {"root": "../fixtures/real/yahoo-chart",
///  "routes": [{"path": "/v8/finance/chart/AAPL", "query": {"interval": "1d"},
///              "file": "chart-AAPL-2020-01-01-to-2020-01-03.json",
///              "faults": [{"kind": "status", "status": 429, "retry_after": "1"}, {"kind": "reset"}]}]}
/// ```
///
/// A `file` is served as is, or, when it is a recorded exchange (`{"request":{...},"response":
/// {"status","headers","bodyJson"|"bodyText"}}`), as the recorded status and body.
///
/// A route matches a request with the same method and path whose query contains every listed
/// item (other items are ignored), and, when `form` is given, whose form body contains every
/// item of it. Its faults are served first, in order, each `times` times
/// (default 1), then the recording on every later request. Unmatched requests get 404.
public struct ReplayScenario: Codable, Sendable {
    /// Directory of the recordings, relative to the scenario file.
    public var root: String?
    public var routes: [Route]
    /// Also answer every recorded exchange of `root` (`{"request":{"url"},"response":{...}}`, as in
    /// `fixtures/real/yahoo-chart/`) at its recorded path and query, after the explicit routes.
    public var serveExchanges: Bool?

    public init(root: String? = nil, routes: [Route], serveExchanges: Bool? = nil) {
        self.root = root
        self.routes = routes
        self.serveExchanges = serveExchanges
    }

    public struct Route: Codable, Sendable {
        public var method: String?
        public var path: String
        public var query: [String: String]?
        /// Items a POSTed form body must contain (`{"grant_type": "refresh_token"}`), as `query`.
        public var form: [String: String]?
        /// The recording (relative to `root`), or `body` inline.
        public var file: String?
        public var body: String?
        public var status: Int?
        public var contentType: String?
        public var headers: [String: String]?
        public var faults: [Fault]?

        public init(method: String? = nil, path: String, query: [String: String]? = nil, file: String? = nil, body: String? = nil,
                    status: Int? = nil, contentType: String? = nil, headers: [String: String]? = nil, faults: [Fault]? = nil,
                    form: [String: String]? = nil) {
            self.form = form
            self.method = method
            self.path = path
            self.query = query
            self.file = file
            self.body = body
            self.status = status
            self.contentType = contentType
            self.headers = headers
            self.faults = faults
        }
    }

    public struct Fault: Codable, Sendable {
        public enum Kind: String, Codable, Sendable {
            /// Answer `status` (429, 500, 502, 503, ...) with `body` and an optional `Retry-After`.
            case status
            /// Wait `delay_ms`, then serve the recording (or drip it when `drip` is set).
            case slow
            /// Close the connection with a TCP reset instead of answering.
            case reset
            /// Send `Content-Length` of the whole recording, half of it, then close.
            case truncate
            /// 200 with a body cut in the middle of the JSON.
            case invalidJSON = "invalid_json"
            /// 401 with an OAuth `invalid_token` body, as an expired access token gets.
            case expiredToken = "expired_token"
        }

        public var kind: Kind
        public var status: Int?
        public var retryAfter: String?
        public var body: String?
        public var delayMs: Int?
        public var times: Int?

        public init(kind: Kind, status: Int? = nil, retryAfter: String? = nil, body: String? = nil, delayMs: Int? = nil, times: Int? = nil) {
            self.kind = kind
            self.status = status
            self.retryAfter = retryAfter
            self.body = body
            self.delayMs = delayMs
            self.times = times
        }
    }

    public static func load(_ url: URL) throws -> (scenario: ReplayScenario, root: URL) {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let scenario = try decoder.decode(ReplayScenario.self, from: Data(contentsOf: url))
        let base = url.deletingLastPathComponent()
        let root = scenario.root.map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : base.appendingPathComponent($0) } ?? base
        return (scenario, root.standardizedFileURL)
    }
}
