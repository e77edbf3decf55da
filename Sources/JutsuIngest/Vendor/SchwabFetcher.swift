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
    /// Schwab serves minute candles for about the last 48 days: older parts of a window are not
    /// requested (a first run without `start` would otherwise ask for decades in 10-day pieces).
    static let minuteHistory: Int64 = 48 * UnixTime.secondsPerDay

    func fetch(symbol: Symbol, timeframe: Timeframe, window: KeyWindow, now: Int64) async throws -> SeriesFetch {
        let vendorSymbol = VendorSymbols.schwab(symbol)
        var out = SeriesFetch(vendor: .schwab, vendorSymbol: vendorSymbol)
        var from = window.from
        if timeframe.isIntraday, from < now - Self.minuteHistory {
            let floor = min(window.to, now - Self.minuteHistory)
            out.unavailable = KeyWindow(from: from, to: floor)
            out.notes.append("\(KeyWindow(from: from, to: floor)) is older than Schwab keeps \(timeframe.rawValue) candles: not requested")
            from = floor
        }
        while from < window.to {
            let end = timeframe.isIntraday ? min(window.to, from + Self.minutePiece) : window.to
            let request = try SchwabPriceHistoryRequest(symbol: vendorSymbol, timeframe: timeframe,
                                                        window: KeyWindow(from: from, to: end))
            let url = settings.baseURL + request.request.pathAndQuery
            let (page, attempts) = try await send(url, request)
            out.requests += attempts
            out.add(page)
            from = end
        }
        return out
    }

    /// One page: the request with the current token through the exchange (transient answers
    /// retried); a 401 invalidates that token and sends once more with a fresh one. A second
    /// refusal, or an entitlement refusal, is the whole source's failure.
    private func send(_ url: String, _ request: SchwabPriceHistoryRequest) async throws -> (VendorBars, Int) {
        let exchange = VendorExchange(client: client, retry: settings.retry, source: source)
        var attempts = 0
        var refreshed = false
        while true {
            let token: String
            do { token = try await tokens.accessToken() } catch { throw VendorSourceFailure(message: "\(error)") }
            let http = HTTPRequest(
                url: url, headers: [HTTPHeader("Authorization", "Bearer \(token)"), HTTPHeader("Accept", "application/json")],
                source: source, secrets: tokens.secrets() + [token])
            let outcome: Result<(VendorBars, Int), VendorError>
            do {
                let (bars, n) = try await exchange.send(http) { (response: HTTPResponse) throws(VendorError) -> VendorBars in
                    try SchwabPriceHistory.parse(status: response.status, body: response.body, request: request)
                }
                outcome = .success((bars, n))
            } catch let error as VendorError {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let (bars, n)): return (bars, attempts + n)
            case .failure(let error):
                attempts += 1
                if error.code == .unauthorized, !refreshed {
                    tokens.invalidate(token)
                    refreshed = true
                    continue
                }
                if error.handling == .failSource {
                    throw VendorSourceFailure(message: "\(error)" + (refreshed ? " (after refreshing the access token once)" : ""))
                }
                throw error
            }
        }
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
