import JutsuCore

/// Turns a written timestamp into the stored bar key (PRODUCT.md, "Data conventions").
///
/// Daily and longer bars are keyed by the session date at 00:00 UTC:
/// - a date alone: that date;
/// - a date-time with an offset: the local date as written (`2023-04-14 00:00:00+09:00` is
///   the 2023-04-14 session, although it is 2023-04-13 in UTC);
/// - a naive date-time: the date as written (it is already exchange-local);
/// - an epoch: its UTC date when it is 00:00 UTC (a date written as an instant: TradingView and
///   crypto exports, epoch-millisecond writers; read in New York it would be the previous
///   evening and every bar would move back a session), else the date in the exchange zone
///   (Yahoo's session open 14:30Z, Schwab's Chicago midnight 05:00Z). The same rule as
///   `migrate-sqlite` (`LegacyConversion`).
///
/// Intraday bars are keyed by their start instant in UTC:
/// - with an offset: converted with it; naive: interpreted in the zone; epoch: as is;
/// - a date alone: midnight local time;
/// - `barTimeIsEnd`: one bar length earlier (the file stamps bars at their end).
struct TimestampKeyer {
    let timeframe: Timeframe
    let zone: any ZoneRule
    /// Subtracted from intraday keys: the bar length when the file stamps bar ends, else 0.
    let endShift: Int64

    /// Offsets per local day (for naive times) and per UTC day (for epochs), remembered for the
    /// last day seen when the offset is the same all day: zone rules compute DST dates per call,
    /// and consecutive rows share a day. Days with a transition ask the rule every time.
    private var localDayCache = DayOffsetCache()
    private var utcDayCache = DayOffsetCache()

    init(timeframe: Timeframe, zone: any ZoneRule, barTimeIsEnd: Bool = false) {
        self.timeframe = timeframe
        self.zone = zone
        endShift = barTimeIsEnd && timeframe.isIntraday ? timeframe.alignmentSeconds : 0
    }

    @inline(__always)
    mutating func key(_ written: WrittenTimestamp) -> Int64 {
        if timeframe.isIntraday {
            let start: Int64
            switch written {
            case .date(let days): start = utc(fromLocal: days &* UnixTime.secondsPerDay)
            case .local(let days, let second): start = utc(fromLocal: days &* UnixTime.secondsPerDay &+ Int64(second))
            case .zoned(let days, let second, let offset):
                start = days &* UnixTime.secondsPerDay &+ Int64(second) &- Int64(offset)
            case .instant(let t): start = t
            }
            return start &- endShift
        }
        let days = sessionDays(written)
        if timeframe == .d1 { return days &* UnixTime.secondsPerDay }  // what dailyKey does for 1d
        return SessionKey.dailyKey(CivilDate(daysSinceEpoch: days), timeframe: timeframe)
    }

    /// The exchange-local calendar date of the bar (the ex-date of a corporate action on the
    /// same row), as days since the epoch.
    @inline(__always)
    mutating func sessionDays(_ written: WrittenTimestamp) -> Int64 {
        switch written {
        case .date(let days), .local(let days, _), .zoned(let days, _, _): return days
        case .instant(let t):
            let day = UnixTime.floorDays(t)
            if t == day &* UnixTime.secondsPerDay { return day }  // 00:00 UTC: a date as an instant
            let offset = utcDayCache.offset(day: day) ?? fillUTC(day: day, t)
            return UnixTime.floorDays(t &+ Int64(offset))
        }
    }

    @inline(__always)
    private mutating func utc(fromLocal local: Int64) -> Int64 {
        let day = UnixTime.floorDays(local)
        let offset = localDayCache.offset(day: day) ?? fillLocal(day: day, local)
        return local &- Int64(offset)
    }

    private mutating func fillLocal(day: Int64, _ local: Int64) -> Int32 {
        let start = zone.offsetSeconds(forLocal: day &* UnixTime.secondsPerDay)
        let end = zone.offsetSeconds(forLocal: day &* UnixTime.secondsPerDay &+ UnixTime.secondsPerDay &- 1)
        localDayCache.remember(day: day, offset: start == end ? start : nil)
        return start == end ? start : zone.offsetSeconds(forLocal: local)
    }

    private mutating func fillUTC(day: Int64, _ t: Int64) -> Int32 {
        let start = zone.offsetSeconds(atUTC: day &* UnixTime.secondsPerDay)
        let end = zone.offsetSeconds(atUTC: day &* UnixTime.secondsPerDay &+ UnixTime.secondsPerDay &- 1)
        utcDayCache.remember(day: day, offset: start == end ? start : nil)
        return start == end ? start : zone.offsetSeconds(atUTC: t)
    }
}

/// The UTC offset of one day, if it is the same all day.
struct DayOffsetCache {
    private var day = Int64.min
    private var uniformOffset: Int32?

    @inline(__always)
    func offset(day: Int64) -> Int32? { day == self.day ? uniformOffset : nil }

    mutating func remember(day: Int64, offset: Int32?) {
        self.day = day
        uniformOffset = offset
    }
}
