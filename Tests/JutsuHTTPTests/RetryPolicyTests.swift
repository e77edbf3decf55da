import Foundation
import JutsuHTTP
import Testing

@Suite struct RetryPolicyTests {
    @Test func legacyCeilingsDoubleFromOneSecondAndCapAt300() {
        let policy = RetryPolicy.legacy
        #expect(policy.maxRetries == 5)
        #expect((1...5).map(policy.ceiling(retry:)) == [1, 2, 4, 8, 16])
        #expect(policy.ceiling(retry: 10) == 300)
    }

    @Test func fullJitterScalesTheCeiling() {
        let policy = RetryPolicy.legacy
        #expect(policy.decide(retry: 3, retryAfter: nil, unit: 0.5) == .retry(after: 2, reason: "backoff"))
        #expect(policy.decide(retry: 3, retryAfter: nil, unit: 0) == .retry(after: 0, reason: "backoff"))
        #expect(policy.decide(retry: 6, retryAfter: nil, unit: 0.5) == .giveUp(reason: "5 retries used"))
    }

    @Test func retryAfterWinsUpToTheCap() {
        let policy = RetryPolicy(maxRetries: 5, baseDelay: 0.01, maxDelay: 300)
        #expect(policy.decide(retry: 1, retryAfter: 7, unit: 1) == .retry(after: 7, reason: "Retry-After"))
        guard case .giveUp = policy.decide(retry: 1, retryAfter: 301, unit: 1) else { Issue.record("waited beyond the cap"); return }
    }

    @Test func onlyTooManyRequestsAnd5xxAreRetried() {
        #expect(RetryPolicy.isRetryable(status: 429))
        #expect([500, 502, 503, 504].allSatisfy(RetryPolicy.isRetryable(status:)))
        #expect(![200, 400, 401, 403, 404, 410, 422].contains(where: RetryPolicy.isRetryable(status:)))
        #expect([HTTPError.Code.timeout, .reset, .truncatedBody].allSatisfy { $0.isRetryable })
        #expect(![HTTPError.Code.connectFailed, .tls, .other].contains { $0.isRetryable })
    }

    @Test func tokenBucketSpacesReservationsAtTheRate() {
        var bucket = TokenBucket(limit: RateLimit(requests: 2, per: 1))
        // Five callers at once: the first goes now, the rest every half second.
        let waits = (0..<5).map { _ in bucket.reserve(at: 100) }
        #expect(waits == [0, 0.5, 1.0, 1.5, 2.0])
        // Idle time refills only up to the burst.
        var idle = TokenBucket(limit: RateLimit(requests: 2, per: 1, burst: 2))
        #expect(idle.reserve(at: 0) == 0)
        #expect(idle.reserve(at: 100) == 0)
        #expect(idle.reserve(at: 100) == 0)
        #expect(idle.reserve(at: 100) == 0.5)
    }

    @Test func defaultLimitsPerSource() {
        #expect(RateLimit.defaults["schwab"]?.perSecond == 2)
        #expect(RateLimit.defaults["polygon"].map { $0.requests / $0.per * 60 } == 5)
        #expect(RateLimit.defaults["yahoo"]?.perSecond == 1)
    }
}

@Suite struct RedactionTests {
    @Test func secretQueryValuesAreReplaced() {
        let url = "https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/day/2020-01-01/2020-02-01?adjusted=true&apiKey=pk_live_123&limit=5"
        #expect(Redaction.url(url) == "https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/day/2020-01-01/2020-02-01?adjusted=true&apiKey=REDACTED&limit=5")
        #expect(Redaction.url("https://x/oauth?grant_type=refresh_token&refresh_token=abc&client_id=key#f") == "https://x/oauth?grant_type=refresh_token&refresh_token=REDACTED&client_id=REDACTED#f")
        #expect(Redaction.url("https://user:pw@host/p?q=1") == "https://REDACTED@host/p?q=1")
        #expect(Redaction.url("https://host/path") == "https://host/path")
        #expect(Redaction.url("/p?APIKEY=1&token=2") == "/p?APIKEY=REDACTED&token=REDACTED")
    }

    @Test func secretHeadersAreReplaced() {
        #expect(HTTPHeader("Authorization", "Bearer abc").description == "Authorization: REDACTED")
        #expect(HTTPHeader("Accept", "application/json").description == "Accept: application/json")
        #expect(Redaction.text("token abcdef in text", secrets: ["abcdef"]) == "token REDACTED in text")
    }

    @Test func httpDatesRoundTripAndRetryAfterReadsBothForms() throws {
        let date = try #require(HTTPDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(date.timeIntervalSince1970 == 784_111_777)
        #expect(HTTPDate.format(date) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.parse("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        let seconds = HTTPResponse(status: 429, headers: ["retry-after": "120"])
        #expect(seconds.retryAfter(now: date) == 120)
        // A date is measured from the response's own Date header, not the local clock.
        let dated = HTTPResponse(status: 503, headers: ["retry-after": "Sun, 06 Nov 1994 08:49:47 GMT", "date": "Sun, 06 Nov 1994 08:49:37 GMT"])
        #expect(dated.retryAfter(now: Date(timeIntervalSince1970: 0)) == 10)
        #expect(HTTPResponse(status: 429, headers: ["retry-after": "soon"]).retryAfter(now: date) == nil)
    }
}
