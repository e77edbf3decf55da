import JutsuCore
import Testing

/// Freshness on the NYSE calendar with a controlled clock.
@Suite struct FreshnessTests {
    static let nyse = TradingCalendars.nyse
    static let standard = FreshnessPolicy(staleAfterSeconds: 3_600)
    static let critical = FreshnessPolicy(staleAfterSeconds: 900)
    static let low = FreshnessPolicy(staleAfterSeconds: 86_400)

    static func day(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilDate(year: y, month: m, day: d)!.daysSinceEpoch * 86_400 }
    /// UTC seconds of a New York wall-clock time (EST in winter: UTC-5; EDT in summer: UTC-4).
    static func ny(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ min: Int, dst: Bool = false) -> Int64 {
        day(y, m, d) + Int64((h + (dst ? 4 : 5)) * 3600 + min * 60)
    }

    func daily(newest: Int64?, at: Int64, policy: FreshnessPolicy = standard) -> FreshnessAssessment {
        Freshness.assess(timeframe: .d1, newestBar: newest, at: at, calendar: Self.nyse, policy: policy)
    }

    @Test func fridaysDailyBarIsFreshAllWeekendAndMondayMorning() {
        let friday = Self.day(2024, 1, 12)
        for at in [Self.ny(2024, 1, 12, 17, 0), Self.ny(2024, 1, 13, 12, 0), Self.ny(2024, 1, 14, 12, 0), Self.ny(2024, 1, 15, 9, 0)] {
            let a = daily(newest: friday, at: at)
            #expect(a.status == .fresh, "at \(UnixTime.iso8601(at))")
            #expect(a.expectedBar == friday)
        }
    }

    @Test func tuesdayMorningAfterAMondayHolidayIsFreshToo() {
        // 2024-01-15 was Martin Luther King Jr. Day: no session.
        let a = daily(newest: Self.day(2024, 1, 12), at: Self.ny(2024, 1, 16, 9, 0))
        #expect(a.status == .fresh)
        #expect(a.expectedBar == Self.day(2024, 1, 12))
        // By Tuesday evening Tuesday's bar is due: one bar behind.
        let evening = daily(newest: Self.day(2024, 1, 12), at: Self.ny(2024, 1, 16, 18, 0))
        #expect(evening.lagBars == 1)
        #expect(evening.status == .stale)
        #expect(daily(newest: Self.day(2024, 1, 12), at: Self.ny(2024, 1, 16, 18, 0), policy: Self.low).status == .aging)
    }

    @Test func thanksgivingIsNotCountedAsAMissingBar() {
        // Wednesday 2023-11-22 stored; Thursday 23rd is Thanksgiving; Friday 24th closes at 13:00.
        let wednesday = Self.day(2023, 11, 22)
        #expect(daily(newest: wednesday, at: Self.ny(2023, 11, 24, 12, 0)).status == .fresh)
        let afterEarlyClose = daily(newest: wednesday, at: Self.ny(2023, 11, 24, 13, 30))
        #expect(afterEarlyClose.lagBars == 1)
        #expect(afterEarlyClose.expectedBar == Self.day(2023, 11, 24))
    }

    @Test func publicationDelayPostponesWhenABarIsDue() {
        let thursday = Self.day(2024, 1, 11)
        let delayed = FreshnessPolicy(staleAfterSeconds: 3_600, publicationDelaySeconds: 1_800)
        #expect(daily(newest: thursday, at: Self.ny(2024, 1, 12, 16, 20), policy: delayed).status == .fresh)
        #expect(daily(newest: thursday, at: Self.ny(2024, 1, 12, 16, 40), policy: delayed).lagBars == 1)
    }

