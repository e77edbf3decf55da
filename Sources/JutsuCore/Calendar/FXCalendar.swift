/// Spot FX (`24x5`): a session for each Monday...Friday date D, from 17:00 New York on D-1 to
/// 17:00 New York on D (the New York close convention), so the week trades from Sunday 17:00 to
/// Friday 17:00 New York time without a break. No holidays: the interbank market thins out
/// around Christmas and New Year's but does not close.
///
/// US daylight time changes at 02:00 on a Sunday, inside the weekend gap, so every session is
/// exactly 24 hours long; its UTC times move by an hour across the change.
public struct FXCalendar: TradingCalendar, Hashable {
    public init() {}

    public var name: String { "24x5" }

    public static let zone = USZone.eastern
    /// The daily roll, seconds after New York midnight.
    public static let rollLocal: Int64 = 17 * 3600

    public func session(on date: CivilDate) -> Session? { Self.session(day: date.daysSinceEpoch) }

    public func isSession(_ date: CivilDate) -> Bool { !CalendarDays.isWeekend(date.daysSinceEpoch) }

    public func previousSession(before date: CivilDate) -> Session? {
        var day = date.daysSinceEpoch - 1
        while CalendarDays.isWeekend(day) { day -= 1 }
        return Self.session(day: day)
    }

    public func nextSession(after date: CivilDate) -> Session? {
        var day = date.daysSinceEpoch + 1
        while CalendarDays.isWeekend(day) { day += 1 }
        return Self.session(day: day)
    }

    public func session(containing instant: Int64) -> Session? {
        guard let s = Self.session(day: Self.tradingDay(of: instant)), s.contains(instant) else { return nil }
        return s
    }

    /// The session dated before the instant's trading day: that day's close is still ahead.
    public func lastClosedSession(at instant: Int64) -> Session? {
        previousSession(before: CivilDate(daysSinceEpoch: Self.tradingDay(of: instant)))
    }

    public func sessionCount(after a: CivilDate, through b: CivilDate) -> Int {
        let lo = a.daysSinceEpoch
        let hi = b.daysSinceEpoch
        guard lo < hi else { return 0 }
        return Int(CalendarDays.weekdaysThrough(hi) - CalendarDays.weekdaysThrough(lo))
    }

    /// The date D whose roll-to-roll span (D-1 17:00, D 17:00] New York holds `instant`
    /// (a session when D is a weekday).
    static func tradingDay(of instant: Int64) -> Int64 {
        let local = zone.local(fromUTC: instant)
        let day = UnixTime.floorDays(local)
        return UnixTime.secondOfDay(local) >= rollLocal ? day + 1 : day
    }

    static func session(day: Int64) -> Session? {
        guard !CalendarDays.isWeekend(day) else { return nil }
        let close = zone.utc(fromLocal: day * UnixTime.secondsPerDay + rollLocal)
        let open = zone.utc(fromLocal: (day - 1) * UnixTime.secondsPerDay + rollLocal)
        return Session(date: CivilDate(daysSinceEpoch: day), open: open, close: close)
    }
}
