import JutsuCore

/// Reads date and time fields from bytes in one of the `DateFormat`s. No allocation, no
/// Foundation: this runs once per row.
enum TimestampParser {
    /// Parses `bytes` (surrounding spaces ignored) as `format`; `nil` if it does not match or
    /// names an impossible date or time.
    static func parse(_ bytes: UnsafeRawBufferPointer, as format: DateFormat) -> WrittenTimestamp? {
        var c = ByteCursor(bytes)
        c.trimSpaces()
        if c.atEnd { return nil }
        switch format {
        case .isoDate:
            guard let days = isoDate(&c), c.atEnd else { return nil }
            return .date(days: days)
        case .isoDateTime:
            guard let days = isoDate(&c) else { return nil }
            if c.atEnd { return .date(days: days) }
            guard c.take(0x54) || c.take(0x74) || c.take(0x20) else { return nil }  // T t space
            return clockAndOffset(&c, days: days, allowOffset: true, allowMeridiem: false)
        case .usDate, .dayFirstDate:
            guard let days = slashDate(&c, dayFirst: format == .dayFirstDate) else { return nil }
            if c.atEnd { return .date(days: days) }
            guard c.take(0x20) else { return nil }
            c.skipSpaces()
            return clockAndOffset(&c, days: days, allowOffset: false, allowMeridiem: true)
        case .dottedYearFirst:
            guard let y = c.digits(exactly: 4), c.take(0x2E), let m = c.digits(1...2), c.take(0x2E),
                let d = c.digits(1...2), let date = CivilDate(year: y, month: m, day: d)
            else { return nil }
            return dateAndClock(&c, days: date.daysSinceEpoch)
        case .dottedDayFirst:
            guard let d = c.digits(1...2), c.take(0x2E), let m = c.digits(1...2), c.take(0x2E),
                let y = c.digits(exactly: 4), let date = CivilDate(year: y, month: m, day: d)
            else { return nil }
            return dateAndClock(&c, days: date.daysSinceEpoch)
        case .dayMonthNameShortYear, .dayMonthNameYear:
            guard let d = c.digits(1...2), c.take(0x2D), let m = monthName(&c), c.take(0x2D) else { return nil }
            let y: Int
            if format == .dayMonthNameYear {
                guard let v = c.digits(exactly: 4) else { return nil }
                y = v
            } else {
                guard let v = c.digits(exactly: 2) else { return nil }
                y = pivotTwoDigitYear(v)
            }
            guard let date = CivilDate(year: y, month: m, day: d) else { return nil }
            return dateAndClock(&c, days: date.daysSinceEpoch)
        case .monthNameDayYear:
            guard let m = monthName(&c), c.take(0x20) else { return nil }
            c.skipSpaces()
            guard let d = c.digits(1...2) else { return nil }
            let comma = c.take(0x2C)
            let spaces = c.skipSpaceCount()
            guard comma || spaces > 0, let y = c.digits(exactly: 4), let date = CivilDate(year: y, month: m, day: d)
            else { return nil }
            return dateAndClock(&c, days: date.daysSinceEpoch)
        case .compact:
            guard let y = c.digits(exactly: 4), let m = c.digits(exactly: 2), let d = c.digits(exactly: 2),
                let date = CivilDate(year: y, month: m, day: d)
            else { return nil }
            let days = date.daysSinceEpoch
            if c.atEnd { return .date(days: days) }
            guard c.take(0x20) || c.take(0x54) else { return nil }
            c.skipSpaces()
            if let second = compactClock(&c), c.atEnd { return .local(days: days, second: second) }
            return nil
        case .epochSeconds, .epochMillis, .epochMicros, .epochNanos:
            guard let value = epochValue(&c), c.atEnd else { return nil }
            return .instant(floorDivide(value, format.epochUnitsPerSecond))
        }
    }

    /// Parses a separate time-of-day field: `09:30`, `09:30:00`, `09:30:00.5`, `0930`, `093000`.
    static func timeOfDay(_ bytes: UnsafeRawBufferPointer) -> Int32? {
        var c = ByteCursor(bytes)
        c.trimSpaces()
        let save = c
        if let s = clock(&c, allowMeridiem: true), c.atEnd { return s }
        c = save
        if let s = compactClock(&c), c.atEnd { return s }
        return nil
    }

    // MARK: Pieces

