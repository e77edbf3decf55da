import JutsuCore
import Testing

@Suite struct ZoneRuleTests {
    static let est: Int32 = -18000
    static let edt: Int32 = -14400

    /// Checks the offset just before and at a UTC transition instant.
    func expectTransition(
        _ zone: USZone, at instant: Int64, from before: Int32, to after: Int32,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(zone.offsetSeconds(atUTC: instant - 1) == before, sourceLocation: sourceLocation)
        #expect(zone.offsetSeconds(atUTC: instant) == after, sourceLocation: sourceLocation)
    }

    @Test func eastern2024() {
        let ny = USZone.eastern
        // Spring forward 2024-03-10 02:00 EST = 07:00Z; fall back 2024-11-03 02:00 EDT = 06:00Z.
        expectTransition(ny, at: utc(2024, 3, 10, 7), from: Self.est, to: Self.edt)
        expectTransition(ny, at: utc(2024, 11, 3, 6), from: Self.edt, to: Self.est)
        #expect(ny.offsetSeconds(atUTC: utc(2024, 1, 15, 12)) == Self.est)
        #expect(ny.offsetSeconds(atUTC: utc(2024, 7, 4, 12)) == Self.edt)
        #expect(ny.offsetSeconds(atUTC: utc(2024, 12, 31, 23, 59, 59)) == Self.est)
    }

    @Test func otherUSZones2024() {
        expectTransition(.central, at: utc(2024, 3, 10, 8), from: -21600, to: -18000)
        expectTransition(.central, at: utc(2024, 11, 3, 7), from: -18000, to: -21600)
        expectTransition(.mountain, at: utc(2024, 3, 10, 9), from: -25200, to: -21600)
        expectTransition(.mountain, at: utc(2024, 11, 3, 8), from: -21600, to: -25200)
        expectTransition(.pacific, at: utc(2024, 3, 10, 10), from: -28800, to: -25200)
        expectTransition(.pacific, at: utc(2024, 11, 3, 9), from: -25200, to: -28800)
    }

    @Test func eastern2006And1990And1980() {
        // 1987-2006: first Sunday of April to last Sunday of October.
        expectTransition(.eastern, at: utc(2006, 4, 2, 7), from: Self.est, to: Self.edt)
        expectTransition(.eastern, at: utc(2006, 10, 29, 6), from: Self.edt, to: Self.est)
        #expect(USZone.eastern.offsetSeconds(atUTC: utc(2006, 3, 20, 12)) == Self.est)  // 2007 rules would say EDT
        #expect(USZone.eastern.offsetSeconds(atUTC: utc(2006, 11, 2, 12)) == Self.est)
        expectTransition(.eastern, at: utc(1990, 4, 1, 7), from: Self.est, to: Self.edt)
        expectTransition(.eastern, at: utc(1990, 10, 28, 6), from: Self.edt, to: Self.est)
        expectTransition(.central, at: utc(1990, 4, 1, 8), from: -21600, to: -18000)
        // Before 1987: last Sunday of April.
        expectTransition(.eastern, at: utc(1980, 4, 27, 7), from: Self.est, to: Self.edt)
        expectTransition(.eastern, at: utc(1980, 10, 26, 6), from: Self.edt, to: Self.est)
        #expect(USZone.eastern.offsetSeconds(atUTC: utc(1980, 4, 10, 12)) == Self.est)
    }