    @Test func oneMinuteSeriesIsStaleTwentyMinutesAfterItsLastBarAndFreshOvernight() {
        let last = Self.ny(2024, 1, 16, 10, 0)   // the 10:00 bar, ending 10:01
        let during = Freshness.assess(timeframe: .m1, newestBar: last, at: Self.ny(2024, 1, 16, 10, 21),
                                      calendar: Self.nyse, policy: Self.critical)
        #expect(during.expectedBar == Self.ny(2024, 1, 16, 10, 20))
        #expect(during.lagBars == 20)
        #expect(during.status == .stale)
        let early = Freshness.assess(timeframe: .m1, newestBar: last, at: Self.ny(2024, 1, 16, 10, 10),
                                     calendar: Self.nyse, policy: Self.critical)
        #expect(early.status == .aging)
        // The session's last bar (15:59) stored: fresh all night and until 09:31 the next day.
        let closing = Self.ny(2024, 1, 16, 15, 59)
        for at in [Self.ny(2024, 1, 16, 20, 0), Self.ny(2024, 1, 17, 4, 0), Self.ny(2024, 1, 17, 9, 30)] {
            let a = Freshness.assess(timeframe: .m1, newestBar: closing, at: at, calendar: Self.nyse, policy: Self.critical)
            #expect(a.status == .fresh, "at \(UnixTime.iso8601(at))")
        }
        // Across the night: 10:00 stored, next morning 09:45 -> the rest of the day (359 bars) + 09:30..09:44.
        let nextMorning = Freshness.assess(timeframe: .m1, newestBar: last, at: Self.ny(2024, 1, 17, 9, 45),
                                           calendar: Self.nyse, policy: Self.critical)
        #expect(nextMorning.lagBars == 359 + 15)
    }

    @Test func hourlyBarsStartAtTheOpenAndTheLastOneIsCutAtTheClose() {
        // 1h bars: 09:30, 10:30, ..., 15:30 (ends 16:00).
        let a = Freshness.assess(timeframe: .h1, newestBar: Self.ny(2024, 1, 16, 14, 30), at: Self.ny(2024, 1, 16, 16, 5),
                                 calendar: Self.nyse, policy: Self.standard)
        #expect(a.expectedBar == Self.ny(2024, 1, 16, 15, 30))
        #expect(a.lagBars == 1)
        #expect(a.status == .aging)
    }

    @Test func weeklyAndMonthlyBarsAreDueWhenTheirLastSessionCloses() {
        // Week of Monday 2024-01-08 ends Friday 12th; on Friday afternoon it is not complete yet.
        let fridayNoon = Freshness.expectedBar(timeframe: .w1, at: Self.ny(2024, 1, 12, 12, 0), calendar: Self.nyse)
        #expect(fridayNoon == Self.day(2024, 1, 1))
        #expect(Freshness.expectedBar(timeframe: .w1, at: Self.ny(2024, 1, 12, 17, 0), calendar: Self.nyse) == Self.day(2024, 1, 8))
        // January 2024's last session is Wednesday 31st.
        #expect(Freshness.expectedBar(timeframe: .mo1, at: Self.ny(2024, 1, 31, 12, 0), calendar: Self.nyse) == Self.day(2023, 12, 1))
        #expect(Freshness.expectedBar(timeframe: .mo1, at: Self.ny(2024, 1, 31, 17, 0), calendar: Self.nyse) == Self.day(2024, 1, 1))
    }

    @Test func nothingStoredIsMissing() {
        #expect(daily(newest: nil, at: Self.ny(2024, 1, 16, 18, 0)).status == .missing)
        #expect(FreshnessStatus.missing.severity > FreshnessStatus.stale.severity)
    }

    @Test func cryptoOnTwentyFourSevenIsBehindOnWeekendsToo() {
        let cal = TradingCalendars.named("24x7")!
        let friday = Self.day(2024, 1, 12)
        let sunday = Freshness.assess(timeframe: .d1, newestBar: friday, at: Self.day(2024, 1, 14) + 3_600, calendar: cal,
                                      policy: Self.low)
        #expect(sunday.lagBars == 1)   // Saturday's bar
        #expect(sunday.status == .aging)
    }

    @Test func weekdayCalendarCountsWeekdays() {
        let cal = WeekdayCalendar()
        let fri = CivilDate(year: 2024, month: 1, day: 12)!, nextFri = CivilDate(year: 2024, month: 1, day: 19)!
        #expect(cal.sessionCount(after: fri, through: nextFri) == 5)
        #expect(cal.sessionCount(after: CivilDate(year: 1969, month: 12, day: 31)!, through: CivilDate(year: 1970, month: 1, day: 6)!) == 4)
        #expect(cal.lastClosedSession(at: Self.day(2024, 1, 15) + 60)?.date == fri)   // Monday 00:01 UTC
        for offset in Int64(0)..<60 {
            let a = CivilDate(daysSinceEpoch: 19_700 + offset), b = CivilDate(daysSinceEpoch: 19_700 + offset + 17)
            #expect(cal.sessionCount(after: a, through: b) == cal.sessions(from: CivilDate(daysSinceEpoch: a.daysSinceEpoch + 1), through: b).count)
        }
    }
}
