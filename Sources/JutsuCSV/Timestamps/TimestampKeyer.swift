import JutsuCore

/// Turns a written timestamp into the stored bar key (PRODUCT.md, "Data conventions").
///
/// Daily and longer bars are keyed by the session date at 00:00 UTC:
/// - a date alone: that date;
/// - a date-time with an offset: the local date as written (`2023-04-14 00:00:00+09:00` is
///   the 2023-04-14 session, although it is 2023-04-13 in UTC);
/// - a naive date-time: the date as written (it is already exchange-local);
/// - an epoch: the date in the exchange zone.
///
/// Intraday bars are keyed by their start instant in UTC:
/// - with an offset: converted with it; naive: interpreted in the zone; epoch: as is;
/// - a date alone: midnight local time.
struct TimestampKeyer: Sendable {
    let timeframe: Timeframe
    let zone: any ZoneRule

    @inline(__always)
    func key(_ written: WrittenTimestamp) -> Int64 {
        if timeframe.isIntraday {
            switch written {
            case .date(let days): return zone.utc(fromLocal: days &* UnixTime.secondsPerDay)
            case .local(let days, let second): return zone.utc(fromLocal: days &* UnixTime.secondsPerDay &+ Int64(second))
            case .zoned(let days, let second, let offset):
                return days &* UnixTime.secondsPerDay &+ Int64(second) &- Int64(offset)
            case .instant(let t): return t
            }
        }
        let days = sessionDays(written)
        if timeframe == .d1 { return days &* UnixTime.secondsPerDay }  // what dailyKey does for 1d
        return SessionKey.dailyKey(CivilDate(daysSinceEpoch: days), timeframe: timeframe)
    }

    /// The exchange-local calendar date of the bar (the ex-date of a corporate action on the
    /// same row), as days since the epoch.
    @inline(__always)
    func sessionDays(_ written: WrittenTimestamp) -> Int64 {
        switch written {
        case .date(let days), .local(let days, _), .zoned(let days, _, _): return days
        case .instant(let t): return UnixTime.floorDays(zone.local(fromUTC: t))
        }
    }
}
