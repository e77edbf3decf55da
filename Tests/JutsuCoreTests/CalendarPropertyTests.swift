import JutsuCore
import Testing

/// Invariants every calendar keeps, checked over random instants and date ranges 2000-2035
/// with a seeded generator (reproducible).
@Suite struct CalendarPropertyTests {
    static let calendars: [any TradingCalendar] = [TradingCalendars.nyse, TradingCalendars.continuous, TradingCalendars.fx]
    static let start = utc(2000, 1, 1)
    static let end = utc(2036, 1, 1)

    static func randomInstant(_ rng: inout SplitMix64) -> Int64 {
        start + Int64(rng.next() % UInt64(end - start))
    }

    @Test(arguments: [0, 1, 2]) func sessionsAreOrderedAndWellFormed(_ which: Int) {
        let calendar = Self.calendars[which]
        var rng = SplitMix64(seed: 0xCA1E_0000 + UInt64(which))
        for _ in 0..<300 {
            let a = UnixTime.civilDate(ofSeconds: Self.randomInstant(&rng))
            let b = a.adding(days: Int64(rng.next() % 40))
            let sessions = calendar.sessions(from: a, through: b)
            for (i, s) in sessions.enumerated() {
                #expect(s.close > s.open, "\(calendar.name) \(s)")
                #expect(s.date >= a && s.date <= b)
                #expect(calendar.session(on: s.date) == s)
                if i > 0 {
                    #expect(sessions[i - 1].date < s.date)
                    #expect(sessions[i - 1].close <= s.open, "\(calendar.name) overlapping \(s)")
                    #expect(calendar.previousSession(before: s.date) == sessions[i - 1])
                    #expect(calendar.nextSession(after: sessions[i - 1].date) == s)
                }
            }
            #expect(calendar.sessionCount(after: a, through: b) == sessions.filter { $0.date != a }.count)
            var d = a
            while d <= b {
                #expect(calendar.isSession(d) == sessions.contains { $0.date == d })
                d = d.adding(days: 1)
            }
        }
    }

    @Test(arguments: [0, 1, 2]) func instantsAgreeWithSessions(_ which: Int) {
        let calendar = Self.calendars[which]
        var rng = SplitMix64(seed: 0x1257_0000 + UInt64(which))
        for _ in 0..<5000 {
            let t = Self.randomInstant(&rng)
            let day = UnixTime.civilDate(ofSeconds: t)
            let around = calendar.sessions(from: day.adding(days: -10), through: day.adding(days: 10))
            let containing = around.first { $0.contains(t) }
            #expect(calendar.session(containing: t) == containing, "\(calendar.name) \(UnixTime.iso8601(t))")
            let closed = around.last { $0.close <= t }
            let last = calendar.lastClosedSession(at: t)
            #expect(last == closed, "\(calendar.name) \(UnixTime.iso8601(t))")
            if let last {
                #expect(last.close <= t)
                if let next = calendar.nextSession(after: last.date) { #expect(next.close > t) }
            }
        }
    }

    @Test func noNYSESessionOnAWeekend() {
        var rng = SplitMix64(seed: 0x5A7)
        for _ in 0..<5000 {
            let t = Self.randomInstant(&rng)
            if let s = TradingCalendars.nyse.session(containing: t) {
                #expect(s.date.weekday != 0 && s.date.weekday != 6)
                // Inside 09:30-16:00 New York on the session date.
                let local = USZone.eastern.local(fromUTC: t)
                #expect(UnixTime.civilDate(ofSeconds: local) == s.date)
                let second = UnixTime.secondOfDay(local)
                #expect(second >= 9 * 3600 + 1800 && second < 16 * 3600)
            }
            let d = UnixTime.civilDate(ofSeconds: t)
            if d.weekday == 0 || d.weekday == 6 {
                #expect(!TradingCalendars.nyse.isSession(d) && !TradingCalendars.fx.isSession(d))
            }
        }
    }

    @Test func sessionCountOverLongRanges() {
        var rng = SplitMix64(seed: 0xC0_047)
        for calendar in Self.calendars {
            for _ in 0..<40 {
                let a = UnixTime.civilDate(ofSeconds: Self.randomInstant(&rng))
                let b = UnixTime.civilDate(ofSeconds: Self.randomInstant(&rng))
                let (lo, hi) = a <= b ? (a, b) : (b, a)
                let counted = calendar.sessions(from: lo.adding(days: 1), through: hi).count
                #expect(calendar.sessionCount(after: lo, through: hi) == counted, "\(calendar.name) \(lo) \(hi)")
                #expect(calendar.sessionCount(after: hi, through: lo) == 0)
            }
        }
    }

    @Test func thirtyYearsOfSessionsIsFast() {
        // The gap finder's budget is 50 ms for 30 years of daily bars; a smoke check against an
        // accidental O(n^2) (debug build on a shared machine: ~85 ms measured, bound 500 ms).
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let sessions = TradingCalendars.nyse.sessions(from: date(1995, 1, 1), through: date(2024, 12, 31))
            #expect(sessions.count > 7500)
            var n = 0
            for k in 0..<10_000 {
                n &+= TradingCalendars.nyse.sessionCount(after: date(2000, 1, 1), through: date(2000 + k % 30, 6, 1))
            }
            #expect(n > 0)
        }
        #expect(elapsed < .milliseconds(500), "\(elapsed)")
    }
}
