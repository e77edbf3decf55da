import CCurl
import Foundation

/// GET requests to vendors (and form POSTs to OAuth token endpoints) over libcurl: connection
/// reuse, timeouts, rate limits per source, retries with backoff, counters per source. Safe to
/// share across tasks.
///
/// `get` returns every complete response, whatever its status, once retrying is over: a 404 at
/// once, a 429 or 5xx after the retries ran out. It throws `HTTPError` only when no response came
/// (after retries for timeouts, resets and truncated bodies). Deciding what a status means for the
/// data is the vendor parser's job (`VendorError`).
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let environment: HTTPClientEnvironment
    private let limiter: RateLimiter
    private let counterBook = CounterBook()
    private let handles: HandlePool

    public init(configuration: HTTPClientConfiguration = .init(), environment: HTTPClientEnvironment = .live) {
        self.configuration = configuration
        self.environment = environment
        self.limiter = RateLimiter(limits: configuration.rateLimits)
        self.handles = HandlePool(configuration: configuration)
    }

    /// Counters of one source so far.
    public func counters(_ source: String) -> SourceCounters { counterBook.snapshot()[source] ?? SourceCounters() }

    public var allCounters: [String: SourceCounters] { counterBook.snapshot() }

    /// Counts a retry decided above the client (a 200 whose body says "try again"); the request
    /// itself is counted when it is sent.
    public func countRetry(_ source: String) { counterBook.update(source) { $0.retries += 1 } }

    public func get(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request, body: nil)
    }

    /// POSTs `body` with `Content-Type: contentType` (an OAuth token request: `FormEncoding`
    /// builds the body), over the same pool, timeouts, rate limit, counters and redaction as `get`.
    ///
    /// Retried exactly as a GET (429, 5xx, timeouts, resets, truncated bodies), which is only
    /// right for a POST that is safe to repeat: the token requests are (a refresh can be sent
    /// twice; a code exchange sent twice fails the second time with an OAuth error, it does not
    /// act twice). Do not send a POST here whose repetition would act twice. The body is never
    /// logged.
    public func post(_ request: HTTPRequest, body: [UInt8], contentType: String) async throws -> HTTPResponse {
        try await send(request, body: (body, contentType))
    }

    private func send(_ request: HTTPRequest, body: ([UInt8], String)?) async throws -> HTTPResponse {
        let method = body == nil ? "GET" : "POST"
        var attempt = 0
        while true {
            attempt += 1
            counterBook.update(request.source) {
                $0.requests += 1
                if attempt > 1 { $0.retries += 1 }
            }
            let outcome = try await perform(request, body: body)
            if outcome.sends > 1 {
                // libcurl's own re-sends are requests and retries like the client's.
                attempt += outcome.sends - 1
                counterBook.update(request.source) {
                    $0.requests += outcome.sends - 1
                    $0.retries += outcome.sends - 1
                }
                environment.log("\(method) \(request.redactedURL): the reused connection died before an answer; libcurl sent the request again on a new one")
            }
            let failure: String
            var retryAfter: Double?
            if outcome.code == CURLE_OK {
                var response = HTTPResponse(status: outcome.status, headers: outcome.headers, body: outcome.body, attempts: attempt)
                counterBook.update(request.source) {
                    $0.bytes += outcome.body.count
                    if outcome.status == 429 { $0.tooManyRequests += 1 }
                }
                guard RetryPolicy.isRetryable(status: response.status) else { return response }
                retryAfter = response.retryAfter(now: environment.wallClock())
                failure = "HTTP \(response.status)"
                switch configuration.retry.decide(retry: attempt, retryAfter: retryAfter, unit: environment.random()) {
                case .giveUp(let reason):
                    environment.log("\(method) \(request.redactedURL): \(failure), giving up: \(reason)")
                    response.attempts = attempt
                    return response
                case .retry(let delay, let reason):
                    environment.log("\(method) \(request.redactedURL): \(failure), retry \(attempt)/\(configuration.retry.maxRetries) in \(Self.seconds(delay)) s (\(reason))")
                    try await environment.sleep(delay)
                }
            } else {
                counterBook.update(request.source) {
                    $0.transportErrors += 1
                    $0.bytes += outcome.body.count
                }
                let error = HTTPError(
                    code: CurlEasy.errorCode(outcome.code), url: request.redactedURL, curlCode: Int(outcome.code.rawValue),
                    message: Redaction.text(CurlEasy.message(outcome.code), secrets: request.secrets), attempts: attempt,
                    method: method)
                guard error.code.isRetryable else {
                    environment.log("\(error)")
                    throw error
                }
                switch configuration.retry.decide(retry: attempt, retryAfter: nil, unit: environment.random()) {
                case .giveUp(let reason):
                    environment.log("\(error), giving up: \(reason)")
                    throw error
                case .retry(let delay, _):
                    environment.log("\(error), retry \(attempt)/\(configuration.retry.maxRetries) in \(Self.seconds(delay)) s (backoff)")
                    try await environment.sleep(delay)
                }
            }
        }
    }

    /// One request on a pooled handle, on a thread of its own: `curl_easy_perform` blocks, and the
    /// cooperative pool must not.
    ///
    /// The rate limit's token is taken on that thread, right before the transfer, and waited for
    /// there: a wait on the cooperative pool could resume late (the pool busy with blocking
    /// work) and let several requests go out together, over the rate.
    private func perform(_ request: HTTPRequest, body: ([UInt8], String)?) async throws -> PerformOutcome {
        let handles = self.handles
        let limiter = self.limiter
        let now = environment.now
        return try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                let wait = limiter.reserve(request.source, now: now())
                if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                guard let easy = handles.take() else {
                    continuation.resume(throwing: HTTPError(code: .other, url: request.redactedURL, curlCode: -1, message: "libcurl could not create a handle",
                                                            method: body == nil ? "GET" : "POST"))
                    return
                }
                // libcurl re-sends by itself on a fresh connection when a reused one dies before
                // any byte of the answer; the re-send takes its token here too.
                let outcome = easy.perform(url: request.url, headers: request.headers, body: body?.0, contentType: body?.1) {
                    let wait = limiter.reserve(request.source, now: now())
                    if wait > 0 { Thread.sleep(forTimeInterval: wait) }
                }
                // A handle whose transfer failed (reset, truncated body, timeout) is dropped with
                // its connection: the next attempt starts on a fresh one, never on a connection
                // the server may be closing.
                if outcome.curlCode == CURLE_OK { handles.give(easy) }
                continuation.resume(returning: PerformOutcome(
                    code: outcome.curlCode, status: outcome.status,
                    headers: outcome.headers, body: outcome.body, sends: outcome.sends))
            }
            thread.start()
        }
    }

    private static func seconds(_ value: Double) -> String { String(format: "%.3f", value) }
}

private struct PerformOutcome: @unchecked Sendable {
    var code: CURLcode
    var status: Int
    var headers: [String: String]
    var body: [UInt8]
    var sends: Int
}

/// Idle easy handles, each with its open connections. A request takes one (or makes one) and
/// gives it back, so sequential requests reuse one connection and parallel ones get their own.
private final class HandlePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [CurlEasy] = []
    private let configuration: HTTPClientConfiguration

    init(configuration: HTTPClientConfiguration) { self.configuration = configuration }

    func take() -> CurlEasy? {
        lock.lock()
        let easy = idle.popLast()
        lock.unlock()
        return easy ?? CurlEasy(configuration: configuration)
    }

    func give(_ easy: CurlEasy) {
        lock.lock()
        defer { lock.unlock() }
        if idle.count < configuration.maxIdleHandles { idle.append(easy) }
    }
}
