import JutsuCore

/// One request to Polygon's aggregates:
/// `/v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}?adjusted&sort=asc&limit=50000`.
///
/// Polygon's `to` is inclusive: daily and longer windows are sent as dates (`from` .. the day
/// before `to`), intraday windows as epoch milliseconds (`to` minus one millisecond). The API
/// key is not part of the request: the client appends it, also to `next_url`.
public struct PolygonAggregatesRequest: Sendable, Hashable {
    /// Polygon's ticker (`AAPL`, `BRK.B`; case kept as given).
    public var ticker: String
    public var symbol: Symbol
    public var timeframe: Timeframe
    public var window: KeyWindow
    public var adjusted: Bool

    public init(ticker: String, timeframe: Timeframe, window: KeyWindow, adjusted: Bool = true) throws(VendorError) {
        self.ticker = ticker
        self.symbol = try VendorError.canonical(ticker, vendor: .polygon)
        self.timeframe = timeframe
        self.window = window
        self.adjusted = adjusted
    }

    /// Multiplier and timespan: `1m` -> 1 minute ... `1h` -> 1 hour, `1d` -> 1 day, `1w` -> 1 week,
    /// `1mo` -> 1 month.
    public static func range(_ timeframe: Timeframe) -> (multiplier: Int, timespan: String) {
        switch timeframe {
        case .m1: (1, "minute")
        case .m5: (5, "minute")
        case .m15: (15, "minute")
        case .m30: (30, "minute")
        case .h1: (1, "hour")
        case .d1: (1, "day")
        case .w1: (1, "week")
        case .mo1: (1, "month")
        }
    }

    public var request: VendorRequest {
        let (multiplier, timespan) = Self.range(timeframe)
        let from: String
        let to: String
        if timeframe.isIntraday {
            from = String(window.from * 1000)
            to = String(window.to * 1000 - 1)
        } else {
            from = UnixTime.civilDate(ofSeconds: window.from).description
            to = UnixTime.civilDate(ofSeconds: window.to - UnixTime.secondsPerDay).description
        }
        return VendorRequest(
            path: ["v2", "aggs", "ticker", ticker, "range", String(multiplier), timespan, from, to],
            query: [("adjusted", adjusted ? "true" : "false"), ("sort", "asc"), ("limit", "50000")])
    }
}

/// Polygon's grouped daily bars of a whole market:
/// `/v2/aggs/grouped/locale/us/market/stocks/{date}?adjusted`.
public struct PolygonGroupedDailyRequest: Sendable, Hashable {
    public var date: CivilDate
    public var adjusted: Bool

    public init(date: CivilDate, adjusted: Bool = true) {
        self.date = date
        self.adjusted = adjusted
    }

    public var request: VendorRequest {
        VendorRequest(path: ["v2", "aggs", "grouped", "locale", "us", "market", "stocks", date.description],
                      query: [("adjusted", adjusted ? "true" : "false")])
    }
}
