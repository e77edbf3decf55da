import JutsuCSV
import JutsuCore
import JutsuPipeline
import Testing

/// `nextFire` / `previousFire`: fields, and the cronie rules at daylight-saving changes.
@Suite struct CronFireTests {
    static let newYork = ZoneResolver.rule(named: "America/New_York")!
    static let london = ZoneResolver.rule(named: "Europe/London")!

    /// UTC seconds of a UTC date and time.
    static func utc(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0) -> Int64 {
        UnixTime.seconds(date: CivilDate(year: y, month: m, day: d)!, hour: h, minute: mi, second: 0)
    }

    static func next(_ text: String, after: Int64, _ zone: any ZoneRule = FixedOffsetZone.utc) throws -> Int64? {
        try CronExpression(parsing: text).nextFire(after: after, zone: zone)
    }

    static func previous(_ text: String, atOrBefore: Int64, _ zone: any ZoneRule = FixedOffsetZone.utc) throws -> Int64? {
        try CronExpression(parsing: text).previousFire(atOrBefore: atOrBefore, zone: zone)
    }

    @Test func newYorkSpringForwardGapFiresOnceAtTheEndOfTheGap() throws {
        // 2024-03-10 02:00 EST jumps to 03:00 EDT (07:00Z): 02:30 does not exist.
        #expect(try Self.next("30 2 * * *", after: Self.utc(2024, 3, 9, 8), Self.newYork) == Self.utc(2024, 3, 10, 7))
        #expect(try Self.next("30 2 * * *", after: Self.utc(2024, 3, 10, 7), Self.newYork) == Self.utc(2024, 3, 11, 6, 30))
        // Every minute: the whole gap and 03:00 are one fire.
        #expect(try Self.next("* * * * *", after: Self.utc(2024, 3, 10, 6, 59), Self.newYork) == Self.utc(2024, 3, 10, 7))
        #expect(try Self.next("* * * * *", after: Self.utc(2024, 3, 10, 7), Self.newYork) == Self.utc(2024, 3, 10, 7, 1))
        #expect(try Self.previous("30 2 * * *", atOrBefore: Self.utc(2024, 3, 10, 7, 10), Self.newYork) == Self.utc(2024, 3, 10, 7))
        #expect(try Self.previous("30 2 * * *", atOrBefore: Self.utc(2024, 3, 10, 6, 59), Self.newYork) == Self.utc(2024, 3, 9, 7, 30))
    }

    @Test func newYorkFallBackFiresAtTheFirstOccurrenceOnly() throws {
        // 2024-11-03 02:00 EDT falls back to 01:00 EST (06:00Z): 01:30 happens at 05:30Z and 06:30Z.
        #expect(try Self.next("30 1 * * *", after: Self.utc(2024, 11, 3, 4), Self.newYork) == Self.utc(2024, 11, 3, 5, 30))
        #expect(try Self.next("30 1 * * *", after: Self.utc(2024, 11, 3, 5, 30), Self.newYork) == Self.utc(2024, 11, 4, 6, 30))
        // The repeated hour is not fired again: after 01:45 EDT comes 02:00 EST.
        #expect(try Self.next("*/15 * * * *", after: Self.utc(2024, 11, 3, 5, 45), Self.newYork) == Self.utc(2024, 11, 3, 7))
        #expect(try Self.next("*/15 * * * *", after: Self.utc(2024, 11, 3, 6, 20), Self.newYork) == Self.utc(2024, 11, 3, 7))
        // During the second 01:xx, the last fire is a first occurrence, possibly later in wall time.
        #expect(try Self.previous("50 1 * * *", atOrBefore: Self.utc(2024, 11, 3, 6, 15), Self.newYork) == Self.utc(2024, 11, 3, 5, 50))
        #expect(try Self.previous("*/15 * * * *", atOrBefore: Self.utc(2024, 11, 3, 6, 50), Self.newYork) == Self.utc(2024, 11, 3, 5, 45))
    }

    @Test func londonTransitions() throws {
        // 2024-03-31 01:00 GMT jumps to 02:00 BST (01:00Z): 01:30 does not exist.
        #expect(try Self.next("30 1 * * *", after: Self.utc(2024, 3, 30, 12), Self.london) == Self.utc(2024, 3, 31, 1))
        #expect(try Self.next("30 1 * * *", after: Self.utc(2024, 3, 31, 1), Self.london) == Self.utc(2024, 4, 1, 0, 30))
        // 2024-10-27 02:00 BST falls back to 01:00 GMT (01:00Z): 01:30 BST (00:30Z) only.
        #expect(try Self.next("30 1 * * *", after: Self.utc(2024, 10, 26, 12), Self.london) == Self.utc(2024, 10, 27, 0, 30))
        #expect(try Self.next("30 1 * * *", after: Self.utc(2024, 10, 27, 0, 30), Self.london) == Self.utc(2024, 10, 28, 1, 30))
        #expect(try Self.next("0 9 * * *", after: Self.utc(2024, 10, 27, 0, 30), Self.london) == Self.utc(2024, 10, 27, 9))
    }

