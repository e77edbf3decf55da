@testable import JutsuCore
import Testing

@Suite struct NYSECalendarTests {
    let nyse = TradingCalendars.nyse

    @Test func sessionTimesAcrossDST() throws {
        // Friday before spring-forward (EST) and the Monday after (EDT).
        let friday = try #require(nyse.session(on: date(2024, 3, 8)))
        #expect(friday.open == utc(2024, 3, 8, 14, 30))
        #expect(friday.close == utc(2024, 3, 8, 21))
        let monday = try #require(nyse.session(on: date(2024, 3, 11)))
        #expect(monday.open == utc(2024, 3, 11, 13, 30))
        #expect(monday.close == utc(2024, 3, 11, 20))
        // Fall back: Friday 2024-11-01 EDT, Monday 2024-11-04 EST.
        #expect(nyse.session(on: date(2024, 11, 1))?.close == utc(2024, 11, 1, 20))
        #expect(nyse.session(on: date(2024, 11, 4))?.close == utc(2024, 11, 4, 21))
        // 2006 rules: 2006-03-20 is still EST (the 2007 rules would say EDT).
        #expect(nyse.session(on: date(2006, 3, 20))?.open == utc(2006, 3, 20, 14, 30))
        #expect(nyse.session(on: date(2006, 4, 3))?.open == utc(2006, 4, 3, 13, 30))
    }

    @Test func earlyCloses() throws {
        let blackFriday = try #require(nyse.session(on: date(2024, 11, 29)))
        #expect(blackFriday.isEarlyClose)
        #expect(blackFriday.close == utc(2024, 11, 29, 18))  // 13:00 EST
        let july3 = try #require(nyse.session(on: date(2024, 7, 3)))
        #expect(july3.isEarlyClose && july3.close == utc(2024, 7, 3, 17))  // 13:00 EDT
        #expect(nyse.session(on: date(2002, 7, 5))?.isEarlyClose == true)  // before 2013: Friday after
        #expect(nyse.session(on: date(2002, 7, 3))?.isEarlyClose == false)
        #expect(nyse.session(on: date(2003, 12, 26))?.isEarlyClose == true)  // the tabled exception
        #expect(nyse.session(on: date(2025, 12, 26))?.isEarlyClose == false)
        #expect(nyse.session(on: date(2024, 12, 23))?.isEarlyClose == false)
    }

    @Test func observanceRules() {
        #expect(nyse.dayKind(on: date(2021, 12, 31)) == .regularSession)  // New Year 2022 on Saturday
        #expect(nyse.dayKind(on: date(2023, 1, 2)) == .holiday)  // New Year 2023 on Sunday
        #expect(nyse.dayKind(on: date(2027, 6, 18)) == .holiday)  // Juneteenth on Saturday
        #expect(nyse.dayKind(on: date(2021, 6, 18)) == .regularSession)  // before Juneteenth was observed
        #expect(nyse.dayKind(on: date(2021, 12, 24)) == .holiday)  // Christmas on Saturday
        #expect(nyse.dayKind(on: date(2024, 3, 29)) == .holiday)  // Good Friday
        #expect(nyse.dayKind(on: date(2024, 10, 14)) == .regularSession)  // Columbus Day: open
        #expect(nyse.dayKind(on: date(2024, 11, 11)) == .regularSession)  // Veterans Day: open
        #expect(nyse.dayKind(on: date(2001, 9, 12)) == .specialClosure)
        #expect(nyse.dayKind(on: date(2024, 3, 9)) == .weekend)
    }

