/// Picks the `DateFormat` of a date column from sample values.
enum DateFormatDetector {
    /// What the sample values say.
    enum Detection: Equatable {
        /// The format (for slash dates, one whose day/month order a value proves).
        case format(DateFormat)
        /// Slash dates that read both day first and month first: no value is a valid date in
        /// only one order. `example` is an index into the values.
        case ambiguousDayMonth(example: Int)
        /// Slash dates, some valid only day first and others only month first (indexes of one
        /// of each).
        case contradictoryDayMonth(dayFirst: Int, monthFirst: Int)

        /// True when the result is about slash dates (decided or not).
        var concernsSlashOrder: Bool {
            switch self {
            case .format(let format): format.isSlashDayMonth
            case .ambiguousDayMonth, .contradictoryDayMonth: true
            }
        }
    }

    /// The format that reads the most sample values, or `nil` if none reads at least half of
    /// them (a few bad rows should not hide the format; they are rejected later).
    /// Ties go to the first in the order: iso-date, iso-datetime, slash dates, yyyymmdd,
    /// yyyy.mm.dd, dd.mm.yyyy, dd-mon-yy, dd-mon-yyyy, mon dd yyyy, epoch.
    /// All-digit values of 8 digits that are valid dates read as `yyyymmdd`; other all-digit
    /// values are epochs whose unit follows from the largest magnitude: up to 11 digits
    /// seconds, 12-14 milliseconds, 15-17 microseconds, 18-19 nanoseconds.
    ///
    /// Slash dates (`09/01/2020`) count as one candidate, read in either order; when they win,
    /// the order comes from `slashOrder`: never guessed.
    static func detection(_ values: [[UInt8]]) -> Detection? {
        let nonEmpty = values.indices.filter { !trimmed(values[$0]).isEmpty }
        guard !nonEmpty.isEmpty else { return nil }
        func reads(_ i: Int, _ format: DateFormat) -> Bool {
            values[i].withUnsafeBytes { TimestampParser.parse($0, as: format) } != nil
        }
        // nil stands for the slash family.
        var candidates: [DateFormat?] = [
            .isoDate, .isoDateTime, nil, .compact, .dottedYearFirst, .dottedDayFirst, .dayMonthNameShortYear,
            .dayMonthNameYear, .monthNameDayYear,
        ]
        if let epoch = epochUnit(nonEmpty.map { values[$0] }) { candidates.append(epoch) }
        var best: (format: DateFormat?, count: Int)?
        for format in candidates {
            let count = nonEmpty.reduce(0) { n, i in
                let ok = format.map { reads(i, $0) } ?? (reads(i, .usDate) || reads(i, .dayFirstDate))
                return n + (ok ? 1 : 0)
            }
            if count > (best?.count ?? 0) { best = (format, count) }
        }
        guard let best, best.count * 2 >= nonEmpty.count else { return nil }
        if let format = best.format { return .format(format) }
        return slashOrder(values)
    }

    /// The format alone (`nil` also when slash dates do not settle their order).
    static func detect(_ values: [[UInt8]]) -> DateFormat? {
        if case .format(let format) = detection(values) { return format }
        return nil
    }

    /// The day/month order of slash dates: a value that is a valid date only day first
    /// (`13/01/2020`: its first field is over 12) proves `dd/mm/yyyy`; one valid only month
    /// first (`01/13/2020`) proves `mm/dd/yyyy`. Values valid both ways (`09/01/2020`) or
    /// neither way (`31/04/2020`, a reject) prove nothing. Both proofs contradict each other.
    static func slashOrder(_ values: [[UInt8]]) -> Detection? {
        var dayFirst: Int?
        var monthFirst: Int?
        var example: Int?
        for i in values.indices {
            let d = values[i].withUnsafeBytes { TimestampParser.parse($0, as: .dayFirstDate) } != nil
            let m = values[i].withUnsafeBytes { TimestampParser.parse($0, as: .usDate) } != nil
            if d && m, example == nil { example = i }
            if d && !m, dayFirst == nil { dayFirst = i }
            if m && !d, monthFirst == nil { monthFirst = i }
            if dayFirst != nil && monthFirst != nil { break }
        }
        switch (dayFirst, monthFirst) {
        case (let d?, let m?): return .contradictoryDayMonth(dayFirst: d, monthFirst: m)
        case (_?, nil): return .format(.dayFirstDate)
        case (nil, _?): return .format(.usDate)
        case (nil, nil): return example.map { .ambiguousDayMonth(example: $0) }
        }
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
