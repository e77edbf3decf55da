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
            var request = try YahooChartRequest(symbol: vendorSymbol, timeframe: timeframe, window: piece)
            let response = try await client.get(HTTPRequest(url: settings.baseURL + request.request.pathAndQuery, source: source))
            out.requests += response.attempts
            request.receivedAt = response.date.map { Int64($0.timeIntervalSince1970) }
            out.add(try YahooChart.parse(status: response.status, body: response.body, request: request,
                                         zones: { ZoneResolver.rule(named: $0) }))
        }
        return out
    }
}