    @Test func localToUTCAroundTransitions() {
        let ny = USZone.eastern
        func local(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
            utc(y, m, d, h, mi, s)  // naive wall clock on the UTC scale
        }
        // Spring forward: 02:00-02:59 does not exist; the pre-transition (standard) offset applies.
        #expect(ny.offsetSeconds(forLocal: local(2024, 3, 10, 1, 59, 59)) == Self.est)
        #expect(ny.utc(fromLocal: local(2024, 3, 10, 1, 59, 59)) == utc(2024, 3, 10, 6, 59, 59))
        #expect(ny.offsetSeconds(forLocal: local(2024, 3, 10, 2, 30)) == Self.est)
        #expect(ny.utc(fromLocal: local(2024, 3, 10, 2, 30)) == utc(2024, 3, 10, 7, 30))
        #expect(ny.offsetSeconds(forLocal: local(2024, 3, 10, 3)) == Self.edt)
        #expect(ny.utc(fromLocal: local(2024, 3, 10, 3)) == utc(2024, 3, 10, 7))
        // Fall back: 01:00-01:59 happens twice; the first (daylight) occurrence is taken.
        #expect(ny.offsetSeconds(forLocal: local(2024, 11, 3, 0, 59)) == Self.edt)
        #expect(ny.offsetSeconds(forLocal: local(2024, 11, 3, 1, 30)) == Self.edt)
        #expect(ny.utc(fromLocal: local(2024, 11, 3, 1, 30)) == utc(2024, 11, 3, 5, 30))
        #expect(ny.offsetSeconds(forLocal: local(2024, 11, 3, 2)) == Self.est)
        #expect(ny.utc(fromLocal: local(2024, 11, 3, 2)) == utc(2024, 11, 3, 7))
        // Market open is 14:30Z in winter and 13:30Z in summer.
        #expect(ny.utc(fromLocal: local(2024, 1, 2, 9, 30)) == utc(2024, 1, 2, 14, 30))
        #expect(ny.utc(fromLocal: local(2024, 7, 1, 9, 30)) == utc(2024, 7, 1, 13, 30))
        #expect(USZone.central.utc(fromLocal: local(2006, 4, 2, 2, 30)) == utc(2006, 4, 2, 8, 30))
        #expect(USZone.eastern.offsetSeconds(forLocal: local(1990, 10, 28, 1, 30)) == Self.edt)
    }

    /// local -> UTC inverts UTC -> local everywhere except the second pass through the repeated hour.
    @Test func localAndUTCAreInverseOverAYear() {
        for zone in [USZone.eastern, .central, .mountain, .pacific] {
            let year = 2024
            let wall = USZone.daylightSavingWallClock(year: year)
            let fallBackUTC = wall.end - Int64(zone.standardOffset) - 3600  // 02:00 daylight in UTC
            var t = utc(year, 1, 1)
            var mismatches = 0
            while t < utc(year + 1, 1, 1) {
                let inSecondPass = t >= fallBackUTC && t < fallBackUTC + 3600
                if !inSecondPass, zone.utc(fromLocal: zone.local(fromUTC: t)) != t { mismatches += 1 }
                if inSecondPass, zone.utc(fromLocal: zone.local(fromUTC: t)) != t - 3600 { mismatches += 1 }
                t += 900
            }
            #expect(mismatches == 0, "\(zone.identifier)")
        }
    }

    @Test func fixedOffsets() {
        #expect(FixedOffsetZone(seconds: 0).identifier == "UTC")
        #expect(FixedOffsetZone(seconds: 9 * 3600).identifier == "+09:00")
        #expect(FixedOffsetZone(seconds: -4 * 3600).identifier == "-04:00")
        #expect(FixedOffsetZone(seconds: 19800).identifier == "+05:30")
        let tokyo = FixedOffsetZone(seconds: 32400)
        #expect(tokyo.offsetSeconds(atUTC: 123) == 32400)
        #expect(tokyo.offsetSeconds(forLocal: 123) == 32400)
    }

    @Test func namedZones() {
        for name in ["UTC", "Z", "Etc/UTC", "GMT"] {
            #expect(ZoneRules.named(name)?.offsetSeconds(atUTC: utc(2024, 7, 1)) == 0, "\(name)")
        }
        let summer = utc(2024, 7, 1, 12)
        let expected: [(String, Int32, String)] = [
            ("America/New_York", -14400, "America/New_York"), ("US/Eastern", -14400, "America/New_York"),
            ("America/Chicago", -18000, "America/Chicago"), ("US/Central", -18000, "America/Chicago"),
            ("America/Denver", -21600, "America/Denver"), ("America/Los_Angeles", -25200, "America/Los_Angeles"),
            ("+09:00", 32400, "+09:00"), ("-0400", -14400, "-04:00"), ("+0530", 19800, "+05:30"),
            ("-03", -10800, "-03:00"),
        ]
        for (name, offset, identifier) in expected {
            let zone = ZoneRules.named(name)
            #expect(zone?.offsetSeconds(atUTC: summer) == offset, "\(name)")
            #expect(zone?.identifier == identifier, "\(name)")
        }
        for name in [
            "Asia/Tokyo", "Europe/London", "America/Phoenix", "", "+9", "+09:60", "+25:00", "09:00", "+09:0", "utc+1",
        ] {
            #expect(ZoneRules.named(name) == nil, "\(name)")
        }
    }
}
