import Foundation

/// How the client talks to vendors. Every argument has a default; TLS verification is always on
/// (there is deliberately no switch to turn it off): `caPath` only points libcurl at another CA
/// bundle. Proxies come from the usual `http_proxy` / `https_proxy` / `no_proxy` variables, which
/// libcurl reads itself.
public struct HTTPClientConfiguration: Sendable {
    public static let version = "0.1.0"

    /// Seconds to establish the TCP + TLS connection.
    public var connectTimeout: Double
    /// Seconds for the whole request, body included.
    public var totalTimeout: Double
    /// Abort when fewer than `lowSpeedBytesPerSecond` arrive for `lowSpeedSeconds`.
    public var lowSpeedBytesPerSecond: Int
    public var lowSpeedSeconds: Int
    /// A CA bundle (PEM) to verify servers with instead of the system's.
    public var caPath: String?
    public var userAgent: String
    public var retry: RetryPolicy
    /// Rate limits by source name; sources not listed are not limited.
    public var rateLimits: [String: RateLimit]
    /// Easy handles kept for reuse (each keeps its connections alive): the most requests in flight
    /// that reuse a connection.
    public var maxIdleHandles: Int
    /// Seconds a connection may sit idle and still be reused (libcurl's `CURLOPT_MAXAGE_CONN`,
    /// whose default is 118): an older one is closed and a new one opened, since servers and
    /// middleboxes drop idle connections silently.
    public var maxIdleConnectionAge: Int

    public init(
        connectTimeout: Double = 10,
        totalTimeout: Double = 120,
        lowSpeedBytesPerSecond: Int = 1,
        lowSpeedSeconds: Int = 30,
        caPath: String? = nil,
        userAgent: String = "jutsu-ingest/\(HTTPClientConfiguration.version)",
        retry: RetryPolicy = .legacy,
        rateLimits: [String: RateLimit] = RateLimit.defaults,
        maxIdleHandles: Int = 8,
        maxIdleConnectionAge: Int = 118
    ) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.lowSpeedBytesPerSecond = lowSpeedBytesPerSecond
        self.lowSpeedSeconds = lowSpeedSeconds
        self.caPath = caPath
        self.userAgent = userAgent
        self.retry = retry
        self.rateLimits = rateLimits
        self.maxIdleHandles = maxIdleHandles
        self.maxIdleConnectionAge = maxIdleConnectionAge
    }

    public func with(_ change: (inout HTTPClientConfiguration) -> Void) -> HTTPClientConfiguration {
        var copy = self
        change(&copy)
        return copy
    }
}

/// The client's clock, sleep, randomness and log, injected so tests can measure or replace them.
public struct HTTPClientEnvironment: Sendable {
    /// Monotonic seconds, for the rate limiter.
    public var now: @Sendable () -> Double
    /// Wall time, for `Retry-After` dates when a response has no `Date`.
    public var wallClock: @Sendable () -> Date
    public var sleep: @Sendable (Double) async throws -> Void
    /// A draw in [0, 1] for the full jitter.
    public var random: @Sendable () -> Double
    /// One line per retry, give-up and transport failure; already redacted.
    public var log: @Sendable (String) -> Void

    public init(
        now: @escaping @Sendable () -> Double = HTTPClientEnvironment.monotonicSeconds,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        sleep: @escaping @Sendable (Double) async throws -> Void = { seconds in
            if seconds > 0 { try await Task.sleep(nanoseconds: UInt64(seconds * 1e9)) }
        },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0...1) },
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.now = now
        self.wallClock = wallClock
        self.sleep = sleep
        self.random = random
        self.log = log
    }

    public static let live = HTTPClientEnvironment()

    @Sendable public static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
