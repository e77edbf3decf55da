/// A market that never closes (`24x7`, crypto): every date is a session from 00:00 to 24:00 UTC.
public struct ContinuousCalendar: TradingCalendar, Hashable {
    public init() {}

    public var name: String { "24x7" }

    public func session(on date: CivilDate) -> Session? { Self.session(day: date.daysSinceEpoch) }

    public func isSession(_ date: CivilDate) -> Bool { true }

    public func previousSession(before date: CivilDate) -> Session? { Self.session(day: date.daysSinceEpoch - 1) }

    public func nextSession(after date: CivilDate) -> Session? { Self.session(day: date.daysSinceEpoch + 1) }

    public func session(containing instant: Int64) -> Session? { Self.session(day: UnixTime.floorDays(instant)) }

    /// The UTC day before the instant's; a day closes at the next midnight.
    public func lastClosedSession(at instant: Int64) -> Session? {
        Self.session(day: UnixTime.floorDays(instant) - 1)
    }

    public func sessionCount(after a: CivilDate, through b: CivilDate) -> Int {
        max(0, Int(b.daysSinceEpoch - a.daysSinceEpoch))
    }

    static func session(day: Int64) -> Session {
        let open = day * UnixTime.secondsPerDay
        return Session(date: CivilDate(daysSinceEpoch: day), open: open, close: open + UnixTime.secondsPerDay)
    }
}
