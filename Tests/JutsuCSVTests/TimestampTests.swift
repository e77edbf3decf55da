import Foundation
import JutsuCore
import Testing

@testable import JutsuCSV

func written(_ text: String, _ format: DateFormat) -> WrittenTimestamp? {
    var text = text
    return text.withUTF8 { TimestampParser.parse(UnsafeRawBufferPointer($0), as: format) }
}

func days(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilDate(year: y, month: m, day: d)!.daysSinceEpoch }

@Suite struct TimestampParserTests {
    @Test func isoDates() {
        #expect(written("2024-03-01", .isoDate) == .date(days: days(2024, 3, 1)))
        #expect(written(" 2024/3/1 ", .isoDate) == .date(days: days(2024, 3, 1)))
        #expect(written("2024-02-29", .isoDate) == .date(days: days(2024, 2, 29)))
        for bad in ["2023-02-29", "2024-13-01", "2024-03-01x", "24-03-01", "2024-03", "", "2024-03-01 10:00"] {
            #expect(written(bad, .isoDate) == nil, "\(bad)")
        }
    }

    @Test func isoDateTimes() {
        let d = days(2023, 4, 14)
        #expect(written("2023-04-14 00:00:00+09:00", .isoDateTime) == .zoned(days: d, second: 0, offset: 9 * 3600))
        #expect(written("2023-04-14T09:30:15Z", .isoDateTime) == .zoned(days: d, second: 34215, offset: 0))
        #expect(written("2023-04-14T09:30:15.123456Z", .isoDateTime) == .zoned(days: d, second: 34215, offset: 0))
        #expect(written("2023-04-14 09:30:00-0400", .isoDateTime) == .zoned(days: d, second: 34200, offset: -14400))
        #expect(written("2023-04-14 09:30:00 -04:00", .isoDateTime) == .zoned(days: d, second: 34200, offset: -14400))
        #expect(written("2023-04-14 09:30+05", .isoDateTime) == .zoned(days: d, second: 34200, offset: 18000))
        #expect(written("2023-04-14 09:30:00 UTC", .isoDateTime) == .zoned(days: d, second: 34200, offset: 0))
        #expect(written("2023-04-14 9:30", .isoDateTime) == .local(days: d, second: 34200))
        #expect(written("2023-04-14", .isoDateTime) == .date(days: d))
        for bad in ["2023-04-14 24:00", "2023-04-14 10:60", "2023-04-14T10:00:00+25:00", "2023-04-14 10:00 pm",
                    "2023-04-14T", "2023-04-14 10:00:00.", "2023-04-14X10:00"] {
            #expect(written(bad, .isoDateTime) == nil, "\(bad)")
        }
    }

    @Test func usDates() {
        #expect(written("03/01/2024", .usDate) == .date(days: days(2024, 3, 1)))
        #expect(written("3/1/2024 9:30", .usDate) == .local(days: days(2024, 3, 1), second: 34200))
        #expect(written("3/1/2024 12:05:00 AM", .usDate) == .local(days: days(2024, 3, 1), second: 300))
        #expect(written("3/1/2024 1:05 p.m.", .usDate) == .local(days: days(2024, 3, 1), second: 13 * 3600 + 300))
        #expect(written("13/01/2024", .usDate) == nil)
        #expect(written("3/1/2024 13:00 PM", .usDate) == nil)
    }

    @Test func compactDates() {
        #expect(written("20240301", .compact) == .date(days: days(2024, 3, 1)))
        #expect(written("20240301 0930", .compact) == .local(days: days(2024, 3, 1), second: 34200))
        #expect(written("20240301T09:30:00", .compact) == .local(days: days(2024, 3, 1), second: 34200))
        #expect(written("20240231", .compact) == nil)
        #expect(written("2024030", .compact) == nil)
    }

