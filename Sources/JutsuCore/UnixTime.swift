/// Helpers on `Int64` seconds since 1970-01-01T00:00:00Z (leap seconds ignored, as in POSIX).
public enum UnixTime {
    public static let secondsPerDay: Int64 = 86_400

    /// The UTC instant of `date` at `hour:minute:second` (no range checks on the clock
    /// fields: 24:00:00 is the next midnight).
    public static func seconds(date: CivilDate, hour: Int, minute: Int, second: Int) -> Int64 {
        date.daysSinceEpoch * secondsPerDay + Int64(hour) * 3600 + Int64(minute) * 60 + Int64(second)
    }

    /// The UTC calendar date containing `seconds` (floor division, so -1 is 1969-12-31).
    public static func civilDate(ofSeconds seconds: Int64) -> CivilDate {
        CivilDate(daysSinceEpoch: floorDays(seconds))
    }

    /// Days since the epoch of the UTC date containing `seconds`.
    public static func floorDays(_ seconds: Int64) -> Int64 {
        let q = seconds / secondsPerDay
        return seconds % secondsPerDay < 0 ? q - 1 : q
    }

    /// Seconds since the UTC midnight before `seconds`, in 0..<86400.
    public static func secondOfDay(_ seconds: Int64) -> Int64 {
        let r = seconds % secondsPerDay
        return r < 0 ? r + secondsPerDay : r
    }

    /// `2024-03-01T14:30:00Z`.
    public static func iso8601(_ seconds: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(20)
        appendISO8601(seconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `2024-03-01T14:30:00Z` as ASCII bytes.
    public static func appendISO8601(_ seconds: Int64, to out: inout [UInt8]) {
        civilDate(ofSeconds: seconds).appendText(to: &out)
        let s = Int(secondOfDay(seconds))
        out.append(0x54)  // T
        CivilDate.appendDigits(s / 3600, width: 2, to: &out)
        out.append(0x3A)
        CivilDate.appendDigits(s / 60 % 60, width: 2, to: &out)
        out.append(0x3A)
        CivilDate.appendDigits(s % 60, width: 2, to: &out)
        out.append(0x5A)  // Z
    }
}