    @Test func lastDayLastWeekdayStepsRanges() throws {
        #expect(try Self.next("0 12 L * *", after: Self.utc(2024, 2, 1)) == Self.utc(2024, 2, 29, 12))
        #expect(try Self.next("0 12 L * *", after: Self.utc(2024, 2, 29, 12)) == Self.utc(2024, 3, 31, 12))
        #expect(try Self.next("0 9 * * 5L", after: Self.utc(2024, 1, 1)) == Self.utc(2024, 1, 26, 9))
        #expect(try Self.previous("0 9 * * 5L", atOrBefore: Self.utc(2024, 1, 1)) == Self.utc(2023, 12, 29, 9))
        // Friday 10:40 -> Monday 09:00.
        #expect(try Self.next("*/20 9-10 * * 1-5", after: Self.utc(2024, 3, 1, 10, 40)) == Self.utc(2024, 3, 4, 9))
        #expect(try Self.next("*/20 9-10 * * 1-5", after: Self.utc(2024, 3, 4, 9, 5)) == Self.utc(2024, 3, 4, 9, 20))
        #expect(try Self.previous("*/20 9-10 * * 1-5", atOrBefore: Self.utc(2024, 3, 4, 8)) == Self.utc(2024, 3, 1, 10, 40))
    }

    @Test func yearlyFeb29AndNever() throws {
        #expect(try Self.next("@yearly", after: Self.utc(2024, 6, 1)) == Self.utc(2025, 1, 1))
        #expect(try Self.previous("@yearly", atOrBefore: Self.utc(2024, 6, 1)) == Self.utc(2024, 1, 1))
        #expect(try Self.previous("@yearly", atOrBefore: Self.utc(2024, 1, 1)) == Self.utc(2024, 1, 1))
        #expect(try Self.next("0 0 29 2 *", after: Self.utc(2024, 3, 1)) == Self.utc(2028, 2, 29))
        #expect(try Self.previous("0 0 29 2 *", atOrBefore: Self.utc(2027, 12, 31)) == Self.utc(2024, 2, 29))
        // Both day fields restricted: either matches (Vixie cron), so any Monday of February.
        #expect(try Self.next("0 0 29 2 1", after: Self.utc(2024, 3, 1)) == Self.utc(2025, 2, 3))
        #expect(try Self.next("0 0 30 2 *", after: Self.utc(2024, 1, 1)) == nil)
        #expect(try Self.previous("0 0 30 2 *", atOrBefore: Self.utc(2024, 1, 1)) == nil)
    }

    /// In UTC every fire is a matching minute: a chain of `nextFire` equals a minute-by-minute scan.
    @Test func nextFireChainEqualsAMinuteScanInUTC() throws {
        for text in ["*/7 */3 * * *", "5 4 L * *", "0 0 * * 0,3", "15 10-12/2 1-10 * 5L"] {
            let cron = try CronExpression(parsing: text)
            let start = Self.utc(2024, 1, 25)
            var scanned: [Int64] = []
            var t = start + 60
            while t < start + 40 * 86_400 {
                let d = UnixTime.civilDate(ofSeconds: t)
                let s = Int(UnixTime.secondOfDay(t))
                if cron.matches(minute: s / 60 % 60, hour: s / 3600, day: Int(d.day), month: Int(d.month), weekday: d.weekday,
                                daysInMonth: CivilDate.daysInMonth(year: Int(d.year), month: Int(d.month))) {
                    scanned.append(t)
                }
                t += 60
            }
            var chained: [Int64] = []
            var cursor = start
            while let fire = cron.nextFire(after: cursor, zone: FixedOffsetZone.utc), fire < start + 40 * 86_400 {
                chained.append(fire)
                cursor = fire
            }
            #expect(chained == scanned, "\(text)")
            for fire in scanned.prefix(20) {
                #expect(cron.previousFire(atOrBefore: fire + 59, zone: FixedOffsetZone.utc) == fire, "\(text)")
            }
        }
    }

