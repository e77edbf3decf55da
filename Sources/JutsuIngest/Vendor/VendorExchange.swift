import Foundation
import JutsuHTTP
import JutsuVendors

/// One vendor request as the fetchers send it: the HTTP client retries what HTTP says is
/// transient (429, 5xx, timeouts, resets, cut bodies); a 200 whose body says the same (Yahoo's
/// plain-text `Too Many Requests`, JSON cut in the middle) is retried here, with the same
/// policy. A 429 or 5xx the client already gave up on is not retried again.
struct VendorExchange: Sendable {
    let client: HTTPClient
    let retry: RetryPolicy
    /// The data source name (rate limit and counters).
    let source: String

    func send<T>(_ request: HTTPRequest, parse: (HTTPResponse) throws(VendorError) -> T) async throws -> (T, attempts: Int) {
        var attempts = 0
        var retries = 0
        while true {
            let response = try await client.get(request)
            attempts += response.attempts
            let failure: VendorError
            do throws(VendorError) {
                return (try parse(response), attempts)
            } catch {
                failure = error
            }
            guard failure.handling == .retry, !RetryPolicy.isRetryable(status: response.status) else { throw failure }
            retries += 1
            client.countRetry(source)
            switch retry.decide(retry: retries, retryAfter: nil, unit: Double.random(in: 0...1)) {
            case .giveUp: throw failure
            case .retry(let delay, _):
                if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
            }
        }
    }
}
