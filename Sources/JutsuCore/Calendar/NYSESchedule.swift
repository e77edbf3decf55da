/// The NYSE rules evaluated once for every day of 1990...2040, so that the calendar's hot
/// queries are array lookups: the kind of each day, whether New York is on daylight time at
/// 09:30 that day, and a running count of sessions for `sessionCount` in O(1).
///
/// Built on first use (a `static let`, so once, thread-safe) in well under a millisecond:
/// 51 years of `NYSERules.specialDays` and ~18,600 days.
struct NYSESchedule: Sendable {
    static let years: ClosedRange<Int> = 1990...2040
    static let shared = NYSESchedule(years: years)

    /// Day number (days since 1970-01-01) of the first day in the table.
    let firstDay: Int64
    /// Day number of the last day in the table.
    let lastDay: Int64
    /// Per day: `NYSEDayKind.rawValue`, plus `daylightBit` when New York is on daylight time.
    let days: [UInt8]
    /// Per day: sessions in `firstDay...thatDay`.
    let sessionsThrough: [Int32]

    static let daylightBit: UInt8 = 0x80
    static let kindMask: UInt8 = 0x0F

    init(years: ClosedRange<Int>) {
        let first = CivilDate(year: years.lowerBound, month: 1, day: 1)!.daysSinceEpoch
        let last = CivilDate(year: years.upperBound, month: 12, day: 31)!.daysSinceEpoch
        let count = Int(last - first + 1)
        var days = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            let day = first + Int64(i)
            var byte = CalendarDays.isWeekend(day) ? NYSEDayKind.weekend.rawValue : NYSEDayKind.regularSession.rawValue
            if NYSECalendar.zoneOffset(day: day) != USZone.eastern.standardOffset { byte |= Self.daylightBit }
            days[i] = byte
        }
        for year in years {
            for special in NYSERules.specialDays(year: year) {
                let i = Int(special.date.daysSinceEpoch - first)
                days[i] = (days[i] & Self.daylightBit) | special.kind.rawValue
            }
        }
        var through = [Int32](repeating: 0, count: count)
        var running: Int32 = 0
        for i in 0..<count {
            if Self.kind(days[i]).isSession { running += 1 }
            through[i] = running
        }
        self.firstDay = first
        self.lastDay = last
        self.days = days
        self.sessionsThrough = through
    }

    static func kind(_ byte: UInt8) -> NYSEDayKind {
        NYSEDayKind(rawValue: byte & kindMask) ?? .weekend
    }

    /// The table index of `day`, or `nil` outside the table.
    @inline(__always)
    func index(_ day: Int64) -> Int? {
        day >= firstDay && day <= lastDay ? Int(day - firstDay) : nil
    }
}