    @Test func goodFridayFromTheComputus() {
        // Easter Sundays from published tables.
        let easters = [
            (2000, 4, 23), (2008, 3, 23), (2011, 4, 24), (2019, 4, 21), (2024, 3, 31), (2025, 4, 20),
            (2038, 4, 25), (2285, 3, 22),
        ]
        for (y, m, d) in easters { #expect(NYSERules.easter(y) == date(y, m, d)) }
    }

    @Test func neighbours() {
        // Around September 11: the last session before is the 10th, the next after is the 17th.
        #expect(nyse.previousSession(before: date(2001, 9, 17))?.date == date(2001, 9, 10))
        #expect(nyse.nextSession(after: date(2001, 9, 10))?.date == date(2001, 9, 17))
        #expect(nyse.nextSession(after: date(2024, 11, 27))?.date == date(2024, 11, 29))
        #expect(nyse.previousSession(before: date(2024, 1, 2))?.date == date(2023, 12, 29))
    }

    @Test func instants() {
        let s = nyse.session(containing: utc(2024, 3, 11, 13, 30))
        #expect(s?.date == date(2024, 3, 11))
        #expect(nyse.session(containing: utc(2024, 3, 11, 13, 29, 59)) == nil)
        #expect(nyse.session(containing: utc(2024, 3, 11, 20)) == nil)  // close is exclusive
        // Monday morning: Friday is the last closed session; Monday closes at 20:00Z.
        #expect(nyse.lastClosedSession(at: utc(2024, 3, 11, 15))?.date == date(2024, 3, 8))
        #expect(nyse.lastClosedSession(at: utc(2024, 3, 11, 20))?.date == date(2024, 3, 11))
        // Saturday after Thanksgiving week: the early close Friday.
        #expect(nyse.lastClosedSession(at: utc(2024, 11, 30, 12))?.date == date(2024, 11, 29))
        #expect(nyse.lastClosedSession(at: utc(2024, 11, 29, 18))?.date == date(2024, 11, 29))
        #expect(nyse.lastClosedSession(at: utc(2024, 11, 29, 17, 59, 59))?.date == date(2024, 11, 27))
    }

    @Test func tableAgreesWithTheRulesEverywhere() {
        // The precomputed table and the per-date rule path (used outside 1990...2040) agree on
        // every day of the table, and the table's session count equals the rule count.
        let schedule = NYSESchedule.shared
        var mismatches: [Int64] = []
        for day in schedule.firstDay...schedule.lastDay where nyse.dayKind(day: day) != NYSECalendar.ruleKind(day: day) {
            mismatches.append(day)
        }
        #expect(mismatches.isEmpty)
        #expect(
            Int64(schedule.sessionsThrough.last!)
                == NYSECalendar.ruleSessionCount(after: schedule.firstDay - 1, through: schedule.lastDay))
    }

    @Test func outsideTheTable() throws {
        // 2050: rules only. Thanksgiving 2050-11-24, early close on the 25th; Christmas Sunday.
        #expect(nyse.dayKind(on: date(2050, 11, 24)) == .holiday)
        #expect(nyse.session(on: date(2050, 11, 25))?.isEarlyClose == true)
        #expect(nyse.dayKind(on: date(2050, 12, 26)) == .holiday)
        #expect(nyse.session(on: date(2050, 7, 1))?.open == utc(2050, 7, 1, 13, 30))
        // 1985: MLK Day was not yet an NYSE holiday.
        #expect(nyse.dayKind(on: date(1985, 1, 21)) == .regularSession)
        // Counts across the table's edges equal counting the sessions.
        for (a, b) in [(date(1980, 5, 5), date(1995, 2, 1)), (date(2035, 1, 1), date(2060, 12, 31)),
                       (date(1985, 1, 1), date(2045, 6, 30)), (date(1950, 1, 1), date(1960, 1, 1))] {
            #expect(nyse.sessionCount(after: a, through: b) == nyse.sessions(from: a.adding(days: 1), through: b).count)
        }
    }

    @Test func tables() {
        for closure in NYSECalendar.specialClosures {
            #expect(closure.kind == .specialClosure)
            #expect(NYSECalendar.specialClosureYears.contains(Int(closure.date.year)))
            #expect(NYSECalendar.precomputedYears.contains(Int(closure.date.year)))
            #expect(closure.date.weekday != 0 && closure.date.weekday != 6)
        }
        for exception in NYSECalendar.ruleExceptions {
            #expect(!exception.reason.isEmpty)
            #expect(NYSECalendar.precomputedYears.contains(Int(exception.day.date.year)))
            #expect(nyse.dayKind(on: exception.day.date) == exception.day.kind)
        }
        // No two special days share a date in any year.
        for year in 1990...2060 {
            let dates = nyse.specialDays(inYear: year).map(\.date)
            #expect(Set(dates).count == dates.count, "\(year)")
        }
    }
}