    /// With a seconds field, a chain of `nextFire` equals a second-by-second scan (UTC), and
    /// `previousFire` finds each fire from any second up to the next one.
    @Test func secondsFieldFiresEqualASecondScan() throws {
        for text in ["*/5 * * * * *", "7,20-22 */2 * * * *", "0/15 30 * * * *", "59 59 23 L * *"] {
            let cron = try CronExpression(parsing: text)
            let start = Self.utc(2024, 2, 29, 22, 58) - 1
            let end = start + 3 * 3600
            var scanned: [Int64] = []
            var t = start + 1
            while t < end {
                let d = UnixTime.civilDate(ofSeconds: t)
                let s = Int(UnixTime.secondOfDay(t))
                if cron.matches(second: s % 60, minute: s / 60 % 60, hour: s / 3600, day: Int(d.day), month: Int(d.month),
                                weekday: d.weekday, daysInMonth: CivilDate.daysInMonth(year: Int(d.year), month: Int(d.month))) {
                    scanned.append(t)
                }
                t += 1
            }
            var chained: [Int64] = []
            var cursor = start
            while let fire = cron.nextFire(after: cursor, zone: FixedOffsetZone.utc), fire < end {
                chained.append(fire)
                cursor = fire
            }
            #expect(chained == scanned, "\(text)")
            #expect(!scanned.isEmpty, "\(text)")
            for (i, fire) in scanned.prefix(30).enumerated() {
                #expect(cron.previousFire(atOrBefore: fire, zone: FixedOffsetZone.utc) == fire, "\(text)")
                let before = i + 1 < scanned.count ? scanned[i + 1] - 1 : fire
                #expect(cron.previousFire(atOrBefore: before, zone: FixedOffsetZone.utc) == fire, "\(text)")
            }
        }
        #expect(try Self.next("*/5 * * * * *", after: Self.utc(2024, 5, 1, 12, 0) + 3) == Self.utc(2024, 5, 1, 12, 0) + 5)
        #expect(try Self.next("*/5 * * * * *", after: Self.utc(2024, 5, 1, 12, 0) + 55) == Self.utc(2024, 5, 1, 12, 1))
        #expect(try Self.previous("*/5 * * * * *", atOrBefore: Self.utc(2024, 5, 1, 12, 0) + 4) == Self.utc(2024, 5, 1, 12, 0))
        #expect(try Self.previous("30 0 0 1 1 *", atOrBefore: Self.utc(2024, 5, 1)) == Self.utc(2024, 1, 1) + 30)
        // Five fields are unchanged: second 0 of each minute.
        #expect(try Self.next("* * * * *", after: Self.utc(2024, 5, 1, 12, 0) + 1) == Self.utc(2024, 5, 1, 12, 1))
        #expect(try Self.previous("* * * * *", atOrBefore: Self.utc(2024, 5, 1, 12, 0) + 59) == Self.utc(2024, 5, 1, 12, 0))
    }

    /// The cronie rules hold per second: the spring-forward gap fires once at its end, the
    /// repeated hour of the fall-back does not fire again.
    @Test func secondsFieldAcrossNewYorkDaylightSavingChanges() throws {
        // 2024-03-10 02:00 EST -> 03:00 EDT at 07:00Z.
        #expect(try Self.next("*/10 * * * * *", after: Self.utc(2024, 3, 10, 6, 59) + 50, Self.newYork)
                == Self.utc(2024, 3, 10, 7))
        #expect(try Self.next("*/10 * * * * *", after: Self.utc(2024, 3, 10, 7), Self.newYork) == Self.utc(2024, 3, 10, 7) + 10)
        #expect(try Self.next("15 30 2 * * *", after: Self.utc(2024, 3, 10, 6), Self.newYork) == Self.utc(2024, 3, 10, 7))
        #expect(try Self.previous("*/10 * * * * *", atOrBefore: Self.utc(2024, 3, 10, 7) + 9, Self.newYork)
                == Self.utc(2024, 3, 10, 7))
        #expect(try Self.previous("*/10 * * * * *", atOrBefore: Self.utc(2024, 3, 10, 7) - 1, Self.newYork)
                == Self.utc(2024, 3, 10, 7) - 10)
        // 2024-11-03 02:00 EDT -> 01:00 EST at 06:00Z: 01:59:50 EDT (05:59:50Z), then 02:00:00 EST (07:00Z).
        #expect(try Self.next("*/10 * * * * *", after: Self.utc(2024, 11, 3, 5, 59) + 45, Self.newYork)
                == Self.utc(2024, 11, 3, 5, 59) + 50)
        #expect(try Self.next("*/10 * * * * *", after: Self.utc(2024, 11, 3, 5, 59) + 50, Self.newYork)
                == Self.utc(2024, 11, 3, 7))
        // In the repeated hour, the previous fire is the last one of the first pass.
        #expect(try Self.previous("*/10 * * * * *", atOrBefore: Self.utc(2024, 11, 3, 6, 30), Self.newYork)
                == Self.utc(2024, 11, 3, 5, 59) + 50)
        #expect(try Self.previous("5 30 1 * * *", atOrBefore: Self.utc(2024, 11, 3, 6, 40), Self.newYork)
                == Self.utc(2024, 11, 3, 5, 30) + 5)
    }
}
