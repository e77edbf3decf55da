import JutsuCore

/// A stored series, from `data_metadata` (kept equal to a recount of `market_data`).
public struct SeriesInfo: Hashable, Sendable {
    public var symbol: String
    public var timeframe: Timeframe
    /// Oldest and newest bar (UTC seconds of their `ts`).
    public var firstBar: Int64
    public var lastBar: Int64
    public var barCount: Int64
    /// Sources that wrote its bars, sorted (`csv`, `yahoo`, ...).
    public var sources: [String]
    /// When a source was last read for the series (UTC seconds), if recorded.
    public var lastFetchAt: Int64?

    public init(symbol: String, timeframe: Timeframe, firstBar: Int64, lastBar: Int64, barCount: Int64,
                sources: [String], lastFetchAt: Int64?) {
        self.symbol = symbol
        self.timeframe = timeframe
        self.firstBar = firstBar
        self.lastBar = lastBar
        self.barCount = barCount
        self.sources = sources
        self.lastFetchAt = lastFetchAt
    }
}
