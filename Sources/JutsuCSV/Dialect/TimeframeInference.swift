import JutsuCore

/// Infers a timeframe from the spacing of sample timestamps.
enum TimeframeInference {
    /// Date-only values: 1d, or 1w / 1mo when the most common gap says so. Date-times: the
    /// timeframe nearest (by ratio) to the most common positive gap between consecutive rows
    /// (absolute, so newest-first files work). `nil` without two distinct timestamps.
    static func infer(_ timestamps: [WrittenTimestamp]) -> Timeframe? {
        guard !timestamps.isEmpty else { return nil }
        let dateOnly = timestamps.allSatisfy { !$0.hasTime }
        var gaps: [Int64: Int] = [:]
        for (a, b) in zip(timestamps, timestamps.dropFirst()) {
            let gap = abs(b.approximateSeconds - a.approximateSeconds)
            if gap > 0 { gaps[gap, default: 0] += 1 }
        }
        guard let mode = gaps.max(by: { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key })?.key else {
            return dateOnly ? .d1 : nil
        }
        let choices: [Timeframe] = dateOnly ? [.d1, .w1, .mo1] : Timeframe.allCases
        return choices.min { a, b in
            abs(log(Double(mode) / Double(a.stepSeconds))) < abs(log(Double(mode) / Double(b.stepSeconds)))
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
