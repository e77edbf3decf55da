import JutsuCore
import Testing

@Suite struct FXCalendarTests {
    let fx = TradingCalendars.fx

    @Test func weekShape() throws {
        // Monday 2024-06-10's session: Sunday 17:00 EDT to Monday 17:00 EDT.
        let monday = try #require(fx.session(on: date(2024, 6, 10)))
        #expect(monday.open == utc(2024, 6, 9, 21))
        #expect(monday.close == utc(2024, 6, 10, 21))
        #expect(fx.session(on: date(2024, 6, 8)) == nil)
        #expect(fx.session(on: date(2024, 6, 9)) == nil)
        // Friday 17:00 to Sunday 17:00 New York: closed.
        #expect(fx.session(containing: utc(2024, 6, 7, 20, 59, 59))?.date == date(2024, 6, 7))
        #expect(fx.session(containing: utc(2024, 6, 7, 21)) == nil)
        #expect(fx.session(containing: utc(2024, 6, 8, 12)) == nil)
        #expect(fx.session(containing: utc(2024, 6, 9, 20, 59, 59)) == nil)
        #expect(fx.session(containing: utc(2024, 6, 9, 21))?.date == date(2024, 6, 10))
        // Weekend: the last closed session is Friday's.
        #expect(fx.lastClosedSession(at: utc(2024, 6, 8, 12))?.date == date(2024, 6, 7))
        #expect(fx.lastClosedSession(at: utc(2024, 6, 10, 12))?.date == date(2024, 6, 7))
        #expect(fx.lastClosedSession(at: utc(2024, 6, 10, 21))?.date == date(2024, 6, 10))
        #expect(fx.sessionCount(after: date(2024, 6, 7), through: date(2024, 6, 14)) == 5)
    }

    @Test func daylightSavingTime() throws {
        // Spring forward Sunday 2024-03-10: Friday's session closes 22:00Z (EST), Monday's opens
        // Sunday 17:00 EDT = 21:00Z; both are 24 hours long.
        let friday = try #require(fx.session(on: date(2024, 3, 8)))
        #expect(friday.close == utc(2024, 3, 8, 22))
        let monday = try #require(fx.session(on: date(2024, 3, 11)))
        #expect(monday.open == utc(2024, 3, 10, 21))
        #expect(monday.duration == 86_400 && friday.duration == 86_400)
        // Fall back Sunday 2024-11-03: Monday's session opens 22:00Z.
        #expect(fx.session(on: date(2024, 11, 4))?.open == utc(2024, 11, 3, 22))
        #expect(fx.session(on: date(2024, 11, 1))?.close == utc(2024, 11, 1, 21))
        var day = date(2000, 1, 1)
        while day <= date(2035, 12, 31) {
            if let s = fx.session(on: day) {
                #expect(s.duration == 86_400, "\(s)")
                #expect(s.close == newYork(Int(day.year), Int(day.month), Int(day.day), 17))
            }
            day = day.adding(days: 1)
        }
    }
}

@Suite struct ContinuousCalendarTests {
    let crypto = TradingCalendars.continuous

    @Test func everyDayIsAUTCDay() throws {
        let s = try #require(crypto.session(on: date(2024, 3, 10)))
        #expect(s.open == utc(2024, 3, 10) && s.close == utc(2024, 3, 11))
        #expect(crypto.session(containing: utc(2024, 3, 10, 23, 59, 59)) == s)
        #expect(crypto.lastClosedSession(at: utc(2024, 3, 11))?.date == date(2024, 3, 10))
        #expect(crypto.lastClosedSession(at: utc(2024, 3, 10, 23, 59, 59))?.date == date(2024, 3, 9))
        #expect(crypto.sessionCount(after: date(2024, 1, 1), through: date(2024, 12, 31)) == 365)
        #expect(crypto.isSession(date(2024, 3, 9)))
    }
}

@Suite struct TradingCalendarRegistryTests {
    @Test func names() {
        #expect(TradingCalendars.named("XNYS")?.name == "XNYS")
        #expect(TradingCalendars.named("nyse")?.name == "XNYS")
        #expect(TradingCalendars.named("crypto")?.name == "24x7")
        #expect(TradingCalendars.named("24x7")?.name == "24x7")
        #expect(TradingCalendars.named("FX")?.name == "24x5")
        #expect(TradingCalendars.named("24x5")?.name == "24x5")
        #expect(TradingCalendars.named("XLON") == nil)
    }

    /// A plugged-in calendar relying on the protocol's default implementations.
    struct WeekdaysUTC: TradingCalendar {
        var name: String { "WKD" }
        func session(on date: CivilDate) -> Session? {
            guard date.weekday != 0 && date.weekday != 6 else { return nil }
            let open = UnixTime.seconds(date: date, hour: 8, minute: 0, second: 0)
            return Session(date: date, open: open, close: open + 8 * 3600)
        }
        func session(containing instant: Int64) -> Session? {
            session(on: UnixTime.civilDate(ofSeconds: instant)).flatMap { $0.contains(instant) ? $0 : nil }
        }
    }

    @Test func pluggedInCalendarUsesTheDefaults() {
        let registry = TradingCalendarRegistry.standard.registering(WeekdaysUTC(), aliases: ["weekdays"])
        let calendar = registry.calendar(named: "Weekdays")
        #expect(calendar?.name == "WKD")
        #expect(registry.calendar(named: "xnys")?.name == "XNYS")
        #expect(calendar?.lastClosedSession(at: utc(2024, 6, 10, 12))?.date == date(2024, 6, 7))
        #expect(calendar?.lastClosedSession(at: utc(2024, 6, 10, 16))?.date == date(2024, 6, 10))
        #expect(calendar?.sessionCount(after: date(2024, 6, 7), through: date(2024, 6, 14)) == 5)
        #expect(calendar?.nextSession(after: date(2024, 6, 7))?.date == date(2024, 6, 10))
    }
}
