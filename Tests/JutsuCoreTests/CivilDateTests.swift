import JutsuCore
import Testing

@Suite struct CivilDateTests {
    @Test func validation() {
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2100, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2024, month: 4, day: 31) == nil)
        #expect(CivilDate(year: 2024, month: 12, day: 31) != nil)
        #expect(CivilDate(year: 2024, month: 13, day: 1) == nil)
        #expect(CivilDate(year: 2024, month: 0, day: 1) == nil)
        #expect(CivilDate(year: 2024, month: 1, day: 0) == nil)
        #expect(CivilDate(year: 0, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 10000, month: 1, day: 1) == nil)
        #expect(CivilDate(year: 1, month: 1, day: 1) != nil)
        #expect(CivilDate(year: 9999, month: 12, day: 31) != nil)
    }

    @Test func anchors() {
        #expect(date(1970, 1, 1).daysSinceEpoch == 0)
        #expect(date(1970, 1, 1).weekday == 4)  // Thursday
        #expect(date(1969, 12, 31).daysSinceEpoch == -1)
        #expect(date(2000, 1, 1).daysSinceEpoch == 10957)
        #expect(date(2000, 1, 1).weekday == 6)  // Saturday
        #expect(date(2024, 3, 1).daysSinceEpoch == 19783)
        #expect(date(2024, 3, 1).weekday == 5)  // Friday
        #expect(date(1900, 1, 1).weekday == 1)  // Monday
        #expect(date(1, 1, 1).daysSinceEpoch == -719_162)
        #expect(date(9999, 12, 31).daysSinceEpoch == 2_932_896)
        #expect(CivilDate(daysSinceEpoch: -719_162) == date(1, 1, 1))
        #expect(CivilDate(daysSinceEpoch: 2_932_896) == date(9999, 12, 31))
    }

    /// Walks every day of 1900...2100 with a naive calendar and checks the closed-form
    /// conversions in both directions and the weekday.
    @Test func everyDayFrom1900To2100() {
        var days = date(1900, 1, 1).daysSinceEpoch
        var weekday = 1  // 1900-01-01 was a Monday
        var failures = 0
        for year in 1900...2100 {
            for month in 1...12 {
                for day in 1...CivilDate.daysInMonth(year: year, month: month) {
                    let d = CivilDate(year: year, month: month, day: day)!
                    let back = CivilDate(daysSinceEpoch: days)
                    if d.daysSinceEpoch != days || back != d || d.weekday != weekday {
                        failures += 1
                        if failures < 10 {
                            Issue.record(
                                "\(year)-\(month)-\(day): days \(d.daysSinceEpoch) vs \(days), back \(back), weekday \(d.weekday) vs \(weekday)"
                            )
                        }
                    }
                    days += 1
                    weekday = (weekday + 1) % 7
                }
            }
        }
        #expect(failures == 0)
        #expect(days == date(2101, 1, 1).daysSinceEpoch)
    }

    @Test func roundTripWideRange() {
        var d: Int64 = -719_162
        while d <= 2_932_896 {
            let c = CivilDate(daysSinceEpoch: d)
            #expect(c.daysSinceEpoch == d)
            d += 997
        }
    }

    @Test func descriptionAndParsing() {
        #expect(date(2024, 3, 1).description == "2024-03-01")
        #expect(date(1, 1, 1).description == "0001-01-01")
        #expect(date(999, 12, 9).description == "0999-12-09")
        #expect(CivilDate(parsing: "2024-03-01") == date(2024, 3, 1))
        #expect(CivilDate(parsing: " 2024-02-29 ") == date(2024, 2, 29))
        for bad in ["2023-02-29", "2024-3-01", "2024/03/01", "20240301", "2024-03-01T00", "abcd-ef-gh", ""] {
            #expect(CivilDate(parsing: bad) == nil, "\"\(bad)\"")
        }
    }

    @Test func ordering() {
        #expect(date(2024, 1, 31) < date(2024, 2, 1))
        #expect(date(2023, 12, 31) < date(2024, 1, 1))
        #expect(date(2024, 2, 2) > date(2024, 2, 1))
        #expect(date(2024, 2, 28).adding(days: 1) == date(2024, 2, 29))
        #expect(date(2024, 3, 1).adding(days: -1) == date(2024, 2, 29))
    }
}

@Suite struct UnixTimeTests {
    @Test func secondsAndBack() {
        #expect(utc(1970, 1, 1) == 0)
        #expect(utc(2024, 3, 1, 14, 30) == 1_709_303_400)
        #expect(UnixTime.iso8601(1_709_303_400) == "2024-03-01T14:30:00Z")
        #expect(UnixTime.iso8601(0) == "1970-01-01T00:00:00Z")
        #expect(UnixTime.iso8601(-1) == "1969-12-31T23:59:59Z")
        #expect(UnixTime.iso8601(utc(2000, 2, 29, 23, 59, 59)) == "2000-02-29T23:59:59Z")
        #expect(UnixTime.civilDate(ofSeconds: -1) == date(1969, 12, 31))
        #expect(UnixTime.civilDate(ofSeconds: -86400) == date(1969, 12, 31))
        #expect(UnixTime.civilDate(ofSeconds: -86401) == date(1969, 12, 30))
        #expect(UnixTime.civilDate(ofSeconds: 86399) == date(1970, 1, 1))
        #expect(UnixTime.civilDate(ofSeconds: 1_709_303_400) == date(2024, 3, 1))
    }

    @Test func iso8601MatchesComponentsOverManyInstants() {
        var rng = SplitMix64(seed: 9)
        for _ in 0..<5_000 {
            let t = Int64(rng.next() % 8_000_000_000) - 2_208_988_800  // 1900 ... ~2123
            let text = UnixTime.iso8601(t)
            let d = CivilDate(parsing: String(text.prefix(10)))!
            let parts = text.dropFirst(11).dropLast().split(separator: ":").map { Int($0)! }
            #expect(UnixTime.seconds(date: d, hour: parts[0], minute: parts[1], second: parts[2]) == t, "\(text)")
        }
    }
}
