/// The trading sessions of one market: which dates trade, and when.
///
/// A series (symbol, timeframe) is judged against the calendar of its market: the freshness
/// model asks for the newest session that should have a bar, the gap finder walks sessions.
/// Conform a new type to add a market; the extension below gives working defaults for
/// everything but `name`, `session(on:)` and `session(containing:)`, and conformers override
/// what they can do faster (see `docs/calendar.md`).
public protocol TradingCalendar: Sendable {
    /// Short identifier: `XNYS`, `24x7`, `24x5`.
    var name: String { get }
    /// The session whose trading date is `date`; `nil` when `date` is not a session.
    func session(on date: CivilDate) -> Session?
    /// `session(on: date) != nil`.
    func isSession(_ date: CivilDate) -> Bool
    /// Sessions with dates in `from...through`, ascending (empty when `from > through`).
    func sessions(from: CivilDate, through: CivilDate) -> [Session]
    /// The latest session dated strictly before `date`.
    func previousSession(before date: CivilDate) -> Session?
    /// The earliest session dated strictly after `date`.
    func nextSession(after date: CivilDate) -> Session?
    /// The session with `open <= instant < close`, if the market is open at `instant`.
    func session(containing instant: Int64) -> Session?
    /// The latest session with `close <= instant`: the newest session whose bar can be complete.
    func lastClosedSession(at instant: Int64) -> Session?
    /// How many sessions lie strictly after `a` and at or before `b` (`a <= b`; 0 otherwise),
    /// without building an array.
    func sessionCount(after a: CivilDate, through b: CivilDate) -> Int
}

/// How far the default implementations search for a neighbouring session before giving up
/// (a calendar with no session in ten years is treated as having none).
let calendarSearchLimitDays: Int64 = 3660

extension TradingCalendar {
    public func isSession(_ date: CivilDate) -> Bool { session(on: date) != nil }

    public func sessions(from: CivilDate, through: CivilDate) -> [Session] {
        let first = from.daysSinceEpoch
        let last = through.daysSinceEpoch
        guard first <= last else { return [] }
        var out: [Session] = []
        out.reserveCapacity(Int(last - first + 1))
        for day in first...last {
            if let s = session(on: CivilDate(daysSinceEpoch: day)) { out.append(s) }
        }
        return out
    }

    public func previousSession(before date: CivilDate) -> Session? {
        var day = date.daysSinceEpoch - 1
        let stop = day - calendarSearchLimitDays
        while day > stop {
            if let s = session(on: CivilDate(daysSinceEpoch: day)) { return s }
            day -= 1
        }
        return nil
    }

    public func nextSession(after date: CivilDate) -> Session? {
        var day = date.daysSinceEpoch + 1
        let stop = day + calendarSearchLimitDays
        while day < stop {
            if let s = session(on: CivilDate(daysSinceEpoch: day)) { return s }
            day += 1
        }
        return nil
    }

    /// Default: walks back from the session dated the day after `instant`'s UTC date. Assumes
    /// closes ascend with the session date and no session closes before the UTC day before its
    /// date begins (true of any market whose sessions end on or near their own date).
    public func lastClosedSession(at instant: Int64) -> Session? {
        var candidate = session(on: UnixTime.civilDate(ofSeconds: instant).adding(days: 1))
            ?? previousSession(before: UnixTime.civilDate(ofSeconds: instant).adding(days: 1))
        while let s = candidate, s.close > instant {
            candidate = previousSession(before: s.date)
        }
        return candidate
    }

    public func sessionCount(after a: CivilDate, through b: CivilDate) -> Int {
        let first = a.daysSinceEpoch + 1
        let last = b.daysSinceEpoch
        guard first <= last else { return 0 }
        var n = 0
        for day in first...last where isSession(CivilDate(daysSinceEpoch: day)) { n += 1 }
        return n
    }
}

/// Day arithmetic shared by the calendars.
enum CalendarDays {
    /// 1970-01-05, a Monday.
    static let firstMonday: Int64 = 4

    /// Monday...Friday days in an arbitrary fixed origin up to and including `day`, such that
    /// `weekdaysThrough(b) - weekdaysThrough(a)` counts the weekdays in `a+1...b`.
    static func weekdaysThrough(_ day: Int64) -> Int64 {
        let m = day - firstMonday
        let weeks = m >= 0 ? m / 7 : (m - 6) / 7  // floor
        let rest = m - weeks * 7  // 0 = Monday ... 6 = Sunday
        return weeks * 5 + min(rest + 1, 5)
    }

    static func isWeekend(_ day: Int64) -> Bool {
        let r = (day + 4) % 7  // 0 = Sunday
        let w = r < 0 ? r + 7 : r
        return w == 0 || w == 6
    }
}
