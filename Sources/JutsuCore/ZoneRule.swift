/// UTC offset rules of one time zone, computed without Foundation or a tz database.
public protocol ZoneRule: Sendable {
    /// IANA-style name (`America/New_York`) or a fixed offset (`UTC`, `+09:00`).
    var identifier: String { get }
    /// Offset from UTC, in seconds, in effect at the UTC instant `seconds` (east positive).
    func offsetSeconds(atUTC seconds: Int64) -> Int32
    /// Offset to subtract from a naive local wall-clock time to get UTC. For the skipped hour at
    /// spring-forward use the pre-transition offset; for the repeated hour take the first (DST) one.
    func offsetSeconds(forLocal localSeconds: Int64) -> Int32
}

extension ZoneRule {
    /// The UTC instant of a naive local wall-clock time (see `offsetSeconds(forLocal:)`).
    public func utc(fromLocal localSeconds: Int64) -> Int64 {
        localSeconds - Int64(offsetSeconds(forLocal: localSeconds))
    }

    /// The local wall-clock time (as seconds on a UTC-like scale) at the UTC instant `seconds`.
    public func local(fromUTC seconds: Int64) -> Int64 {
        seconds + Int64(offsetSeconds(atUTC: seconds))
    }

    /// The local calendar date at the UTC instant `seconds`.
    public func localDate(atUTC seconds: Int64) -> CivilDate {
        UnixTime.civilDate(ofSeconds: local(fromUTC: seconds))
    }
}

/// A zone with one constant offset.
public struct FixedOffsetZone: ZoneRule, Hashable {
    /// Offset east of UTC in seconds.
    public let seconds: Int32

    public static let utc = FixedOffsetZone(seconds: 0)

    public init(seconds: Int32) { self.seconds = seconds }

