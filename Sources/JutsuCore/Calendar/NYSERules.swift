/// What a date is on the NYSE calendar.
public enum NYSEDayKind: UInt8, Sendable, Hashable {
    case weekend = 0
    /// 09:30-16:00 New York time.
    case regularSession = 1
    /// 09:30-13:00 New York time.
    case earlyClose = 2
    /// A weekday closed under the regular holiday rules (the observed day).
    case holiday = 3
    /// A weekday closed for an ad hoc reason (September 11, a hurricane, a day of mourning).
    case specialClosure = 4

    public var isSession: Bool { self == .regularSession || self == .earlyClose }
}

/// A weekday that is not a regular session: a holiday, a special closure or an early close.
public struct NYSESpecialDay: Sendable, Hashable, CustomStringConvertible {
    public let date: CivilDate
    /// `.holiday`, `.specialClosure` or `.earlyClose`.
    public let kind: NYSEDayKind
    public let name: String

    public init(date: CivilDate, kind: NYSEDayKind, name: String) {
        self.date = date
        self.kind = kind
        self.name = name
    }

    public var description: String { "\(date) \(kind) \(name)" }
}

/// A date on which the exchange departed from its rules.
public struct NYSERuleException: Sendable, Hashable {
    public let day: NYSESpecialDay
    public let reason: String
}

/// The NYSE's holiday and early-close rules, year by year (see `docs/calendar.md`).
///
/// The rules are today's rules (Juneteenth from 2022, MLK Day from 1998, the 2013 change of the
/// Independence Day early close); ad hoc closures are known for 2000 through 2025 only.
enum NYSERules {
    /// Ad hoc full-day closures. Only these years are known: a closure decided after this
    /// table was written is a new row here.
    static let specialClosures: [NYSESpecialDay] = [
        day(2001, 9, 11, .specialClosure, "September 11 attacks"),
        day(2001, 9, 12, .specialClosure, "September 11 attacks"),
        day(2001, 9, 13, .specialClosure, "September 11 attacks"),
        day(2001, 9, 14, .specialClosure, "September 11 attacks"),
        day(2004, 6, 11, .specialClosure, "National Day of Mourning (Ronald Reagan)"),
        day(2007, 1, 2, .specialClosure, "National Day of Mourning (Gerald Ford)"),
        day(2012, 10, 29, .specialClosure, "Hurricane Sandy"),
        day(2012, 10, 30, .specialClosure, "Hurricane Sandy"),
        day(2018, 12, 5, .specialClosure, "National Day of Mourning (George H. W. Bush)"),
        day(2025, 1, 9, .specialClosure, "National Day of Mourning (Jimmy Carter)"),
    ]

    /// Years for which `specialClosures` is complete.
    static let specialClosureYears: ClosedRange<Int> = 2000...2025

    /// Days on which the exchange did something the rules below do not produce. Each row
    /// replaces whatever the rules say for its date; the reason says why it is not a rule.
    static let ruleExceptions: [NYSERuleException] = [
        NYSERuleException(
            day: day(2003, 12, 26, .earlyClose, "Day after Christmas"),
            reason: "exchange decision for that year: the Friday after a Thursday Christmas was a full day in 2008, 2014 and 2025"
        ),
    ]

