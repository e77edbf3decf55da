/// A calendar date in the proleptic Gregorian calendar, without time or zone.
///
/// Conversions to and from a day count use Howard Hinnant's `days_from_civil` /
/// `civil_from_days` algorithms (http://howardhinnant.github.io/date_algorithms.html).
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int32
    public let month: Int8
    public let day: Int8

    /// A validated date (leap years included); `nil` outside year 1...9999 or for a day the
    /// month does not have.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= CivilDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = Int32(year)
        self.month = Int8(month)
        self.day = Int8(day)
    }

    /// The date `daysSinceEpoch` days after 1970-01-01 (negative: before). Dates far outside
    /// year 1...9999 are not meaningful (the year wraps instead of trapping).
    public init(daysSinceEpoch: Int64) {
        let z = daysSinceEpoch &+ 719_468
        let era = (z >= 0 ? z : z &- 146_096) / 146_097
        let doe = z &- era &* 146_097  // [0, 146096]
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365  // [0, 399]
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)  // [0, 365]
        let mp = (5 * doy + 2) / 153  // [0, 11], March-based
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe &+ era &* 400 &+ (m <= 2 ? 1 : 0)
        self.year = Int32(truncatingIfNeeded: y)
        self.month = Int8(m)
        self.day = Int8(d)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int64 {
        let m = Int64(month)
        let y = Int64(year) - (m <= 2 ? 1 : 0)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400  // [0, 399]
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1  // [0, 365]
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy  // [0, 146096]
        return era * 146_097 + doe - 719_468
    }

    /// 0 = Sunday ... 6 = Saturday.
    public var weekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (daysSinceEpoch + 4) % 7
        return Int(r < 0 ? r + 7 : r)
    }

    /// ISO 8601 `YYYY-MM-DD`, e.g. `2024-03-01`.
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(10)
        appendText(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DD` as ASCII bytes.
    public func appendText(to out: inout [UInt8]) {
        var y = Int(year)
        if y < 0 {
            out.append(0x2D)
            y = -y
        }
        if y > 9999 {
            out.append(contentsOf: Array(String(y).utf8))
        } else {
            CivilDate.appendDigits(y, width: 4, to: &out)
        }
        out.append(0x2D)
        CivilDate.appendDigits(Int(month), width: 2, to: &out)
        out.append(0x2D)
        CivilDate.appendDigits(Int(day), width: 2, to: &out)
    }

    /// Parses `YYYY-MM-DD` (exactly that shape, surrounding spaces allowed).
    public init?(parsing text: some StringProtocol) {
        var bytes = Array(text.utf8)
        while let last = bytes.last, last == 0x20 { bytes.removeLast() }
        while let first = bytes.first, first == 0x20 { bytes.removeFirst() }
        guard bytes.count == 10, bytes[4] == 0x2D, bytes[7] == 0x2D else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for k in range {
                let d = bytes[k] &- 0x30
                guard d < 10 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Adds (or, when negative, subtracts) whole days.
    public func adding(days: Int64) -> CivilDate {
        CivilDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    public static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Days in `month` (1...12) of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static func appendDigits(_ value: Int, width: Int, to out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        while divisor > 0 {
            out.append(0x30 &+ UInt8(truncatingIfNeeded: value / divisor % 10))
            divisor /= 10
        }
    }
}
