import Foundation
import JutsuCore
import JutsuPipeline
import JutsuStore

/// One series' freshness at an instant, as `jutsu-ingest freshness` reports it.
public struct FreshnessRow: Sendable, Encodable {
    public var symbol: String
    public var timeframe: String
    public var tier: FreshnessTier
    public var calendar: String
    public var status: FreshnessStatus
    public var newestBar: Int64?
    public var expectedBar: Int64?
    public var lagBars: Int64
    public var lagSeconds: Int64
    public var ageSeconds: Int64?
    public var lastFetchAt: Int64?
    public var staleAfterSeconds: Int64
    public var publicationDelaySeconds: Int64
    public var rtoSeconds: Int64
    public var sources: [String]
    public var pipelines: [String]
    public var snapshotAt: Int64

    enum CodingKeys: String, CodingKey {
        case uniqueID = "unique_id", symbol, timeframe, status, maxLoadedAt = "max_loaded_at", snapshottedAt = "snapshotted_at"
        case expectedBar = "expected_bar", lagSeconds = "lag_seconds", lagBars = "lag_bars", ageSeconds = "age_seconds"
        case lastFetchAt = "last_fetch_at", criteria, sources, pipelines
    }
    enum CriteriaKeys: String, CodingKey {
        case tier, calendar, staleAfter = "stale_after_seconds", delay = "publication_delay_seconds", rto = "rto_seconds"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("series.\(symbol).\(timeframe)", forKey: .uniqueID)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(timeframe, forKey: .timeframe)
        try c.encode(status, forKey: .status)
        try c.encode(newestBar.map(UnixTime.iso8601), forKey: .maxLoadedAt)
        try c.encode(UnixTime.iso8601(snapshotAt), forKey: .snapshottedAt)
        try c.encode(expectedBar.map(UnixTime.iso8601), forKey: .expectedBar)
        try c.encode(lagSeconds, forKey: .lagSeconds)
        try c.encode(lagBars, forKey: .lagBars)
        try c.encode(ageSeconds, forKey: .ageSeconds)
        try c.encode(lastFetchAt.map(UnixTime.iso8601), forKey: .lastFetchAt)
        var k = c.nestedContainer(keyedBy: CriteriaKeys.self, forKey: .criteria)
        try k.encode(tier.rawValue, forKey: .tier)
        try k.encode(calendar, forKey: .calendar)
        try k.encode(staleAfterSeconds, forKey: .staleAfter)
        try k.encode(publicationDelaySeconds, forKey: .delay)
        try k.encode(rtoSeconds, forKey: .rto)
        try c.encode(sources, forKey: .sources)
        try c.encode(pipelines, forKey: .pipelines)
    }
}

public enum FreshnessReporter {
    /// Calendar names a series may be given (`freshness.yaml` `series[].calendar`).
    public static let calendarNames = SymbolCalendar.names

    /// The calendar of a symbol (`SymbolCalendar`).
    public static func calendar(for symbol: Symbol, named: String? = nil) -> any TradingCalendar {
        SymbolCalendar.calendar(for: symbol, named: named)
    }

