/// Monday to Friday, 00:00-24:00 UTC, no holidays: the stand-in for exchanges that have no
/// calendar here yet (Tokyo, London, Xetra, ...). A series on it is never judged behind on a
/// weekend; on a local holiday it may look one bar behind.
public struct WeekdayCalendar: TradingCalendar {
    public init() {}

    public var name: String { "weekdays" }

    static func isWeekday(_ date: CivilDate) -> Bool { date.weekday >= 1 && date.weekday <= 5 }

    static func make(_ date: CivilDate) -> Session {
        let open = date.daysSinceEpoch * UnixTime.secondsPerDay
        return Session(date: date, open: open, close: open + UnixTime.secondsPerDay, isEarlyClose: false)
    }

    public func session(on date: CivilDate) -> Session? { Self.isWeekday(date) ? Self.make(date) : nil }

    public func isSession(_ date: CivilDate) -> Bool { Self.isWeekday(date) }

    public func sessions(from: CivilDate, through: CivilDate) -> [Session] {
        guard from <= through else { return [] }
        return (from.daysSinceEpoch...through.daysSinceEpoch).map(CivilDate.init(daysSinceEpoch:))
            .filter(Self.isWeekday).map(Self.make)
    }

    public func previousSession(before date: CivilDate) -> Session? {
        var d = date.daysSinceEpoch - 1
        while !Self.isWeekday(CivilDate(daysSinceEpoch: d)) { d -= 1 }
        return Self.make(CivilDate(daysSinceEpoch: d))
    }

    public func nextSession(after date: CivilDate) -> Session? {
        var d = date.daysSinceEpoch + 1
        while !Self.isWeekday(CivilDate(daysSinceEpoch: d)) { d += 1 }
        return Self.make(CivilDate(daysSinceEpoch: d))
    }

    public func session(containing instant: Int64) -> Session? {
        session(on: UnixTime.civilDate(ofSeconds: instant))
    }

    public func lastClosedSession(at instant: Int64) -> Session? {
        // Sessions end at midnight UTC: the last one closed is the last weekday before today.
        previousSession(before: CivilDate(daysSinceEpoch: UnixTime.floorDays(instant)))
    }

    /// Weekdays in (a, b].
    public func sessionCount(after a: CivilDate, through b: CivilDate) -> Int {
        guard a < b else { return 0 }
        func weekdaysThrough(_ days: Int64) -> Int64 {   // weekdays in [epoch-ish origin, days]
            // 1970-01-01 was a Thursday (weekday 4). Count from a Monday origin.
            let fromMonday = days + 3   // 1969-12-29 (Monday) is day -3
            let weeks = fromMonday.quotientFloor(7), rest = fromMonday - weeks * 7
            return weeks * 5 + min(rest + 1, 5)
        }
        return Int(weekdaysThrough(b.daysSinceEpoch) - weekdaysThrough(a.daysSinceEpoch))
    }
}

extension Int64 {
    func quotientFloor(_ d: Int64) -> Int64 { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
