/// Picks the `DateFormat` of a date column from sample values.
enum DateFormatDetector {
    /// The format that reads the most sample values, or `nil` if none reads at least half of
    /// them (a few bad rows should not hide the format; they are rejected later).
    /// Ties go to the first in the order: iso-date, iso-datetime, mm/dd/yyyy, yyyymmdd, epoch.
    /// All-digit values of 8 digits that are valid dates read as `yyyymmdd`; other all-digit
    /// values are epochs whose unit follows from the largest magnitude: up to 11 digits
    /// seconds, 12-14 milliseconds, 15-17 microseconds, 18-19 nanoseconds.
    static func detect(_ values: [[UInt8]]) -> DateFormat? {
        let nonEmpty = values.filter { !trimmed($0).isEmpty }
        guard !nonEmpty.isEmpty else { return nil }
        var candidates: [DateFormat] = [.isoDate, .isoDateTime, .usDate, .compact]
        if let epoch = epochUnit(nonEmpty) { candidates.append(epoch) }
        var best: (format: DateFormat, count: Int)?
        for format in candidates {
            let count = nonEmpty.reduce(0) { n, value in
                n + (value.withUnsafeBytes { TimestampParser.parse($0, as: format) } != nil ? 1 : 0)
            }
            if count > (best?.count ?? 0) { best = (format, count) }
        }
        guard let best, best.count * 2 >= nonEmpty.count else { return nil }
        return best.format
    }

    /// The epoch unit suggested by the largest number of digits, if the values are numbers.
    static func epochUnit(_ values: [[UInt8]]) -> DateFormat? {
        var maxDigits = 0
        for value in values {
            var digits = 0
            for b in trimmed(value) {
                if b >= 0x30 && b <= 0x39 { digits += 1 } else if b == 0x2E { break }
            }
            maxDigits = max(maxDigits, digits)
        }
        switch maxDigits {
        case 0: return nil
        case ...11: return .epochSeconds
        case 12...14: return .epochMillis
        case 15...17: return .epochMicros
        default: return .epochNanos
        }
    }

    static func trimmed(_ value: [UInt8]) -> ArraySlice<UInt8> {
        var s = value.startIndex
        var e = value.endIndex
        while s < e, value[s] == 0x20 || value[s] == 0x09 { s += 1 }
        while e > s, value[e - 1] == 0x20 || value[e - 1] == 0x09 { e -= 1 }
        return value[s..<e]
    }
}