    @Test func epochs() {
        #expect(written("1709251200", .epochSeconds) == .instant(1_709_251_200))
        #expect(written("1709251200.75", .epochSeconds) == .instant(1_709_251_200))
        #expect(written("1709251200123", .epochMillis) == .instant(1_709_251_200))
        #expect(written("1709251200123456", .epochMicros) == .instant(1_709_251_200))
        #expect(written("1709251200123456789", .epochNanos) == .instant(1_709_251_200))
        #expect(written("-1500", .epochMillis) == .instant(-2))  // floor, not truncation
        #expect(written("99999999999999999999", .epochNanos) == nil)  // overflows Int64
        #expect(written("17092512OO", .epochSeconds) == nil)
    }

    @Test func separateTimeOfDay() {
        func t(_ s: String) -> Int32? {
            var s = s
            return s.withUTF8 { TimestampParser.timeOfDay(UnsafeRawBufferPointer($0)) }
        }
        #expect(t("09:30") == 34200)
        #expect(t("09:30:15") == 34215)
        #expect(t("0930") == 34200)
        #expect(t("093015") == 34215)
        #expect(t("9:30 PM") == 77400)
        #expect(t("2400") == nil)
        #expect(t("") == nil)
    }
}

@Suite struct DateFormatDetectorTests {
    func detect(_ values: [String]) -> DateFormat? { DateFormatDetector.detect(values.map { Array($0.utf8) }) }

    @Test func picksTheFormatThatReadsTheSample() {
        #expect(detect(["2024-03-01", "2024-03-04"]) == .isoDate)
        #expect(detect(["2024-03-01 09:30:00", "2024-03-01 09:45:00"]) == .isoDateTime)
        #expect(detect(["2024-03-01", "2024-03-01T09:45:00Z"]) == .isoDateTime)
        #expect(detect(["03/01/2024", "12/31/2024"]) == .usDate)
        #expect(detect(["20240301", "20240304"]) == .compact)
        #expect(detect(["1709251200", "1709337600"]) == .epochSeconds)
        #expect(detect(["1709251200000", "1709337600000"]) == .epochMillis)
        #expect(detect(["1709251200000000", "1709337600000000"]) == .epochMicros)
        #expect(detect(["1709251200000000000"]) == .epochNanos)
        #expect(detect(["99999999"]) == .epochSeconds)  // 8 digits but not a date
    }

    @Test func aFewBadValuesDoNotHideTheFormat() {
        #expect(detect(["2024-03-01", "garbage", "2024-03-04", ""]) == .isoDate)
        #expect(detect(["garbage", "nope", "2024-03-04"]) == nil)
        #expect(detect([""]) == nil)
    }
}

@Suite struct TimestampKeyerTests {
    let ny = ZoneRules.named("America/New_York")!

    @Test func dailyKeysAreSessionDates() {
        var keyer = TimestampKeyer(timeframe: .d1, zone: ny)
        // Offset given: the local date as written, not the UTC date (2023-04-13T15:00Z).
        #expect(iso(keyer.key(written("2023-04-14 00:00:00+09:00", .isoDateTime)!)) == "2023-04-14T00:00:00Z")
        // Yahoo's session-open stamp in UTC.
        #expect(iso(keyer.key(written("2024-03-01T14:30:00Z", .isoDateTime)!)) == "2024-03-01T00:00:00Z")
        // Naive: already local.
        #expect(iso(keyer.key(written("2024-03-01 23:59", .isoDateTime)!)) == "2024-03-01T00:00:00Z")
        // Epoch at midnight New York (05:00Z) is that date; 03:00Z is the previous evening there.
        #expect(iso(keyer.key(.instant(1_709_269_200))) == "2024-03-01T00:00:00Z")
        #expect(iso(keyer.key(.instant(1_709_262_000))) == "2024-02-29T00:00:00Z")
    }

    @Test func weeklyAndMonthlyUseSessionKey() {
        var w = TimestampKeyer(timeframe: .w1, zone: ny)
        #expect(iso(w.key(.date(days: days(2024, 3, 6)))) == "2024-03-04T00:00:00Z")  // Monday
        var m = TimestampKeyer(timeframe: .mo1, zone: ny)
        #expect(iso(m.key(.date(days: days(2024, 3, 6)))) == "2024-03-01T00:00:00Z")
    }

