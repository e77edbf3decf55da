import JutsuCore

/// A series' freshness at an instant, as the SQL contract's `jutsu_series_lag` judges it
/// (docs/contract.md): daily series exactly on their calendar's sessions, other timeframes by the
/// age of the newest bar against the threshold.
public struct SeriesFreshness: Hashable, Sendable {
    public enum Status: String, Hashable, Sendable {
        case fresh, aging, stale, missing

        /// What the guard accepts: `fresh` and `aging`, as `jutsu_is_fresh`.
        public var isUsable: Bool { self == .fresh || self == .aging }
    }

    public var symbol: String
    public var timeframe: Timeframe
    /// The instant judged at (UTC seconds).
    public var at: Int64
    public var status: Status
    /// Newest stored bar; nil when the series has none.
    public var newestBar: Int64?
    /// Daily series: the newest session that had closed (plus the publication delay) by `at`.
    public var expectedBar: Int64?
    /// Daily series: sessions between the newest bar and the expected one.
    public var lagBars: Int64?
    /// The trading calendar judged on (`series_freshness_policy`, else `XNYS`).
    public var calendar: String

    public init(symbol: String, timeframe: Timeframe, at: Int64, status: Status, newestBar: Int64?,
                expectedBar: Int64?, lagBars: Int64?, calendar: String) {
        self.symbol = symbol
        self.timeframe = timeframe
        self.at = at
        self.status = status
        self.newestBar = newestBar
        self.expectedBar = expectedBar
        self.lagBars = lagBars
        self.calendar = calendar
    }
}

/// Consecutive sessions of a series' calendar without a bar (`from ... through`, inclusive;
/// `count` sessions): the core's gap run, as `jutsu-ingest gaps` reports them.
public typealias SessionGap = Gaps.Run

extension Gaps.Run {
    var text: String { from == through ? "\(from)" : "\(from) .. \(through) (\(count) sessions)" }
}

/// What the guard found acceptable: the verdict and how many sessions the range needed.
public struct SeriesCheck: Hashable, Sendable {
    public var freshness: SeriesFreshness
    /// Sessions of the calendar in the range that had closed by `at` (each has a bar).
    public var sessionsChecked: Int
    /// Weekly and monthly series are not checked for gaps.
    public var gapsChecked: Bool
}
