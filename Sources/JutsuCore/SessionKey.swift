/// Normalization of bar timestamps to the stored key convention (PRODUCT.md, "Data
/// conventions"): daily, weekly and monthly bars are keyed by their session date at 00:00 UTC,
/// whatever instant the vendor stamps.
public enum SessionKey {
    /// Key for a bar of `timeframe` whose session (local) date is `date`: 1d -> date 00:00Z;
    /// 1w -> the Monday of that week (a Sunday-stamped week, as Polygon sends, maps to the next
    /// day's Monday; Saturday maps to the previous Monday); 1mo -> the 1st of the month.
    /// Intraday: not applicable (precondition).
    public static func dailyKey(_ date: CivilDate, timeframe: Timeframe) -> Int64 {
        precondition(!timeframe.isIntraday, "SessionKey.dailyKey is for 1d, 1w and 1mo bars")
        let days = date.daysSinceEpoch
        switch timeframe {
        case .w1:
            let weekday = Int64(date.weekday)
            let monday = weekday == 0 ? days + 1 : days - (weekday - 1)
            return monday * UnixTime.secondsPerDay
        case .mo1:
            return (days - Int64(date.day) + 1) * UnixTime.secondsPerDay
        default:
            return days * UnixTime.secondsPerDay
        }
    }

    /// Key for a vendor instant (UTC seconds) of a daily-or-longer bar: the local date in `zone`,
    /// then `dailyKey`. (Yahoo stamps 14:30Z -> that date; Schwab midnight Chicago 05:00Z -> that date.)
    public static func dailyKey(instant: Int64, zone: any ZoneRule, timeframe: Timeframe) -> Int64 {
        dailyKey(zone.localDate(atUTC: instant), timeframe: timeframe)
    }
}
