/// Monday to Friday, 00:00-24:00 UTC, no holidays: the stand-in for exchanges that have no
/// calendar here yet (Tokyo, London, Xetra, ...). A series on it is never judged behind on a
/// weekend; on a local holiday it may look one bar behind. Everything but the session itself
/// and the O(1) count comes from `TradingCalendar`'s defaults.
public struct WeekdayCalendar: TradingCalendar {
    public init() {}

    public var name: String { "weekdays" }

    public func session(on date: CivilDate) -> Session? {
        guard !CalendarDays.isWeekend(date.daysSinceEpoch) else { return nil }
        let open = date.daysSinceEpoch * UnixTime.secondsPerDay
        return Session(date: date, open: open, close: open + UnixTime.secondsPerDay)
    }

    public func session(containing instant: Int64) -> Session? {
        session(on: UnixTime.civilDate(ofSeconds: instant))
    }

    /// Weekdays in (a, b].
    public func sessionCount(after a: CivilDate, through b: CivilDate) -> Int {
        guard a < b else { return 0 }
        return Int(CalendarDays.weekdaysThrough(b.daysSinceEpoch) - CalendarDays.weekdaysThrough(a.daysSinceEpoch))
    }
}
