/// The parts of a chart v8 body the parser reads (`chart.result[0]` or `chart.error`; the
/// old v7 download endpoint wrapped the same error in `finance`).
struct YahooChartResponse: Decodable {
    var chart: Chart?
    var finance: Chart?

    struct Chart: Decodable {
        var result: [Result]?
        var error: ErrorBody?
    }

    struct ErrorBody: Decodable {
        var code: String?
        var description: String?
    }

    struct Result: Decodable {
        var meta: Meta
        var timestamp: [Int64]?
        var indicators: Indicators?
        var events: Events?
    }

    struct Meta: Decodable {
        var symbol: String?
        var exchangeTimezoneName: String?
        var gmtoffset: Int?
        var dataGranularity: String?
        var regularMarketTime: Int64?
        var currentTradingPeriod: TradingPeriods?
    }

    struct TradingPeriods: Decodable {
        var regular: Period?
    }

    struct Period: Decodable {
        var start: Int64
        var end: Int64
    }

    struct Indicators: Decodable {
        var quote: [Quote]?
    }

    /// Columns aligned with `timestamp`; any element may be `null`.
    struct Quote: Decodable {
        var open: [Double?]?
        var high: [Double?]?
        var low: [Double?]?
        var close: [Double?]?
        var volume: [Double?]?

        var columns: [(name: String, values: [Double?]?)] {
            [("open", open), ("high", high), ("low", low), ("close", close), ("volume", volume)]
        }
    }

    struct Events: Decodable {
        var dividends: [String: Dividend]?
        var splits: [String: Split]?
    }

    /// Event fields are optional: an odd event is noted and ignored, not a failed series.
    struct Dividend: Decodable {
        var amount: Double?
        var date: Int64
    }

    struct Split: Decodable {
        var date: Int64
        var numerator: Double?
        var denominator: Double?
    }
}
