import JutsuCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Infers a timeframe from the spacing of sample timestamps (when neither an option nor the
/// file's name says it).
enum TimeframeInference {
    /// - Daily-like values (dates alone, or date-times all at the same time of day, e.g.
    ///   yfinance's `00:00:00+09:00`): by the smallest gap, because weekends and holidays make
    ///   daily gaps of 1 to 4 days (5 with rejected rows): up to 5 days 1d, 6 to 10 days 1w, more 1mo. One row: 1d.
    /// - Otherwise: the timeframe nearest (by ratio) to the most common positive gap between
    ///   consecutive rows (absolute, so newest-first files work). `nil` for a single row.
    static func infer(_ timestamps: [WrittenTimestamp]) -> Timeframe? {
        guard let first = timestamps.first else { return nil }
        let gaps = zip(timestamps, timestamps.dropFirst())
            .map { abs($1.approximateSeconds - $0.approximateSeconds) }
            .filter { $0 > 0 }
        let dateOnly = timestamps.allSatisfy { !$0.hasTime }
        let sameClock = timestamps.allSatisfy { timeOfDay($0) == timeOfDay(first) }
        if dateOnly || (sameClock && (timeOfDay(first) == 0 || timestamps.count >= 3)) {
            guard let smallest = gaps.min() else { return .d1 }
            let days = smallest / UnixTime.secondsPerDay
            if days <= 5 { return .d1 }
            return days <= 10 ? .w1 : .mo1
        }
        var counts: [Int64: Int] = [:]
        for gap in gaps { counts[gap, default: 0] += 1 }
        guard let mode = counts.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else {
            return nil
        }
        return Timeframe.allCases.min { a, b in
            abs(log(Double(mode) / Double(a.stepSeconds))) < abs(log(Double(mode) / Double(b.stepSeconds)))
        }
    }

    /// Second of the day as written (UTC for epochs).
    private static func timeOfDay(_ t: WrittenTimestamp) -> Int64 {
        switch t {
        case .date: 0
        case .local(_, let s), .zoned(_, let s, _): Int64(s)
        case .instant(let t): UnixTime.secondOfDay(t)
        }
    }
}