    /// `UTC` for zero, otherwise `+09:00` / `-04:00` (`+05:30:15` with seconds).
    public var identifier: String {
        if seconds == 0 { return "UTC" }
        let magnitude = Int(seconds.magnitude)
        var out: [UInt8] = [seconds < 0 ? 0x2D : 0x2B]
        CivilDate.appendDigits(magnitude / 3600, width: 2, to: &out)
        out.append(0x3A)
        CivilDate.appendDigits(magnitude / 60 % 60, width: 2, to: &out)
        if magnitude % 60 != 0 {
            out.append(0x3A)
            CivilDate.appendDigits(magnitude % 60, width: 2, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    public func offsetSeconds(atUTC seconds: Int64) -> Int32 { self.seconds }
    public func offsetSeconds(forLocal localSeconds: Int64) -> Int32 { self.seconds }
}

/// US Eastern/Central/Mountain/Pacific time with the federal daylight-saving rules.
///
/// - 2007 and later: second Sunday of March 02:00 local standard time to first Sunday of
///   November 02:00 local daylight time.
/// - 1987-2006: first Sunday of April to last Sunday of October.
/// - Earlier years: last Sunday of April to last Sunday of October. This ignores the 1974-75
///   energy-crisis rules, wartime time, and the pre-1967 patchwork of local rules; it is good
///   enough for market data, which is sparse before 1967 and keyed by date for daily bars.
public struct USZone: ZoneRule, Hashable {
    public let identifier: String
    /// Standard-time offset east of UTC in seconds (e.g. -18000 for Eastern).
    public let standardOffset: Int32

    public init(identifier: String, standardOffset: Int32) {
        self.identifier = identifier
        self.standardOffset = standardOffset
    }

    public static let eastern = USZone(identifier: "America/New_York", standardOffset: -5 * 3600)
    public static let central = USZone(identifier: "America/Chicago", standardOffset: -6 * 3600)
    public static let mountain = USZone(identifier: "America/Denver", standardOffset: -7 * 3600)
    public static let pacific = USZone(identifier: "America/Los_Angeles", standardOffset: -8 * 3600)

    /// Local wall-clock start (02:00 standard time) and end (02:00 daylight time) of DST in
    /// `year`, both as local seconds.
    public static func daylightSavingWallClock(year: Int) -> (start: Int64, end: Int64) {
        let start: CivilDate
        let end: CivilDate
        if year >= 2007 {
            start = nthSunday(2, year: year, month: 3)
            end = nthSunday(1, year: year, month: 11)
        } else if year >= 1987 {
            start = nthSunday(1, year: year, month: 4)
            end = lastSunday(year: year, month: 10)
        } else {
            start = lastSunday(year: year, month: 4)
            end = lastSunday(year: year, month: 10)
        }
        return (
            UnixTime.seconds(date: start, hour: 2, minute: 0, second: 0),
            UnixTime.seconds(date: end, hour: 2, minute: 0, second: 0)
        )
    }

    public func offsetSeconds(atUTC seconds: Int64) -> Int32 {
        let standardLocal = seconds + Int64(standardOffset)
        let year = Int(UnixTime.civilDate(ofSeconds: standardLocal).year)
        let wall = USZone.daylightSavingWallClock(year: year)
        // Start is in standard time; end is in daylight time, i.e. one hour earlier in standard.
        let inDST = standardLocal >= wall.start && standardLocal < wall.end - 3600
        return inDST ? standardOffset + 3600 : standardOffset
    }

    public func offsetSeconds(forLocal localSeconds: Int64) -> Int32 {
        let year = Int(UnixTime.civilDate(ofSeconds: localSeconds).year)
        let wall = USZone.daylightSavingWallClock(year: year)
        // 02:00-02:59 at spring-forward does not exist: keep standard (pre-transition) time.
        // 01:00-01:59 at fall-back happens twice: take the first, daylight, occurrence.
        let inDST = localSeconds >= wall.start + 3600 && localSeconds < wall.end
        return inDST ? standardOffset + 3600 : standardOffset
    }

    static func nthSunday(_ n: Int, year: Int, month: Int) -> CivilDate {
        let first = CivilDate(year: year, month: month, day: 1) ?? CivilDate(daysSinceEpoch: 0)
        let toSunday = (7 - first.weekday) % 7
        return first.adding(days: Int64(toSunday + 7 * (n - 1)))
    }

    static func lastSunday(year: Int, month: Int) -> CivilDate {
        let last =
            CivilDate(year: year, month: month, day: CivilDate.daysInMonth(year: year, month: month))
            ?? CivilDate(daysSinceEpoch: 0)
        return last.adding(days: -Int64(last.weekday))
    }
}

/// Zones the core knows by name.
public enum ZoneRules {
    /// `UTC`, `Z`, `GMT`, `Etc/UTC`, `Etc/GMT`; `America/New_York` / `US/Eastern`,
    /// `America/Chicago` / `US/Central`, `America/Denver` / `US/Mountain`,
    /// `America/Los_Angeles` / `US/Pacific`; fixed offsets `+09:00`, `-0400`, `+09`.
    /// `nil` for anything else (the adapter layer supplies other IANA zones via Foundation).
    public static func named(_ identifier: String) -> (any ZoneRule)? {
        switch identifier {
        case "UTC", "Z", "GMT", "Etc/UTC", "Etc/GMT", "UCT", "Etc/UCT", "Zulu": return FixedOffsetZone.utc
        case "America/New_York", "US/Eastern", "EST5EDT": return USZone.eastern
        case "America/Chicago", "US/Central", "CST6CDT": return USZone.central
        case "America/Denver", "US/Mountain", "MST7MDT": return USZone.mountain
        case "America/Los_Angeles", "US/Pacific", "PST8PDT": return USZone.pacific
        default: return fixedOffset(identifier).map { FixedOffsetZone(seconds: $0) }
        }
    }

    /// `±HH:MM`, `±HHMM` or `±HH`, hours up to 18, minutes below 60.
    static func fixedOffset(_ text: String) -> Int32? {
        let b = Array(text.utf8)
        guard b.count == 3 || b.count == 5 || b.count == 6, b[0] == 0x2B || b[0] == 0x2D else { return nil }
        func two(_ i: Int) -> Int? {
            let h = b[i] &- 0x30
            let l = b[i + 1] &- 0x30
            return h < 10 && l < 10 ? Int(h) * 10 + Int(l) : nil
        }
        guard let hours = two(1), hours <= 18 else { return nil }
        var minutes = 0
        if b.count == 5 {
            guard let m = two(3) else { return nil }
            minutes = m
        } else if b.count == 6 {
            guard b[3] == 0x3A, let m = two(4) else { return nil }
            minutes = m
        }
        guard minutes < 60 else { return nil }
        let total = Int32(hours * 3600 + minutes * 60)
        return b[0] == 0x2D ? -total : total
    }
}
