/// One GET the client sends. `source` names the rate-limit bucket and the counters (`yahoo`,
/// `schwab`, `polygon`); `secrets` are values (tokens, keys) to scrub from any text the client
/// shows, on top of the name-based redaction of URLs and headers.
public struct HTTPRequest: Sendable {
    public var url: String
    public var headers: [HTTPHeader]
    public var source: String
    public var secrets: [String]

    public init(url: String, headers: [HTTPHeader] = [], source: String, secrets: [String] = []) {
        self.url = url
        self.headers = headers
        self.source = source
        self.secrets = secrets
    }

    /// The URL as it may be logged.
    public var redactedURL: String { Redaction.text(Redaction.url(url), secrets: secrets) }
}

public struct HTTPHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): \(Redaction.header(name: name, value: value))" }
}
