import JutsuCore
import JutsuStore

/// `GET /metrics`: the Prometheus text exposition (format 0.0.4) of the service, derived from
/// the database at scrape time, so every `serve` instance on one database reports the same
/// numbers. Names and alerting rules: docs/operations.md, "Metrics".
///
/// One read-only snapshot per scrape. Counters are sums over `ingest_runs`, `rejected_bars` and `scheduled_runs`; deleting old rows
/// from those tables lowers them, which Prometheus treats as a counter reset.
public enum ServiceMetrics {
    /// The `Content-Type` of the text format.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Run duration buckets, seconds.
    public static let durationBuckets: [Double] = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600]
    /// Scheduler lag buckets (claim time minus cron fire time, jitter included), seconds.
    public static let lagBuckets: [Double] = [1, 2, 5, 10, 30, 60, 120, 300, 900, 3600]

    /// The whole text as of `now` (Unix seconds). The connection must not be inside a
    /// transaction (it is left outside one, also on error).
    public static func render(connection: PGConnection, settings: ServiceFreshnessSettings,
                              now: Int64) throws(StoreError) -> String {
        try connection.readSnapshot { () throws(StoreError) -> String in
            var m = MetricsText()
            try runs(connection, into: &m)
            try durations(connection, into: &m)
            try rejects(connection, into: &m)
            try http(connection, into: &m)
            try scheduler(connection, now: now, into: &m)
            let rows = try settings.evaluate(connection: connection, now: now)
            seriesCounts(rows, into: &m)
            series(rows, at: now, into: &m)
            return m.out.string
        }
    }

    /// `pipeline` ("" for ad hoc commands) and `command` of a run group.
    static func lane(_ r: PGResult, _ i: Int) -> [(String, String)] {
        [("pipeline", r.string(i, 0) ?? ""), ("command", r.string(i, 1) ?? "")]
    }

    static func runs(_ c: PGConnection, into m: inout MetricsText) throws(StoreError) {
        let r = try c.execute("""
            SELECT coalesce(pipeline, ''), command, status, count(*), sum(rows_inserted), sum(rows_updated), sum(rows_unchanged),
                   sum(rows_rejected), sum(rows_discarded), sum(rows_deleted)
            FROM ingest_runs GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, context: "metrics runs")
        m.family("jutsu_runs_total", .counter, "Runs that ended, by pipeline (empty for ad hoc commands), command and final status.")
        for i in 0..<r.rowCount where r.string(i, 2) != "running" {
            m.sample("jutsu_runs_total", lane(r, i) + [("status", r.string(i, 2) ?? "")], r.int64(i, 3) ?? 0)
        }
        m.family("jutsu_runs_running", .gauge, "Runs in progress (status running in ingest_runs).")
        for i in 0..<r.rowCount where r.string(i, 2) == "running" {
            m.sample("jutsu_runs_running", lane(r, i), r.int64(i, 3) ?? 0)
        }
        // Rows by outcome, over every status (a failed run's committed batches count).
        var sums: [String: (labels: [(String, String)], values: [Int64])] = [:]
        var order: [String] = []
        for i in 0..<r.rowCount {
            let key = (r.string(i, 0) ?? "") + "\u{0}" + (r.string(i, 1) ?? "")
            if sums[key] == nil { sums[key] = (lane(r, i), Array(repeating: 0, count: 6)); order.append(key) }
            for k in 0..<6 { sums[key]!.values[k] += r.int64(i, 4 + k) ?? 0 }
        }
        m.family("jutsu_rows_total", .counter, "Rows read by runs, by what became of them: inserted, updated, unchanged, rejected, discarded.")
        for key in order {
            let (labels, v) = sums[key]!
            for (k, outcome) in ["inserted", "updated", "unchanged", "rejected", "discarded"].enumerated() {
                m.sample("jutsu_rows_total", labels + [("outcome", outcome)], v[k])
            }
        }
        m.family("jutsu_rows_deleted_total", .counter, "Stored bars removed by load.mode replace_range.")
        for key in order { m.sample("jutsu_rows_deleted_total", sums[key]!.labels, sums[key]!.values[5]) }

        let t = try c.execute("""
            SELECT coalesce(pipeline, ''), command, extract(epoch FROM max(started_at))::bigint,
                   extract(epoch FROM max(finished_at) FILTER (WHERE status = 'succeeded'))::bigint
            FROM ingest_runs GROUP BY 1, 2 ORDER BY 1, 2
            """, context: "metrics run times")
        m.family("jutsu_run_last_start_timestamp_seconds", .gauge, "Start of the newest run, Unix seconds.")
        for i in 0..<t.rowCount { if let v = t.int64(i, 2) { m.sample("jutsu_run_last_start_timestamp_seconds", lane(t, i), v) } }
        m.family("jutsu_run_last_success_timestamp_seconds", .gauge, "End of the newest succeeded run, Unix seconds.")
        for i in 0..<t.rowCount { if let v = t.int64(i, 3) { m.sample("jutsu_run_last_success_timestamp_seconds", lane(t, i), v) } }
    }

    /// `count(*) FILTER (WHERE column <= bound)` for each bound: cumulative buckets in SQL.
    static func bucketColumns(_ column: String, _ bounds: [Double]) -> String {
        bounds.map { "count(*) FILTER (WHERE \(column) <= \(MetricsText.number($0)))" }.joined(separator: ", ")
    }

    static func durations(_ c: PGConnection, into m: inout MetricsText) throws(StoreError) {
        let b = durationBuckets
        let r = try c.execute("""
            SELECT coalesce(pipeline, ''), command, count(*), round(coalesce(sum(d), 0)::numeric, 3)::text, \(bucketColumns("d", b))
            FROM (SELECT pipeline, command, extract(epoch FROM finished_at - started_at) AS d FROM ingest_runs
                  WHERE finished_at IS NOT NULL) runs
            GROUP BY 1, 2 ORDER BY 1, 2
            """, context: "metrics run durations")
        m.family("jutsu_run_duration_seconds", .histogram, "Duration of finished runs (finished_at - started_at).")
        for i in 0..<r.rowCount {
            m.histogram("jutsu_run_duration_seconds", lane(r, i), bounds: b, cumulative: b.indices.map { r.int64(i, 4 + $0) ?? 0 },
                        sum: r.string(i, 3) ?? "0", count: r.int64(i, 2) ?? 0)
        }
    }

    static func rejects(_ c: PGConnection, into m: inout MetricsText) throws(StoreError) {
        let r = try c.execute("""
            SELECT coalesce(i.pipeline, ''), i.command, b.reason_code, count(*)
            FROM rejected_bars b JOIN ingest_runs i USING (run_id) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            """, context: "metrics rejects")
        m.family("jutsu_rejects_total", .counter, "Rows rejected (rejected_bars), by reason code.")
        for i in 0..<r.rowCount { m.sample("jutsu_rejects_total", lane(r, i) + [("reason", r.string(i, 2) ?? "")], r.int64(i, 3) ?? 0) }
    }

    static func http(_ c: PGConnection, into m: inout MetricsText) throws(StoreError) {
        let r = try c.execute("""
            SELECT coalesce(i.pipeline, ''), h.key,
                   sum(coalesce((h.value->>'requests')::bigint, 0)), sum(coalesce((h.value->>'retries')::bigint, 0)),
                   sum(coalesce((h.value->>'rate_limited')::bigint, 0)), sum(coalesce((h.value->>'bytes')::bigint, 0)),
                   sum(coalesce((h.value->>'transport_errors')::bigint, 0))
            FROM ingest_runs i
            CROSS JOIN LATERAL jsonb_each(CASE WHEN jsonb_typeof(i.details->'http') = 'object' THEN i.details->'http'
                                               ELSE '{}'::jsonb END) AS h
            WHERE jsonb_typeof(h.value) = 'object'
            GROUP BY 1, 2 ORDER BY 1, 2
            """, context: "metrics http")
        let families: [(String, String)] = [
            ("jutsu_http_requests_total", "HTTP requests sent to a source, retries included (finished runs)."),
            ("jutsu_http_retries_total", "HTTP requests that were retries."),
            ("jutsu_http_rate_limited_total", "HTTP responses with status 429."),
            ("jutsu_http_received_bytes_total", "HTTP body bytes received (after decoding)."),
            ("jutsu_http_transport_errors_total", "HTTP attempts that ended without a response."),
        ]
        for (k, (name, help)) in families.enumerated() {
            m.family(name, .counter, help)
            for i in 0..<r.rowCount {
                m.sample(name, [("pipeline", r.string(i, 0) ?? ""), ("source", r.string(i, 1) ?? "")], r.int64(i, 2 + k) ?? 0)
            }
        }
    }

    static func scheduler(_ c: PGConnection, now: Int64, into m: inout MetricsText) throws(StoreError) {
        let b = lagBuckets
        let h = try c.execute("""
            SELECT pipeline, count(*), round(coalesce(sum(lag), 0)::numeric, 3)::text, \(bucketColumns("lag", b))
            FROM (SELECT pipeline, greatest(extract(epoch FROM claimed_at - fire_at), 0) AS lag FROM scheduled_runs) f
            GROUP BY 1 ORDER BY 1
            """, context: "metrics scheduler lag")
        m.family("jutsu_scheduler_lag_seconds", .histogram,
                 "Claim time minus cron fire time of scheduled fires (the latest claim after a takeover; jitter included).")
        for i in 0..<h.rowCount {
            m.histogram("jutsu_scheduler_lag_seconds", [("pipeline", h.string(i, 0) ?? "")], bounds: b,
                        cumulative: b.indices.map { h.int64(i, 3 + $0) ?? 0 }, sum: h.string(i, 2) ?? "0", count: h.int64(i, 1) ?? 0)
        }
        let last = try c.execute("""
            SELECT DISTINCT ON (pipeline) pipeline, extract(epoch FROM fire_at)::bigint,
                   round(greatest(extract(epoch FROM claimed_at - fire_at), 0)::numeric, 3)::text
            FROM scheduled_runs ORDER BY pipeline, fire_at DESC
            """, context: "metrics last fire")
        m.family("jutsu_scheduler_last_lag_seconds", .gauge, "Claim time minus cron fire time of the newest fire.")
        for i in 0..<last.rowCount {
            m.sample("jutsu_scheduler_last_lag_seconds", [("pipeline", last.string(i, 0) ?? "")], last.string(i, 2) ?? "0")
        }
        m.family("jutsu_scheduler_last_fire_timestamp_seconds", .gauge, "Cron time of the newest claimed fire, Unix seconds.")
        for i in 0..<last.rowCount {
            m.sample("jutsu_scheduler_last_fire_timestamp_seconds", [("pipeline", last.string(i, 0) ?? "")], last.int64(i, 1) ?? 0)
        }
        let s = try c.execute("""
            SELECT pipeline, status, count(*), count(*) FILTER (WHERE status IN ('claimed', 'running') AND lease_until < to_timestamp($1))
            FROM scheduled_runs GROUP BY 1, 2 ORDER BY 1, 2
            """, [String(now)], context: "metrics scheduled fires")
        m.family("jutsu_scheduled_fires", .gauge, "Scheduled fires in scheduled_runs, by status (claimed, running, succeeded, partial, failed, skipped).")
        for i in 0..<s.rowCount {
            m.sample("jutsu_scheduled_fires", [("pipeline", s.string(i, 0) ?? ""), ("status", s.string(i, 1) ?? "")], s.int64(i, 2) ?? 0)
        }
        m.family("jutsu_scheduled_fires_lease_expired", .gauge,
                 "Claimed or running fires whose lease has passed (their instance died; another instance takes them over).")
        var expired: [String: Int64] = [:]
        for i in 0..<s.rowCount { expired[s.string(i, 0) ?? "", default: 0] += s.int64(i, 3) ?? 0 }
        for (pipeline, n) in expired.sorted(by: { $0.key < $1.key }) {
            m.sample("jutsu_scheduled_fires_lease_expired", [("pipeline", pipeline)], n)
        }
    }

    static func seriesCounts(_ rows: [FreshnessRow], into m: inout MetricsText) {
        struct Key: Hashable, Comparable {
            var tier: String, timeframe: String
            static func < (a: Key, b: Key) -> Bool { (a.tier, a.timeframe) < (b.tier, b.timeframe) }
        }
        var counts: [Key: [FreshnessStatus: Int64]] = [:]
        for r in rows { counts[Key(tier: r.tier.rawValue, timeframe: r.timeframe), default: [:]][r.status, default: 0] += 1 }
        m.family("jutsu_series", .gauge, "Series by tier, timeframe and freshness class.")
        for (key, byStatus) in counts.sorted(by: { $0.key < $1.key }) {
            for status in FreshnessStatus.allCases {
                m.sample("jutsu_series", [("tier", key.tier), ("timeframe", key.timeframe), ("status", status.rawValue)],
                         byStatus[status] ?? 0)
            }
        }
    }
}
