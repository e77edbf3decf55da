import JutsuCore
import Testing

/// Every day 2000-2030 against the independent reference list.
@Suite struct NYSECalendarReferenceTests {
    let nyse = TradingCalendars.nyse

    @Test func referenceLoaded() {
        // 31 years, 362 rows: a missing or truncated fixture must not pass silently.
        #expect(NYSEReference.kinds.count == 362)
    }

    @Test func everyDayMatchesTheReference() {
        var mismatches: [String] = []
        var day = NYSEReference.firstDate
        while day <= NYSEReference.lastDate {
            let expected = NYSEReference.kind(day)
            let kind = nyse.dayKind(on: day)
            if kind != expected { mismatches.append("\(day): \(kind), reference \(expected)") }
            if nyse.isSession(day) != expected.isSession { mismatches.append("\(day): isSession") }
            if (nyse.session(on: day) != nil) != expected.isSession { mismatches.append("\(day): session(on:)") }
            day = day.adding(days: 1)
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test func sessionTimesMatchTheReference() {
        var mismatches: [String] = []
        for s in nyse.sessions(from: NYSEReference.firstDate, through: NYSEReference.lastDate) {
            let y = Int(s.date.year), m = Int(s.date.month), d = Int(s.date.day)
            let early = NYSEReference.kind(s.date) == .earlyClose
            if s.isEarlyClose != early { mismatches.append("\(s): isEarlyClose") }
            if s.open != newYork(y, m, d, 9, 30) { mismatches.append("\(s): open") }
            if s.close != newYork(y, m, d, early ? 13 : 16) { mismatches.append("\(s): close") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(20))")
    }

    @Test func sessionCountsPerYear() {
        // Weekdays minus the reference's closures, per year, against sessionCount and sessions.
        for year in 2000...2030 {
            let first = date(year, 1, 1), last = date(year, 12, 31)
            var expected = 0
            var d = first
            while d <= last {
                if NYSEReference.kind(d).isSession { expected += 1 }
                d = d.adding(days: 1)
            }
            #expect(nyse.sessionCount(after: first.adding(days: -1), through: last) == expected, "\(year)")
            #expect(nyse.sessions(from: first, through: last).count == expected, "\(year)")
        }
        // 2024: 262 weekdays, 10 holidays (Juneteenth included), no ad hoc closure.
        #expect(nyse.sessionCount(after: date(2023, 12, 31), through: date(2024, 12, 31)) == 252)
    }

    @Test func specialDaysListTheReferenceWithNames() {
        for year in 2000...2030 {
            let listed = nyse.specialDays(inYear: year)
            let fromReference = NYSEReference.kinds.keys.filter { Int($0.year) == year }.sorted()
            #expect(listed.map(\.date) == fromReference, "\(year)")
            #expect(listed.allSatisfy { !$0.name.isEmpty && $0.date.weekday != 0 && $0.date.weekday != 6 })
        }
    }
}
