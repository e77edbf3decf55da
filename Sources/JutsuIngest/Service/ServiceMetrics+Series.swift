import JutsuCore

extension ServiceMetrics {
    /// The per-series families of `FreshnessReporter.prometheus` (same names, labels and values,
    /// checked by a test), written through the byte buffer: for 5,000 series that is 45,000
    /// lines, which string interpolation made the slowest part of a scrape.
    static func series(_ rows: [FreshnessRow], at: Int64, into m: inout MetricsText) {
        func labels(_ r: FreshnessRow, into out: inout TextBuffer) {
            out.raw("{symbol=\"")
            out.labelValue(r.symbol)
            out.raw("\",timeframe=\"")
            out.labelValue(r.timeframe)
            out.raw("\",tier=\"")
            out.raw(r.tier.rawValue)
            out.raw("\",calendar=\"")
            out.labelValue(r.calendar)
            out.raw("\"")
        }
        func family(_ name: String, _ help: String, _ value: (FreshnessRow) -> Int64?) {
            m.family(name, .gauge, help)
            for r in rows {
                guard let v = value(r) else { continue }
                m.out.raw(name)
                labels(r, into: &m.out)
                m.out.raw("} ")
                m.out.int(v)
                m.out.raw("\n")
            }
        }
        family("jutsu_series_lag_bars", "Bars missing up to the newest bar that should exist (sessions only).") { $0.lagBars }
        family("jutsu_series_lag_seconds", "Missing bars times the bar length.") { $0.lagSeconds }
        family("jutsu_series_age_seconds", "Wall-clock seconds since the newest stored bar ended.") { $0.ageSeconds }
        family("jutsu_series_newest_bar_timestamp_seconds", "Start of the newest stored bar, Unix seconds.") { $0.newestBar }
        family("jutsu_series_stale_after_seconds", "Lag beyond which the series is stale (its tier).") { $0.staleAfterSeconds }
        m.family("jutsu_series_status", .gauge, "Freshness class of the series (1 for its current class).")
        for r in rows {
            for s in FreshnessStatus.allCases {
                m.out.raw("jutsu_series_status")
                labels(r, into: &m.out)
                m.out.raw(",status=\"")
                m.out.raw(s.rawValue)
                m.out.raw(r.status == s ? "\"} 1\n" : "\"} 0\n")
            }
        }
        m.family("jutsu_freshness_snapshot_timestamp_seconds", .gauge, "When this report was evaluated.")
        m.sample("jutsu_freshness_snapshot_timestamp_seconds", [], at)
    }
}
