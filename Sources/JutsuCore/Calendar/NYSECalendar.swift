/// The New York Stock Exchange (`XNYS`): 09:30-16:00 America/New_York on weekdays that are not
/// holidays or special closures, 09:30-13:00 on early closes.
///
/// Rules: see `NYSERules` and `docs/calendar.md`. Queries inside 1990...2040 are table lookups
/// (`NYSESchedule`); outside, the same rules are evaluated per date (correct, slower). Ad hoc
/// special closures are known for `specialClosureYears` (2000...2025) only; later years have
/// the rule holidays and early closes only.
public struct NYSECalendar: TradingCalendar, Hashable {
    public init() {}

    public var name: String { "XNYS" }

    /// The exchange's time zone.
    public static let zone = USZone.eastern
    /// Open, regular close and early close, as seconds after local midnight.
    public static let openLocal: Int64 = 9 * 3600 + 30 * 60
    public static let closeLocal: Int64 = 16 * 3600
    public static let earlyCloseLocal: Int64 = 13 * 3600
    /// Years whose days are precomputed (O(1) queries).
    public static let precomputedYears: ClosedRange<Int> = NYSESchedule.years
    /// Years for which the table of ad hoc closures is complete.
    public static let specialClosureYears: ClosedRange<Int> = NYSERules.specialClosureYears
    /// Ad hoc full-day closures known to the calendar.
    public static var specialClosures: [NYSESpecialDay] { NYSERules.specialClosures }
    /// Days where the exchange did something its rules do not produce, with the reason.
    public static var ruleExceptions: [NYSERuleException] { NYSERules.ruleExceptions }

    private var schedule: NYSESchedule { NYSESchedule.shared }

    /// What `date` is: weekend, regular session, early close, holiday or special closure.
    public func dayKind(on date: CivilDate) -> NYSEDayKind { dayKind(day: date.daysSinceEpoch) }

    /// The holidays, special closures and early closes of `year`, ascending, with names.
    public func specialDays(inYear year: Int) -> [NYSESpecialDay] { NYSERules.specialDays(year: year) }

    public func session(on date: CivilDate) -> Session? { session(day: date.daysSinceEpoch) }

    public func isSession(_ date: CivilDate) -> Bool { dayKind(day: date.daysSinceEpoch).isSession }

    public func sessions(from: CivilDate, through: CivilDate) -> [Session] {
        let first = from.daysSinceEpoch
        let last = through.daysSinceEpoch
        guard first <= last else { return [] }
        var out: [Session] = []
        out.reserveCapacity(Int((last - first + 1) * 5 / 7 + 2))
        for day in first...last {
            if let s = session(day: day) { out.append(s) }
        }
        return out
    }

    public func previousSession(before date: CivilDate) -> Session? {
        var day = date.daysSinceEpoch - 1
        let stop = day - calendarSearchLimitDays
        while day > stop {
            if let s = session(day: day) { return s }
            day -= 1
        }
        return nil
    }

    public func nextSession(after date: CivilDate) -> Session? {
        var day = date.daysSinceEpoch + 1
        let stop = day + calendarSearchLimitDays
        while day < stop {
            if let s = session(day: day) { return s }
            day += 1
        }
        return nil
    }

    /// A session lies inside its own UTC date (13:30-21:00Z at the latest), so only the
    /// instant's UTC date can hold it.
    public func session(containing instant: Int64) -> Session? {
        guard let s = session(day: UnixTime.floorDays(instant)), s.contains(instant) else { return nil }
        return s
    }

    public func lastClosedSession(at instant: Int64) -> Session? {
        let day = UnixTime.floorDays(instant)
        if let s = session(day: day), s.close <= instant { return s }
        // Any earlier session closed on an earlier UTC date, so before `instant`.
        return previousSession(before: CivilDate(daysSinceEpoch: day))
    }

    public func sessionCount(after a: CivilDate, through b: CivilDate) -> Int {
        let lo = a.daysSinceEpoch
        let hi = b.daysSinceEpoch
        guard lo < hi else { return 0 }
        return Int(sessionsThrough(hi) - sessionsThrough(lo))
    }

    // MARK: - Internals

    func dayKind(day: Int64) -> NYSEDayKind {
        if let i = schedule.index(day) { return NYSESchedule.kind(schedule.days[i]) }
        return Self.ruleKind(day: day)
    }

    func session(day: Int64) -> Session? {
        let kind: NYSEDayKind
        let offset: Int64
        let standard = Int64(Self.zone.standardOffset)
        if let i = schedule.index(day) {
            let byte = schedule.days[i]
            kind = NYSESchedule.kind(byte)
            offset = byte & NYSESchedule.daylightBit != 0 ? standard + 3600 : standard
        } else {
            kind = Self.ruleKind(day: day)
            guard kind.isSession else { return nil }
            offset = Int64(Self.zoneOffset(day: day))
        }
        guard kind.isSession else { return nil }
        let midnight = day * UnixTime.secondsPerDay
        let closeLocal = kind == .earlyClose ? Self.earlyCloseLocal : Self.closeLocal
        return Session(
            date: CivilDate(daysSinceEpoch: day), open: midnight + Self.openLocal - offset,
            close: midnight + closeLocal - offset, isEarlyClose: kind == .earlyClose)
    }

    /// New York's UTC offset during the session of `day` (DST changes at 02:00 on a Sunday, so
    /// the same at open and close).
    static func zoneOffset(day: Int64) -> Int32 {
        zone.offsetSeconds(forLocal: day * UnixTime.secondsPerDay + openLocal)
    }

    /// The rules evaluated for one day, without the table.
    static func ruleKind(day: Int64) -> NYSEDayKind {
        if CalendarDays.isWeekend(day) { return .weekend }
        let date = CivilDate(daysSinceEpoch: day)
        for special in NYSERules.specialDays(year: Int(date.year)) where special.date == date {
            return special.kind
        }
        return .regularSession
    }

    /// Sessions in `firstDay...day` of the table; before the table, minus the sessions in
    /// `day+1..<firstDay`. Differences of it count sessions in any range.
    func sessionsThrough(_ day: Int64) -> Int64 {
        if let i = schedule.index(day) { return Int64(schedule.sessionsThrough[i]) }
        if day > schedule.lastDay {
            return Int64(schedule.sessionsThrough[schedule.sessionsThrough.count - 1])
                + Self.ruleSessionCount(after: schedule.lastDay, through: day)
        }
        return -Self.ruleSessionCount(after: day, through: schedule.firstDay - 1)
    }

    /// Sessions in `a+1...b` by the rules: weekdays minus the closures of the years spanned
    /// (every closure falls on a weekday). O(years).
    static func ruleSessionCount(after a: Int64, through b: Int64) -> Int64 {
        guard a < b else { return 0 }
        var n = CalendarDays.weekdaysThrough(b) - CalendarDays.weekdaysThrough(a)
        let firstYear = Int(CivilDate(daysSinceEpoch: a + 1).year)
        let lastYear = Int(CivilDate(daysSinceEpoch: b).year)
        guard firstYear <= lastYear else { return n }
        for year in firstYear...lastYear {
            for special in NYSERules.specialDays(year: year) where !special.kind.isSession {
                let d = special.date.daysSinceEpoch
                if d > a && d <= b { n -= 1 }
            }
        }
        return n
    }
}
