import Foundation
import JutsuCore
import JutsuPipeline
import JutsuStore

/// Sessions missing inside each series' stored range, and bars on closed days, as `jutsu-ingest
/// gaps` and the admin API (`GET /api/v1/gaps`) report them: `{"series": [SeriesGaps]}`.
public enum GapsReport {
    public struct SeriesGaps: Encodable, Sendable {
        public var symbol: String
        public var timeframe: String
        public var calendar: String
        public var from: String?
        public var through: String?
        public var expectedSessions: Int
        public var presentSessions: Int
        public var missing: [Range]
        public var nonSession: [Range]
        public var skipped: String?

        public struct Range: Encodable, Sendable { public var from: String; public var through: String; public var count: Int }

        enum CodingKeys: String, CodingKey {
            case symbol, timeframe, calendar, from, through, missing, skipped
            case expectedSessions = "expected_sessions", presentSessions = "present_sessions", nonSession = "non_session"
        }
    }

    /// Every series with stored bars, filtered by `symbols` (canonical) and `timeframe`, from
    /// `since` on.
    public static func find(store: GapsStore, config: FreshnessConfig, symbols: Set<String>?, timeframe: Timeframe?,
                            since: CivilDate?) throws -> [SeriesGaps] {
        var results: [SeriesGaps] = []
        for (symbolText, tfText) in try store.series() {
            guard let symbol = try? Symbol(canonicalizing: symbolText), let tf = Timeframe(parsing: tfText) else { continue }
            if let symbols, !symbols.contains(symbol.value) { continue }
            if let timeframe, timeframe != tf { continue }
            let calendar = FreshnessReporter.calendar(for: symbol, named: config.override(for: symbol).calendar)
            var entry = SeriesGaps(symbol: symbol.value, timeframe: tf.rawValue, calendar: calendar.name, expectedSessions: 0,
                                   presentSessions: 0, missing: [], nonSession: [])
            guard tf == .d1 || tf.isIntraday else {
                entry.skipped = "\(tf.rawValue) series are not checked"
                results.append(entry)
                continue
            }
            let times = try store.barTimes(symbol: symbol.value, timeframe: tf.rawValue, intraday: tf.isIntraday,
                                           since: since.map { $0.daysSinceEpoch * UnixTime.secondsPerDay })
            var days: [CivilDate] = []
            days.reserveCapacity(times.count)
            for t in times {
                let day = tf.isIntraday ? (calendar.session(containing: t)?.date ?? UnixTime.civilDate(ofSeconds: t))
                                        : UnixTime.civilDate(ofSeconds: t)
                if days.last != day { days.append(day) }
            }
            guard let first = days.first, let last = days.last else { continue }
            let report = Gaps.find(present: days, from: first, through: last, calendar: calendar)
            entry.from = first.description
            entry.through = last.description
            entry.expectedSessions = report.expectedSessions
            entry.presentSessions = report.presentSessions
            entry.missing = report.missing.map { .init(from: $0.from.description, through: $0.through.description, count: $0.count) }
            entry.nonSession = report.nonSession.map { .init(from: $0.from.description, through: $0.through.description, count: $0.count) }
            results.append(entry)
        }
        return results
    }

    /// `{"series":[...]}`, keys sorted.
    public static func json(_ series: [SeriesGaps]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(["series": series])
    }
}