    /// Holidays, special closures and early closes of `year`, ascending by date.
    static func specialDays(year: Int) -> [NYSESpecialDay] {
        var out: [NYSESpecialDay] = []
        func add(_ date: CivilDate?, _ kind: NYSEDayKind, _ name: String) {
            if let date { out.append(NYSESpecialDay(date: date, kind: kind, name: name)) }
        }

        // New Year's Day: Sunday moves to Monday; Saturday is not observed (NYSE Rule 7.2: the
        // Friday before ends an accounting year).
        if let jan1 = CivilDate(year: year, month: 1, day: 1), jan1.weekday != 6 {
            add(jan1.weekday == 0 ? jan1.adding(days: 1) : jan1, .holiday, "New Year's Day")
        }
        if year >= 1998 { add(nthWeekday(3, 1, year, 1), .holiday, "Martin Luther King Jr. Day") }
        add(nthWeekday(3, 1, year, 2), .holiday, "Washington's Birthday")
        add(easter(year)?.adding(days: -2), .holiday, "Good Friday")
        add(lastWeekday(1, year, 5), .holiday, "Memorial Day")
        if year >= 2022 { add(observed(year, 6, 19), .holiday, "Juneteenth National Independence Day") }
        add(observed(year, 7, 4), .holiday, "Independence Day")
        add(nthWeekday(1, 1, year, 9), .holiday, "Labor Day")
        let thanksgiving = nthWeekday(4, 4, year, 11)
        add(thanksgiving, .holiday, "Thanksgiving Day")
        add(observed(year, 12, 25), .holiday, "Christmas Day")

        // Early closes (13:00). Independence Day: July 3 when it is a Monday, Tuesday or
        // Thursday; when it is a Wednesday, July 3 from 2013 on, the Friday after (July 5)
        // before 2013.
        if let july3 = CivilDate(year: year, month: 7, day: 3) {
            switch july3.weekday {
            case 1, 2, 4: add(july3, .earlyClose, "Day before Independence Day")
            case 3 where year >= 2013: add(july3, .earlyClose, "Day before Independence Day")
            case 3: add(july3.adding(days: 2), .earlyClose, "Day after Independence Day")
            default: break
            }
        }
        add(thanksgiving?.adding(days: 1), .earlyClose, "Day after Thanksgiving")
        // Christmas Eve on a Friday is the observed Christmas holiday; on a weekend, no session.
        if let eve = CivilDate(year: year, month: 12, day: 24), (1...4).contains(eve.weekday) {
            add(eve, .earlyClose, "Christmas Eve")
        }

        for closure in specialClosures where Int(closure.date.year) == year { replace(closure, in: &out) }
        for exception in ruleExceptions where Int(exception.day.date.year) == year {
            replace(exception.day, in: &out)
        }
        out.sort { $0.date < $1.date }
        return out
    }

    private static func replace(_ special: NYSESpecialDay, in days: inout [NYSESpecialDay]) {
        days.removeAll { $0.date == special.date }
        days.append(special)
    }

    private static func day(_ y: Int, _ m: Int, _ d: Int, _ kind: NYSEDayKind, _ name: String) -> NYSESpecialDay {
        NYSESpecialDay(date: CivilDate(year: y, month: m, day: d)!, kind: kind, name: name)
    }

    /// A fixed-date holiday's observed day: Saturday moves to Friday, Sunday to Monday.
    static func observed(_ year: Int, _ month: Int, _ day: Int) -> CivilDate? {
        guard let date = CivilDate(year: year, month: month, day: day) else { return nil }
        switch date.weekday {
        case 6: return date.adding(days: -1)
        case 0: return date.adding(days: 1)
        default: return date
        }
    }

    /// The `n`th `weekday` (0 = Sunday) of a month.
    static func nthWeekday(_ n: Int, _ weekday: Int, _ year: Int, _ month: Int) -> CivilDate? {
        guard let first = CivilDate(year: year, month: month, day: 1) else { return nil }
        return first.adding(days: Int64((weekday - first.weekday + 7) % 7 + 7 * (n - 1)))
    }

    /// The last `weekday` (0 = Sunday) of a month.
    static func lastWeekday(_ weekday: Int, _ year: Int, _ month: Int) -> CivilDate? {
        guard let last = CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))
        else { return nil }
        return last.adding(days: -Int64((last.weekday - weekday + 7) % 7))
    }

    /// Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" computus).
    static func easter(_ year: Int) -> CivilDate? {
        let a = year % 19, b = year / 100, c = year % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return CivilDate(year: year, month: month, day: day)
    }
}
