import Foundation

/// What a client did for one source, for logs now and metrics later.
public struct SourceCounters: Sendable, Hashable {
    /// Requests sent, retries included.
    public var requests = 0
    /// Requests that were retries.
    public var retries = 0
    /// Responses with status 429.
    public var tooManyRequests = 0
    /// Body bytes received (after decoding).
    public var bytes = 0
    /// Requests that ended without a response (an `HTTPError`), per attempt.
    public var transportErrors = 0

    public init() {}
}

/// Counters by source, safe to bump from any thread.
final class CounterBook: @unchecked Sendable {
    private let lock = NSLock()
    private var counters: [String: SourceCounters] = [:]

    func update(_ source: String, _ change: (inout SourceCounters) -> Void) {
        lock.lock()
        defer { lock.unlock() }
        change(&counters[source, default: SourceCounters()])
    }

    func snapshot() -> [String: SourceCounters] {
        lock.lock()
        defer { lock.unlock() }
        return counters
    }
}
