import JutsuCore
import Testing

@Suite struct GapsTests {
    static let nyse = TradingCalendars.nyse
    static func d(_ y: Int, _ m: Int, _ day: Int) -> CivilDate { CivilDate(year: y, month: m, day: day)! }

    @Test func thanksgivingAndWeekendsAreNotGapsButAMissingWeekIsOneRun() {
        let all = Self.nyse.sessions(from: Self.d(2023, 11, 1), through: Self.d(2023, 12, 29)).map(\.date)
        // Drop 2023-12-11 .. 2023-12-15 (a whole week: five sessions, one run).
        let present = all.filter { !($0 >= Self.d(2023, 12, 11) && $0 <= Self.d(2023, 12, 15)) }
        let report = Gaps.find(present: present, from: all.first!, through: all.last!, calendar: Self.nyse)
        #expect(report.missing == [Gaps.Run(from: Self.d(2023, 12, 11), through: Self.d(2023, 12, 15), count: 5)])
        #expect(report.nonSession.isEmpty)
        #expect(report.expectedSessions == all.count)
        #expect(!all.contains(Self.d(2023, 11, 23)))   // Thanksgiving: not a session, so never a gap
    }

    @Test func missingSessionsAcrossAHolidayAreOneRun() {
        // Fri 2024-01-12 and Tue 2024-01-16 missing; Monday 15th (MLK) is closed: one run of 2.
        let all = Self.nyse.sessions(from: Self.d(2024, 1, 8), through: Self.d(2024, 1, 19)).map(\.date)
        let present = all.filter { $0 != Self.d(2024, 1, 12) && $0 != Self.d(2024, 1, 16) }
        let report = Gaps.find(present: present, from: all.first!, through: all.last!, calendar: Self.nyse)
        #expect(report.missing == [Gaps.Run(from: Self.d(2024, 1, 12), through: Self.d(2024, 1, 16), count: 2)])
    }

    @Test func barsOnClosedDaysAreReported() {
        let present = [Self.d(2024, 1, 12), Self.d(2024, 1, 13), Self.d(2024, 1, 14), Self.d(2024, 1, 15), Self.d(2024, 1, 16)]
        let report = Gaps.find(present: present, from: present.first!, through: present.last!, calendar: Self.nyse)
        #expect(report.nonSession == [Gaps.Run(from: Self.d(2024, 1, 13), through: Self.d(2024, 1, 15), count: 3)])
        #expect(report.missing.isEmpty)
    }

    @Test func thirtyYearsOfDailyBarsAreCheckedQuickly() {
        let all = Self.nyse.sessions(from: Self.d(1995, 1, 3), through: Self.d(2024, 12, 31)).map(\.date)
        let present = all.enumerated().filter { $0.offset % 1000 != 7 }.map(\.element)
        let report = Gaps.find(present: present, from: all.first!, through: all.last!, calendar: Self.nyse)
        #expect(report.missing.count == (all.count + 992) / 1000)
        #expect(report.presentSessions == present.count)
    }
}
