import Foundation

/// How fast one source may be asked: `requests` per `per` seconds, at most `burst` at once.
public struct RateLimit: Sendable, Hashable {
    public var requests: Double
    public var per: Double
    public var burst: Double

    public init(requests: Double, per seconds: Double = 60, burst: Double = 1) {
        self.requests = requests
        self.per = seconds
        self.burst = burst
    }

    public var perSecond: Double { requests / per }

    /// Schwab's documented 120 requests a minute.
    public static let schwab = RateLimit(requests: 120)
    /// Polygon's free tier: 5 a minute.
    public static let polygon = RateLimit(requests: 5)
    /// Yahoo publishes no limit and answers bursts with 429: one a second.
    public static let yahoo = RateLimit(requests: 60)

    public static let defaults: [String: RateLimit] = ["schwab": .schwab, "polygon": .polygon, "yahoo": .yahoo]
}

/// A token bucket, as a value: `reserve(at:)` takes a token and says how long to wait for it.
/// Tokens may go negative (reservations queue up in order), so callers that all reserve at once
/// are spread out at exactly the rate. In any span of `t` seconds at most `burst + rate * t`
/// requests start.
public struct TokenBucket: Sendable, Hashable {
    public let limit: RateLimit
    private var tokens: Double
    private var updated: Double?

    public init(limit: RateLimit) {
        self.limit = limit
        self.tokens = limit.burst
    }

    /// Seconds from `now` until the reserved token is there (0 when it already is).
    public mutating func reserve(at now: Double) -> Double {
        if let updated { tokens = min(limit.burst, tokens + max(0, now - updated) * limit.perSecond) }
        updated = now
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / limit.perSecond
    }
}

/// Token buckets by source, shared by every request of a client (thread-safe). A source without
/// a configured limit is not limited.
public final class RateLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var buckets: [String: TokenBucket]

    public init(limits: [String: RateLimit]) {
        buckets = limits.mapValues(TokenBucket.init(limit:))
    }

    /// Reserves the next slot of `source` and returns the seconds to wait before sending.
    public func reserve(_ source: String, now: Double) -> Double {
        lock.lock()
        defer { lock.unlock() }
        return buckets[source]?.reserve(at: now) ?? 0
    }
}
