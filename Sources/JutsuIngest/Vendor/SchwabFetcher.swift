import JutsuCore
import JutsuHTTP
import JutsuVendors

/// Schwab's pricehistory with a bearer token. Minute windows go in pieces of at most 10 days
/// (Schwab answers whole days and refuses long minute ranges); daily and longer in one request.
/// A 401 (the access token expired early or was revoked) gets one new token and one more try;
/// a second 401 is the source's failure.
struct SchwabFetcher: SeriesFetcher {
    let client: HTTPClient
    let settings: HTTPSourceSettings
    let source: String
    let tokens: SchwabTokens
    var vendor: Vendor { .schwab }

    static let minutePiece: Int64 = 10 * UnixTime.secondsPerDay

    func fetch(symbol: Symbol, timeframe: Timeframe, window: KeyWindow, now: Int64) async throws -> SeriesFetch {
        let vendorSymbol = VendorSymbols.schwab(symbol)
        var out = SeriesFetch(vendor: .schwab, vendorSymbol: vendorSymbol)
        var from = window.from
        while from < window.to {
            let end = timeframe.isIntraday ? min(window.to, from + Self.minutePiece) : window.to
            let request = try SchwabPriceHistoryRequest(symbol: vendorSymbol, timeframe: timeframe,
                                                        window: KeyWindow(from: from, to: end))
            let url = settings.baseURL + request.request.pathAndQuery
            let first = try await send(url)
            out.requests += first.response.attempts
            var response = first.response
            if response.status == 401 {
                tokens.invalidate(first.token)
                let second = try await send(url)
                out.requests += second.response.attempts
                response = second.response
            }
            out.add(try Self.parse(response, request))
            from = end
        }
        return out
    }

    /// A 401 after a fresh token, or an entitlement refusal, is the whole source's failure.
    static func parse(_ response: HTTPResponse, _ request: SchwabPriceHistoryRequest) throws -> VendorBars {
        let result: Result<VendorBars, VendorError>
        do { result = .success(try SchwabPriceHistory.parse(status: response.status, body: response.body, request: request)) }
        catch { result = .failure(error) }
        switch result {
        case .success(let bars): return bars
        case .failure(let error):
            if error.handling == .failSource {
                throw VendorSourceFailure(message: "\(error) (after refreshing the access token once)")
            }
            throw error
        }
    }

    private struct Sent: Sendable {
        var response: HTTPResponse
        var token: String
    }

    private func send(_ url: String) async throws -> Sent {
        let token: String
        do { token = try await tokens.accessToken() } catch { throw VendorSourceFailure(message: "\(error)") }
        let response = try await client.get(HTTPRequest(
            url: url, headers: [HTTPHeader("Authorization", "Bearer \(token)"), HTTPHeader("Accept", "application/json")],
            source: source, secrets: tokens.secrets() + [token]))
        return Sent(response: response, token: token)
    }
}

/// Where the Schwab fetcher gets its bearer tokens (`SchwabTokenProvider` in a run).
struct SchwabTokens: Sendable {
    /// A valid access token (refreshed as needed); throws when the authorization is gone.
    var accessToken: @Sendable () async throws -> String
    /// After a 401 with this token: the next `accessToken()` refreshes.
    var invalidate: @Sendable (String) -> Void
    /// Every value to scrub from logs and errors (app key and secret, tokens).
    var secrets: @Sendable () -> [String]
}
