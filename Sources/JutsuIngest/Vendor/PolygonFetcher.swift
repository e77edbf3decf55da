import JutsuCore
import JutsuHTTP
import JutsuVendors

/// Polygon's aggregates: one query per window, followed through `next_url` pages. The API key
/// goes on every request as `apiKey` (also on `next_url`, which Polygon returns without it);
/// it is scrubbed from every log line and error.
struct PolygonFetcher: SeriesFetcher {
    let client: HTTPClient
    let settings: HTTPSourceSettings
    let source: String
    let apiKey: String
    let adjusted: Bool
    var vendor: Vendor { .polygon }

    /// A runaway `next_url` chain stops here (50,000 bars a page: 50 million bars).
    static let maxPages = 1_000

    func fetch(symbol: Symbol, timeframe: Timeframe, window: KeyWindow, now: Int64) async throws -> SeriesFetch {
        let ticker = VendorSymbols.polygon(symbol)
        var out = SeriesFetch(vendor: .polygon, vendorSymbol: ticker)
        let request = try PolygonAggregatesRequest(ticker: ticker, timeframe: timeframe, window: window, adjusted: adjusted)
        var next: VendorRequest? = request.request
        var pages = 0
        while let page = next {
            pages += 1
            guard pages <= Self.maxPages else {
                throw VendorError(vendor: .polygon, code: .unexpectedShape, status: nil,
                                  message: "next_url still present after \(Self.maxPages) pages")
            }
            let exchange = VendorExchange(client: client, retry: settings.retry, source: source)
            let (parsed, attempts) = try await exchange.send(HTTPRequest(url: url(page), source: source, secrets: [apiKey])) {
                (response: HTTPResponse) throws(VendorError) -> VendorBars in
                try PolygonAggregates.parse(status: response.status, body: response.body, request: request)
            }
            out.requests += attempts
            out.add(parsed)
            next = parsed.nextPage.flatMap(PolygonAggregates.nextRequest)
        }
        return out
    }

    /// The request against this source's base URL, with the key appended.
    func url(_ request: VendorRequest) -> String {
        var withKey = request
        withKey.query.append(("apiKey", apiKey))
        return settings.baseURL + withKey.pathAndQuery
    }
}