    @Test func intradayKeysAreUTCInstants() {
        var keyer = TimestampKeyer(timeframe: .m15, zone: ny)
        #expect(iso(keyer.key(written("2026-05-26 04:00:00-04:00", .isoDateTime)!)) == "2026-05-26T08:00:00Z")
        // Naive New York times, either side of the 2024-03-10 spring-forward.
        #expect(iso(keyer.key(written("2024-03-08 09:30", .isoDateTime)!)) == "2024-03-08T14:30:00Z")
        #expect(iso(keyer.key(written("2024-03-11 09:30", .isoDateTime)!)) == "2024-03-11T13:30:00Z")
        #expect(keyer.key(.instant(1_709_303_400)) == 1_709_303_400)
        var tokyo = TimestampKeyer(timeframe: .h1, zone: ZoneResolver.rule(named: "Asia/Tokyo")!)
        #expect(iso(tokyo.key(written("2024-03-01 09:00", .isoDateTime)!)) == "2024-03-01T00:00:00Z")
    }
}

@Suite struct FoundationZoneRuleTests {
    @Test(arguments: ["Europe/London", "Asia/Tokyo", "Europe/Moscow", "Australia/Lord_Howe", "America/Sao_Paulo"])
    func agreesWithFoundationAtRandomInstants(zone: String) throws {
        let rule = try #require(FoundationZoneRule(identifier: zone))
        let tz = try #require(TimeZone(identifier: zone))
        var rng = SplitMix64(seed: 7)
        for _ in 0..<2000 {
            let t = Int64(rng.next() % 4_000_000_000) - 500_000_000  // 1954..2096
            let expected = tz.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
            #expect(rule.offsetSeconds(atUTC: t) == Int32(expected), "\(zone) at \(t)")
        }
    }

    @Test func localTimesAroundLondonTransitions() throws {
        let london = try #require(FoundationZoneRule(identifier: "Europe/London"))
        let spring = UnixTime.seconds(date: CivilDate(year: 2024, month: 3, day: 31)!, hour: 1, minute: 30, second: 0)
        let fall = UnixTime.seconds(date: CivilDate(year: 2024, month: 10, day: 27)!, hour: 1, minute: 30, second: 0)
        #expect(london.offsetSeconds(forLocal: spring - 3600) == 0)
        #expect(london.offsetSeconds(forLocal: spring) == 0)  // skipped hour: pre-transition offset
        #expect(london.offsetSeconds(forLocal: spring + 3600) == 3600)
        #expect(london.offsetSeconds(forLocal: fall - 3600) == 3600)
        #expect(london.offsetSeconds(forLocal: fall) == 3600)  // repeated hour: the first (summer) one
        #expect(london.offsetSeconds(forLocal: fall + 3600) == 0)
    }

    @Test func matchesTheCoreUSRulesPolicy() throws {
        // Foundation's New York against the core's: same answers for local times, gaps and overlaps included.
        let foundation = try #require(FoundationZoneRule(identifier: "America/New_York"))
        let core = USZone.eastern
        var local = UnixTime.seconds(date: CivilDate(year: 2023, month: 1, day: 1)!, hour: 0, minute: 0, second: 0)
        let end = UnixTime.seconds(date: CivilDate(year: 2025, month: 1, day: 1)!, hour: 0, minute: 0, second: 0)
        while local < end {
            #expect(foundation.offsetSeconds(forLocal: local) == core.offsetSeconds(forLocal: local), "\(iso(local))")
            local += 1800
        }
    }

    @Test func unknownZonesAreNil() {
        #expect(FoundationZoneRule(identifier: "Mars/Olympus") == nil)
        #expect(ZoneResolver.rule(named: "Mars/Olympus") == nil)
        #expect(ZoneResolver.rule(named: "UTC")?.identifier == "UTC")
    }
}
