/// Plausibility rules every bar must pass before it is stored.
public struct BarValidator: Sendable {
    /// Rules that can be turned off (all on by default). Raw values equal the reject codes.
    public enum Rule: String, Sendable, CaseIterable {
        case nonPositivePrice = "non_positive_price"
        case highBelowLow = "high_below_low"
        case lowAboveOpenClose = "low_above_open_close"
        case highBelowOpenClose = "high_below_open_close"
        case negativeVolume = "negative_volume"
        case misalignedTimestamp = "misaligned_timestamp"
        case futureTimestamp = "future_timestamp"
        case weekendDailyBar = "weekend_daily_bar"

        /// The reject code this rule reports.
        public var reason: RejectReason {
            switch self {
            case .nonPositivePrice: .nonPositivePrice
            case .highBelowLow: .highBelowLow
            case .lowAboveOpenClose: .lowAboveOpenClose
            case .highBelowOpenClose: .highBelowOpenClose
            case .negativeVolume: .negativeVolume
            case .misalignedTimestamp: .misalignedTimestamp
            case .futureTimestamp: .futureTimestamp
            case .weekendDailyBar: .weekendDailyBar
            }
        }
    }

    public var enabled: Set<Rule> {
        didSet { mask = Self.mask(of: enabled) }
    }
    /// UTC seconds, injected (no clock reads in the core).
    public var now: Int64
    /// The calendar of every bar (`SymbolCalendar.names`); nil: each symbol's own
    /// (`SymbolCalendar.calendar(for:)`). A market that trades every day (24x7: crypto pairs)
    /// has weekend daily bars.
    public var calendar: String?
    /// `enabled` as bits: checked once per rule per row, so no hashing on the hot path.
    private var mask: UInt16

    public init(now: Int64, enabled: Set<Rule> = Set(Rule.allCases)) {
        self.now = now
        self.enabled = enabled
        self.mask = Self.mask(of: enabled)
    }

    private static func mask(of rules: Set<Rule>) -> UInt16 {
        var mask: UInt16 = 0
        for (i, rule) in Rule.allCases.enumerated() where rules.contains(rule) { mask |= 1 << UInt16(i) }
        return mask
    }

    @inline(__always)
    private func isOn(_ rule: Rule) -> Bool {
        let index: UInt16 = switch rule {
        case .nonPositivePrice: 0
        case .highBelowLow: 1
        case .lowAboveOpenClose: 2
        case .highBelowOpenClose: 3
        case .negativeVolume: 4
        case .misalignedTimestamp: 5
        case .futureTimestamp: 6
        case .weekendDailyBar: 7
        }
        return mask & (1 << index) != 0
    }

    /// First failing rule in a fixed order, with a message naming field and value; nil when valid.
    /// Order: non_positive_price (any of o/h/l/c <= 0), high_below_low, low_above_open_close
    /// (low > min(open, close)), high_below_open_close (high < max(open, close)), negative_volume,
    /// misaligned_timestamp (intraday: ts % alignmentSeconds != 0; 1d/1w/1mo: ts % 86400 != 0;
    /// 1w: not a Monday; 1mo: not the 1st), future_timestamp (ts > now), weekend_daily_bar
    /// (1d on Sat/Sun, unless the symbol's calendar trades every day).
    public func check(_ bar: Bar) -> (reason: RejectReason, message: String)? {
        if isOn(.nonPositivePrice), min(bar.open, bar.high, bar.low, bar.close).micros <= 0 {
            let (name, price) = bar.open.micros <= 0 ? ("open", bar.open)
                : bar.high.micros <= 0 ? ("high", bar.high)
                : bar.low.micros <= 0 ? ("low", bar.low) : ("close", bar.close)
            return (.nonPositivePrice, "field '\(name)' value '\(price)': price must be positive")
        }
        if isOn(.highBelowLow), bar.high < bar.low {
            return (.highBelowLow, "field 'high' value '\(bar.high)': below low \(bar.low)")
        }
        if isOn(.lowAboveOpenClose), bar.low > min(bar.open, bar.close) {
            let other = bar.open <= bar.close ? ("open", bar.open) : ("close", bar.close)
            return (
                .lowAboveOpenClose, "field 'low' value '\(bar.low)': above \(other.0) \(other.1)"
            )
        }
        if isOn(.highBelowOpenClose), bar.high < max(bar.open, bar.close) {
            let other = bar.open >= bar.close ? ("open", bar.open) : ("close", bar.close)
            return (
                .highBelowOpenClose, "field 'high' value '\(bar.high)': below \(other.0) \(other.1)"
            )
        }
        if isOn(.negativeVolume), bar.volume < 0 {
            return (.negativeVolume, "field 'volume' value '\(bar.volume)': volume must not be negative")
        }
        if isOn(.misalignedTimestamp), let problem = alignmentProblem(bar) {
            return (
                .misalignedTimestamp,
                "field 'ts' value '\(UnixTime.iso8601(bar.ts))': \(problem)"
            )
        }
        if isOn(.futureTimestamp), bar.ts > now {
            return (
                .futureTimestamp,
                "field 'ts' value '\(UnixTime.iso8601(bar.ts))': after now (\(UnixTime.iso8601(now)))"
            )
        }
        if isOn(.weekendDailyBar), bar.timeframe == .d1 {
            let date = UnixTime.civilDate(ofSeconds: bar.ts)
            let weekday = date.weekday
            if weekday == 0 || weekday == 6, !(SymbolCalendar.calendar(for: bar.symbol, named: calendar) is ContinuousCalendar) {
                return (
                    .weekendDailyBar,
                    "field 'ts' value '\(date)': daily bar on a \(weekday == 0 ? "Sunday" : "Saturday")"
                )
            }
        }
        return nil
    }

    private func alignmentProblem(_ bar: Bar) -> String? {
        let tf = bar.timeframe
        if tf.isIntraday {
            if bar.ts % tf.alignmentSeconds != 0 {
                return "not a multiple of \(tf.alignmentSeconds / 60) minutes for \(tf.rawValue) bars"
            }
            return nil
        }
        if bar.ts % UnixTime.secondsPerDay != 0 {
            return "\(tf.rawValue) bars must be keyed at 00:00 UTC of the session date"
        }
        let date = UnixTime.civilDate(ofSeconds: bar.ts)
        if tf == .w1, date.weekday != 1 {
            return "1w bars must be keyed on a Monday"
        }
        if tf == .mo1, date.day != 1 {
            return "1mo bars must be keyed on the 1st of the month"
        }
        return nil
    }
}
