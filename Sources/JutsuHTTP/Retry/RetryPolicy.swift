/// When and how long to wait before sending a request again. Pure: the client passes the outcome
/// and a random draw, the policy answers.
///
/// The legacy policy: up to 5 retries after the first request, full jitter over ceilings of
/// 1, 2, 4, 8, 16 s (`base * 2^(retry-1)`, capped at 300 s). A `Retry-After` from the server wins
/// over the jittered delay (capped too); a `Retry-After` beyond the cap gives up instead of
/// waiting.
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first request (so at most `maxRetries + 1` requests).
    public var maxRetries: Int
    /// Ceiling of the first retry's delay, in seconds; each later retry doubles it.
    public var baseDelay: Double
    /// No wait longer than this, in seconds, whatever the backoff or the server says.
    public var maxDelay: Double

    public init(maxRetries: Int = 5, baseDelay: Double = 1, maxDelay: Double = 300) {
        self.maxRetries = maxRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    public static let legacy = RetryPolicy()
    public static let none = RetryPolicy(maxRetries: 0)

    /// Statuses that are retried: 429 and every 5xx. Other 4xx are the request's fault.
    public static func isRetryable(status: Int) -> Bool { status == 429 || (500...599).contains(status) }

    /// The ceiling of the jittered delay before retry number `retry` (1-based).
    public func ceiling(retry: Int) -> Double {
        let exponent = Double(max(0, retry - 1))
        return min(maxDelay, baseDelay * Double.pow2(exponent))
    }

    public enum Decision: Sendable, Hashable {
        case retry(after: Double, reason: String)
        case giveUp(reason: String)
    }

    /// `retry` is the number of the retry this would be (1 for the first); `unit` a random draw
    /// in [0, 1] for the full jitter.
    public func decide(retry: Int, retryAfter: Double?, unit: Double) -> Decision {
        guard retry <= maxRetries else { return .giveUp(reason: "\(maxRetries) retries used") }
        if let retryAfter {
            if retryAfter > maxDelay { return .giveUp(reason: "Retry-After \(retryAfter) s is beyond the \(maxDelay) s cap") }
            return .retry(after: retryAfter, reason: "Retry-After")
        }
        return .retry(after: ceiling(retry: retry) * min(1, max(0, unit)), reason: "backoff")
    }
}

extension Double {
    fileprivate static func pow2(_ e: Double) -> Double {
        var v = 1.0
        var i = 0.0
        while i < e { v *= 2; i += 1 }
        return v
    }
}