    /// Tier, thresholds and publication delay of each series; the strictest of its pipelines'
    /// tiers unless `freshness.yaml` names the series.
    public static func evaluate(_ snapshots: [FreshnessStore.Snapshot], config: FreshnessConfig,
                                pipelines: [String: FreshnessSpec], at: Int64) -> [FreshnessRow] {
        var rows: [FreshnessRow] = []
        for snap in snapshots {
            guard let symbol = try? Symbol(canonicalizing: snap.symbol), let timeframe = Timeframe(parsing: snap.timeframe) else { continue }
            let override = config.override(for: symbol)
            let specs = snap.pipelines.compactMap { pipelines[$0] }
            let strictest = specs.min { rank($0.tier) < rank($1.tier) }
            let tier = override.tier ?? strictest?.tier ?? .standard
            var staleAfter = config.tier(tier).staleAfterSeconds
            var rto = config.tier(tier).rtoSeconds
            if override.tier == nil {
                if let rpo = specs.compactMap(\.rpoSeconds).min() { staleAfter = rpo }
                if let r = specs.compactMap(\.rtoSeconds).min() { rto = r }
            }
            let delay = snap.sources.compactMap { config.publicationDelay[$0] }.max() ?? 0
            let calendar = calendar(for: symbol, named: override.calendar)
            let a = Freshness.assess(timeframe: timeframe, newestBar: snap.newestBar, at: at, calendar: calendar,
                                     policy: FreshnessPolicy(staleAfterSeconds: staleAfter, publicationDelaySeconds: delay))
            rows.append(FreshnessRow(
                symbol: symbol.value, timeframe: timeframe.rawValue, tier: tier, calendar: calendar.name, status: a.status,
                newestBar: a.newestBar, expectedBar: a.expectedBar, lagBars: a.lagBars, lagSeconds: a.lagSeconds,
                ageSeconds: a.ageSeconds, lastFetchAt: snap.lastFetchAt, staleAfterSeconds: staleAfter,
                publicationDelaySeconds: delay, rtoSeconds: rto, sources: snap.sources, pipelines: snap.pipelines,
                snapshotAt: at))
        }
        // Worst first: status, then lag, then name.
        return rows.sorted {
            ($0.status.severity, $0.lagSeconds, $1.symbol, $1.timeframe) > ($1.status.severity, $1.lagSeconds, $0.symbol, $0.timeframe)
        }
    }

    static func rank(_ tier: FreshnessTier) -> Int {
        switch tier {
        case .critical: 0
        case .standard: 1
        case .low: 2
        }
    }

    /// `{"metadata":{...},"snapshotted_at":...,"results":[...]}`, in the spirit of dbt's sources.json.
    /// `warnings`: things to act on that are not series (a Schwab login about to lapse), always
    /// present (an empty list when there are none).
    public static func json(_ rows: [FreshnessRow], at: Int64, warnings: [String] = []) -> String {
        struct Document: Encodable {
            struct Metadata: Encodable {
                var generated_at: String
                var invocation = "jutsu-ingest freshness"
            }
            var metadata: Metadata
            var snapshotted_at: String
            var results: [FreshnessRow]
            var warnings: [String]
        }
        let doc = Document(metadata: .init(generated_at: UnixTime.iso8601(Int64(Date().timeIntervalSince1970))),
                           snapshotted_at: UnixTime.iso8601(at), results: rows, warnings: warnings)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(doc)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Prometheus text exposition, for node_exporter's textfile collector.
    public static func prometheus(_ rows: [FreshnessRow], at: Int64) -> String {
        func labels(_ r: FreshnessRow) -> String {
            "symbol=\"\(escape(r.symbol))\",timeframe=\"\(r.timeframe)\",tier=\"\(r.tier.rawValue)\",calendar=\"\(escape(r.calendar))\""
        }
        var out = ""
        func metric(_ name: String, _ help: String, _ value: (FreshnessRow) -> String?) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for r in rows { if let v = value(r) { out += "\(name){\(labels(r))} \(v)\n" } }
        }
        metric("jutsu_series_lag_bars", "Bars missing up to the newest bar that should exist (sessions only).") { "\($0.lagBars)" }
        metric("jutsu_series_lag_seconds", "Missing bars times the bar length.") { "\($0.lagSeconds)" }
        metric("jutsu_series_age_seconds", "Wall-clock seconds since the newest stored bar ended.") { $0.ageSeconds.map(String.init) }
        metric("jutsu_series_newest_bar_timestamp_seconds", "Start of the newest stored bar, Unix seconds.") { $0.newestBar.map(String.init) }
        metric("jutsu_series_stale_after_seconds", "Lag beyond which the series is stale (its tier).") { "\($0.staleAfterSeconds)" }
        out += "# HELP jutsu_series_status Freshness class of the series (1 for its current class).\n# TYPE jutsu_series_status gauge\n"
        for r in rows {
            for s in FreshnessStatus.allCases {
                out += "jutsu_series_status{\(labels(r)),status=\"\(s.rawValue)\"} \(r.status == s ? 1 : 0)\n"
            }
        }
        out += "# HELP jutsu_freshness_snapshot_timestamp_seconds When this report was evaluated.\n# TYPE jutsu_freshness_snapshot_timestamp_seconds gauge\n"
        out += "jutsu_freshness_snapshot_timestamp_seconds \(at)\n"
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
