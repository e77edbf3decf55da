import Foundation
import JutsuCSV
import JutsuCore
import JutsuHTTP
import JutsuVendors

/// Yahoo's chart API: the window split by `YahooRangePlanner` (intraday range limits), one
/// request per piece, each response parsed with its `Date` as the time it arrived (the live
/// last bar is judged against it).
struct YahooFetcher: SeriesFetcher {
    let client: HTTPClient
    let settings: HTTPSourceSettings
    /// The data source name: the rate limit's and the counters' key.
    let source: String
    var vendor: Vendor { .yahoo }

    func fetch(symbol: Symbol, timeframe: Timeframe, window: KeyWindow, now: Int64) async throws -> SeriesFetch {
        let vendorSymbol = VendorSymbols.yahoo(symbol)
        var out = SeriesFetch(vendor: .yahoo, vendorSymbol: vendorSymbol)
        let plan = YahooRangePlanner.plan(window, timeframe: timeframe, now: now)
        out.unavailable = plan.unavailable
        if let gone = plan.unavailable {
            out.notes.append("\(gone) is older than Yahoo keeps \(timeframe.rawValue) bars: not requested")
        }
        for piece in plan.windows {
            let request = try YahooChartRequest(symbol: vendorSymbol, timeframe: timeframe, window: piece)
            let exchange = VendorExchange(client: client, retry: settings.retry, source: source)
            let (page, attempts) = try await exchange.send(
                HTTPRequest(url: settings.baseURL + request.request.pathAndQuery, source: source)
            ) { (response: HTTPResponse) throws(VendorError) -> VendorBars in
                var answered = request
                answered.receivedAt = response.date.map { Int64($0.timeIntervalSince1970) }
                return try YahooChart.parse(status: response.status, body: response.body, request: answered,
                                            zones: { ZoneResolver.rule(named: $0) })
            }
            out.requests += attempts
            out.add(page)
        }
        return out
    }
}
