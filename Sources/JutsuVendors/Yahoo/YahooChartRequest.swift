import JutsuCore

/// One request to Yahoo's chart API v8:
/// `/v8/finance/chart/{symbol}?period1&period2&interval&events=div,splits&includePrePost`.
///
/// The window is given in key terms (`KeyWindow`); `period1`/`period2` follow from it. Daily and
/// longer bars are stamped at the session open in exchange time (14:30Z in New York, 23:00Z the
/// day before in Sydney's summer), so their periods get a day of margin on both sides and the
/// parser keeps the bars whose session date is inside the window. Intraday periods are the
/// window itself.
public struct YahooChartRequest: Sendable, Hashable {
    /// Yahoo's spelling: `AAPL`, `BRK-B`, `^GSPC`, `EURUSD=X`, `0P000071W8.TO`.
    public var vendorSymbol: String
    /// The canonical symbol the bars are stored under (`BRK-B` -> `BRK.B`).
    public var symbol: Symbol
    public var timeframe: Timeframe
    public var window: KeyWindow
    /// Also ask for pre- and post-market bars (intraday only; Yahoo ignores it for daily).
    public var includePrePost: Bool
    /// When the response arrived (UTC seconds, e.g. from its `Date` header): decides whether the
    /// last bar is still live. Without it, `meta.regularMarketTime` stands in.
    public var receivedAt: Int64?

    public init(symbol vendorSymbol: String, timeframe: Timeframe, window: KeyWindow,
                includePrePost: Bool = false, receivedAt: Int64? = nil) throws(VendorError) {
        self.vendorSymbol = vendorSymbol
        self.symbol = try VendorError.canonical(vendorSymbol, vendor: .yahoo)
        self.timeframe = timeframe
        self.window = window
        self.includePrePost = includePrePost
        self.receivedAt = receivedAt
    }

    /// Yahoo's interval names: `1m 5m 15m 30m 1h 1d 1wk 1mo`.
    public static func interval(_ timeframe: Timeframe) -> String {
        switch timeframe {
        case .w1: "1wk"
        default: timeframe.rawValue
        }
    }

    public var period1: Int64 { timeframe.isIntraday ? window.from : window.from - UnixTime.secondsPerDay }
    public var period2: Int64 { timeframe.isIntraday ? window.to : window.to + UnixTime.secondsPerDay }

    public var request: VendorRequest {
        VendorRequest(
            path: ["v8", "finance", "chart", vendorSymbol],
            query: [
                ("period1", String(period1)), ("period2", String(period2)),
                ("interval", Self.interval(timeframe)), ("events", "div,splits"),
                ("includePrePost", includePrePost ? "true" : "false"),
            ])
    }
}