    /// `YYYY-MM-DD` or `YYYY/MM/DD` (month and day may have one digit).
    private static func isoDate(_ c: inout ByteCursor) -> Int64? {
        guard let y = c.digits(exactly: 4) else { return nil }
        let separator = c.peek
        guard separator == 0x2D || separator == 0x2F else { return nil }
        c.advance()
        guard let m = c.digits(1...2), c.take(separator), let d = c.digits(1...2),
            let date = CivilDate(year: y, month: m, day: d)
        else { return nil }
        return date.daysSinceEpoch
    }

    /// `M[M]/D[D]/YYYY`, or `D[D]/M[M]/YYYY` when `dayFirst`.
    private static func slashDate(_ c: inout ByteCursor, dayFirst: Bool) -> Int64? {
        guard let first = c.digits(1...2), c.take(0x2F), let second = c.digits(1...2), c.take(0x2F),
            let y = c.digits(exactly: 4),
            let date = dayFirst
                ? CivilDate(year: y, month: second, day: first) : CivilDate(year: y, month: first, day: second)
        else { return nil }
        return date.daysSinceEpoch
    }

    /// The end of the field (a date), or spaces and `H[H]:MM[:SS[.fraction]]` (a naive time).
    private static func dateAndClock(_ c: inout ByteCursor, days: Int64) -> WrittenTimestamp? {
        if c.atEnd { return .date(days: days) }
        guard c.take(0x20) else { return nil }
        c.skipSpaces()
        guard let second = clock(&c, allowMeridiem: false), c.atEnd else { return nil }
        return .local(days: days, second: second)
    }

    /// A two-digit year as POSIX `strptime` reads `%y`: `00`-`68` are 2000-2068, `69`-`99`
    /// are 1969-1999.
    @inline(__always)
    static func pivotTwoDigitYear(_ yy: Int) -> Int { yy < 69 ? 2000 + yy : 1900 + yy }

    /// An English month name, three-letter (`Jan`) or full (`January`), any letter case:
    /// 1...12. Anything else (`Sept`, `Janu`, `Mär`) is `nil`.
    static func monthName(_ c: inout ByteCursor) -> Int? {
        let start = c.index
        while c.index < c.end, (c.bytes[c.index] | 0x20) &- 0x61 < 26 { c.index += 1 }
        let length = c.index - start
        guard length >= 3 else { return nil }
        for month in 1...12 {
            let name = fullMonthName(month)
            let n = name.utf8CodeUnitCount
            guard length == 3 || length == n else { continue }
            let w = name.utf8Start
            var k = 0
            while k < length, c.bytes[start + k] | 0x20 == w[k] { k += 1 }  // names are lower case
            if k == length { return month }
        }
        return nil
    }

    @inline(__always)
    private static func fullMonthName(_ month: Int) -> StaticString {
        switch month {
        case 1: "january"
        case 2: "february"
        case 3: "march"
        case 4: "april"
        case 5: "may"
        case 6: "june"
        case 7: "july"
        case 8: "august"
        case 9: "september"
        case 10: "october"
        case 11: "november"
        default: "december"
        }
    }

    private static func clockAndOffset(
        _ c: inout ByteCursor, days: Int64, allowOffset: Bool, allowMeridiem: Bool
    ) -> WrittenTimestamp? {
        guard let second = clock(&c, allowMeridiem: allowMeridiem) else { return nil }
        if c.atEnd { return .local(days: days, second: second) }
        guard allowOffset else { return nil }
        c.skipSpaces()
        guard let offset = utcOffset(&c), c.atEnd else { return nil }
        return .zoned(days: days, second: second, offset: offset)
    }

    /// `H[H]:MM[:SS[.fraction]]`, optionally ` AM`/`PM`; the fraction is dropped (bars start
    /// on whole seconds). Returns seconds since midnight.
    private static func clock(_ c: inout ByteCursor, allowMeridiem: Bool) -> Int32? {
        guard var h = c.digits(1...2), c.take(0x3A), let m = c.digits(exactly: 2) else { return nil }
        var s = 0
        if c.take(0x3A) {
            guard let v = c.digits(exactly: 2) else { return nil }
            s = v
            if c.take(0x2E) || c.take(0x2C) {
                guard c.skipDigits() > 0 else { return nil }
            }
        }
        if allowMeridiem {
            let save = c
            c.skipSpaces()
            if let pm = c.meridiem() {
                guard h >= 1, h <= 12 else { return nil }
                h = h % 12 + (pm ? 12 : 0)
            } else {
                c = save
            }
        }
        guard h < 24, m < 60, s < 60 else { return nil }
        return Int32(h * 3600 + m * 60 + s)
    }

