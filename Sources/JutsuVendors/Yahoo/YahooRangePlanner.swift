import JutsuCore

/// Splits a key window into chart requests Yahoo will answer.
///
/// Yahoo refuses (422) intraday requests beyond these limits:
///
/// | interval | each request at most | data available for the last |
/// |---|---|---|
/// | `1m` | 7 days | 30 days |
/// | `5m` `15m` `30m` | 60 days | 60 days |
/// | `1h` | 730 days | 730 days |
/// | `1d` `1wk` `1mo` | no limit | no limit |
///
/// The part of a window older than the availability limit cannot be fetched from Yahoo at
/// all: the plan says so (`unavailable`) instead of sending requests that fail.
public enum YahooRangePlanner {
    /// The limits of one interval, in seconds; `nil`: none.
    public struct Limit: Sendable, Hashable {
        public var maxWindow: Int64?
        public var lookback: Int64?
    }

    public static func limit(_ timeframe: Timeframe) -> Limit {
        let day = UnixTime.secondsPerDay
        return switch timeframe {
        case .m1: Limit(maxWindow: 7 * day, lookback: 30 * day)
        case .m5, .m15, .m30: Limit(maxWindow: 60 * day, lookback: 60 * day)
        case .h1: Limit(maxWindow: 730 * day, lookback: 730 * day)
        case .d1, .w1, .mo1: Limit(maxWindow: nil, lookback: nil)
        }
    }

    public struct Plan: Sendable, Hashable {
        /// Consecutive windows covering the fetchable part, oldest first.
        public var windows: [KeyWindow]
        /// The part older than the interval's availability limit, if any.
        public var unavailable: KeyWindow?
    }

    /// Windows covering `window` at `now` (UTC seconds). The availability floor is
    /// `now - lookback + margin`, rounded up to the bar step: the margin (default one hour)
    /// keeps a request planned now valid when it is sent a little later.
    public static func plan(_ window: KeyWindow, timeframe: Timeframe, now: Int64, margin: Int64 = 3600) -> Plan {
        guard window.from < window.to else { return Plan(windows: [], unavailable: nil) }
        let limit = limit(timeframe)
        var from = window.from
        var unavailable: KeyWindow?
        if let lookback = limit.lookback {
            let step = timeframe.stepSeconds
            var floor = now - lookback + margin
            let r = floor % step
            if r != 0 { floor += r > 0 ? step - r : -r }
            if from < floor {
                unavailable = KeyWindow(from: from, to: min(floor, window.to))
                from = floor
            }
        }
        var windows: [KeyWindow] = []
        while from < window.to {
            let end = limit.maxWindow.map { min(from + $0, window.to) } ?? window.to
            windows.append(KeyWindow(from: from, to: end))
            from = end
        }
        return Plan(windows: windows, unavailable: unavailable)
    }
}
