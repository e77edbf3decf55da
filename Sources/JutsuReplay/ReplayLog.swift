import Foundation
import JutsuHTTP

/// One request the server received, with when and what it answered: tests measure rates and
/// `Retry-After` from these, as one would from a server's access log.
public struct ReplayLogEntry: Sendable {
    /// Wall time, for the log line.
    public var time: Date
    /// Monotonic seconds (same clock as `HTTPClientEnvironment.monotonicSeconds`), for measuring.
    public var monotonic: Double
    public var connection: Int
    public var method: String
    public var path: String
    /// The raw query string, unredacted (tests check what the client sent); the log line redacts it.
    public var query: String
    public var headers: [String: String]
    /// The request body as text (a POSTed form), unredacted like `query`; empty for a GET. The
    /// log line redacts it as a query string (`refresh_token=REDACTED`).
    public var body: String = ""
    /// Status sent, or nil for a reset.
    public var status: Int?
    /// The fault served, if any.
    public var fault: String?

    public var line: String {
        let target = query.isEmpty ? path : Redaction.url(path + "?" + query)
        return "\(ReplayLogEntry.iso(time)) conn=\(connection) \(method) \(target) -> \(status.map(String.init) ?? "reset")"
            + (fault.map { " fault=\($0)" } ?? "")
            + (body.isEmpty ? "" : " body=" + Redaction.query(body))
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