    /// `HHMM` or `HHMMSS`, or a colon clock.
    private static func compactClock(_ c: inout ByteCursor) -> Int32? {
        let save = c
        if let s = clock(&c, allowMeridiem: false) { return s }
        c = save
        guard let h = c.digits(exactly: 2), let m = c.digits(exactly: 2) else { return nil }
        let s = c.digits(exactly: 2) ?? 0
        guard h < 24, m < 60, s < 60 else { return nil }
        return Int32(h * 3600 + m * 60 + s)
    }

    /// `Z`, `UTC`, `GMT`, `±HH`, `±HHMM`, `±HH:MM`. Returns seconds east of UTC.
    private static func utcOffset(_ c: inout ByteCursor) -> Int32? {
        if c.take(0x5A) || c.take(0x7A) { return 0 }  // Z z
        if c.takeWord("UTC") || c.takeWord("GMT") {
            if c.atEnd { return 0 }
        }
        let sign = c.peek
        guard sign == 0x2B || sign == 0x2D else { return nil }
        c.advance()
        guard let h = c.digits(exactly: 2), h <= 18 else { return nil }
        var m = 0
        if c.take(0x3A) {
            guard let v = c.digits(exactly: 2) else { return nil }
            m = v
        } else if let v = c.digits(exactly: 2) {
            m = v
        }
        guard m < 60 else { return nil }
        let total = Int32(h * 3600 + m * 60)
        return sign == 0x2D ? -total : total
    }

    /// Optional `-`, 1 to 19 digits, optional fraction (ignored). `nil` on overflow.
    private static func epochValue(_ c: inout ByteCursor) -> Int64? {
        let negative = c.take(0x2D)
        var value: Int64 = 0
        var count = 0
        while let d = c.digit() {
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            value = sum
            count += 1
        }
        guard count > 0 else { return nil }
        if c.take(0x2E) { _ = c.skipDigits() }
        return negative ? -value : value
    }

    @inline(__always)
    static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        if b == 1 { return a }
        let q = a / b
        return (a % b < 0) ? q - 1 : q
    }
}

/// A read position over a byte field.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    var index: Int
    var end: Int

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        index = 0
        end = bytes.count
    }

    var atEnd: Bool { index >= end }
    var peek: UInt8 { index < end ? bytes[index] : 0 }

    mutating func advance() { index += 1 }

    mutating func trimSpaces() {
        while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        while end > index, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
    }

    mutating func skipSpaces() {
        while index < end, bytes[index] == 0x20 { index += 1 }
    }

    /// Skips spaces; how many there were.
    mutating func skipSpaceCount() -> Int {
        let start = index
        skipSpaces()
        return index - start
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < end, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Case-insensitive ASCII word.
    mutating func takeWord(_ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard end - index >= n else { return false }
        let w = word.utf8Start
        for k in 0..<n where bytes[index + k] | 0x20 != w[k] | 0x20 { return false }
        index += n
        return true
    }

    /// `AM`/`PM` (any case, optional dots): true for PM.
    mutating func meridiem() -> Bool? {
        let save = self
        let first = peek | 0x20
        guard first == 0x61 || first == 0x70 else { return nil }
        advance()
        _ = take(0x2E)
        guard peek | 0x20 == 0x6D else {
            self = save
            return nil
        }
        advance()
        _ = take(0x2E)
        return first == 0x70
    }

    @inline(__always)
    mutating func digit() -> Int? {
        guard index < end else { return nil }
        let d = bytes[index] &- 0x30
        guard d < 10 else { return nil }
        index += 1
        return Int(d)
    }

    mutating func digits(exactly n: Int) -> Int? {
        guard end - index >= n else { return nil }
        var v = 0
        for k in 0..<n {
            let d = bytes[index + k] &- 0x30
            guard d < 10 else { return nil }
            v = v * 10 + Int(d)
        }
        index += n
        return v
    }

    mutating func digits(_ range: ClosedRange<Int>) -> Int? {
        var v = 0
        var n = 0
        while n < range.upperBound, let d = digit() {
            v = v * 10 + d
            n += 1
        }
        return n >= range.lowerBound ? v : nil
    }

    mutating func skipDigits() -> Int {
        var n = 0
        while digit() != nil { n += 1 }
        return n
    }
}
