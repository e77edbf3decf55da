import Foundation
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuStore
import JutsuTestSupport

/// Series in known states at a fixed instant, runs, rejects and scheduled fires, written with
/// SQL through the real schema, for the dashboard and metrics tests.
///
/// At Wednesday 2024-01-17 15:00Z (NYSE open since 14:30Z; Monday 2024-01-15 was a holiday) the
/// newest daily bar due is Tuesday's:
/// - `FRESH` (standard), `SPY` (critical): every session through 2024-01-16: fresh.
/// - `GAPPY` (standard): through 2024-01-16 but not 2024-01-09: fresh, one gap.
/// - `STALE` (standard): through 2024-01-10: three sessions behind, stale.
/// - `LOWAGE` (low): through 2024-01-12: one session behind, within a day: aging.
/// - `MISSING` (standard): known to pipeline `nightly`, no bar: missing.
enum DashboardFixture {
    static let now = UnixTime.seconds(date: CivilDate(year: 2024, month: 1, day: 17)!, hour: 15, minute: 0, second: 0)

    static let expected: [String: String] = [
        "FRESH:1d": "fresh", "SPY:1d": "fresh", "GAPPY:1d": "fresh", "STALE:1d": "stale", "LOWAGE:1d": "aging",
        "MISSING:1d": "missing",
    ]

    /// `freshness.yaml` of the fixture's pipelines directory.
    static let freshnessYAML = """
        series:
          - symbols: [SPY]
            tier: critical
          - symbols: [LOWAGE]
            tier: low

        """

    static func settings() throws -> ServiceFreshnessSettings {
        let config = try FreshnessConfig.load(yaml: freshnessYAML, file: "freshness.yaml", knownCalendars: FreshnessReporter.calendarNames).get()
        return ServiceFreshnessSettings(config: config)
    }

    /// `nightly.yaml`: no catch-up, so a `serve` started over the fixture runs nothing at start.
    static let pipelineYAML = """
        name: nightly
        source:
          kind: yahoo
          name: yahoo
        symbols: [FRESH, STALE, MISSING]
        timeframe: 1d
        schedule:
          cron: "0 22 * * MON-FRI"
          timezone: UTC
          catch_up: false

        """

    static func pipelines() throws -> [PipelineSpec] {
        [try PipelineLoader.load(yaml: pipelineYAML, file: "nightly.yaml", environment: [:]).get()]
    }

    /// A pipelines directory with `nightly.yaml` and `freshness.yaml`, for `serve --pipelines`.
    static func pipelinesDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dashboard-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try pipelineYAML.write(toFile: dir + "/nightly.yaml", atomically: true, encoding: .utf8)
        try freshnessYAML.write(toFile: dir + "/freshness.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    static func load(_ db: TestDatabase) throws {
        let c = try db.connect()
        try c.execute("SELECT jutsu_ensure_partition('1d', '2023-06-01Z'), jutsu_ensure_partition('1d', '2024-06-01Z')")
        try c.execute("""
            INSERT INTO market_data (symbol, timeframe, ts, open, high, low, close, volume, data_source)
            SELECT v.sym, '1d', s.session_date::timestamp AT TIME ZONE 'UTC', 10, 11, 9, 10.5, 1000, 'yahoo'
            FROM (VALUES ('FRESH', DATE '2024-01-16'), ('SPY', '2024-01-16'), ('GAPPY', '2024-01-16'), ('STALE', '2024-01-10'),
                         ('LOWAGE', '2024-01-12')) AS v(sym, through)
            JOIN market_sessions s ON s.calendar = 'XNYS' AND s.session_date BETWEEN '2023-11-01' AND v.through
            WHERE NOT (v.sym = 'GAPPY' AND s.session_date = '2024-01-09')
            """)
        try c.execute("""
            INSERT INTO data_metadata (symbol, timeframe, data_source, first_bar_ts, last_bar_ts, bar_count, last_fetch_at)
            SELECT symbol, timeframe, data_source, min(ts), max(ts), count(*), '2024-01-16T22:01:00Z' FROM market_data GROUP BY 1, 2, 3
            """)
        try c.execute("""
            INSERT INTO pipeline_series_state (pipeline, symbol, timeframe, last_status, consecutive_failures) VALUES
              ('nightly', 'FRESH', '1d', 'succeeded', 0), ('nightly', 'STALE', '1d', 'failed', 2), ('nightly', 'MISSING', '1d', NULL, 0)
            """)
        try c.execute("""
            INSERT INTO ingest_runs (pipeline, command, trigger, status, started_at, finished_at, rows_read, rows_inserted,
                                     rows_updated, rows_unchanged, rows_rejected, details, error) VALUES
              ('nightly', 'run', 'schedule', 'failed', '2024-01-15T22:00:03Z', '2024-01-15T22:00:40Z', 0, 0, 0, 0, 0,
               '{"http": {"yahoo": {"requests": 5, "retries": 4, "rate_limited": 3, "bytes": 100, "transport_errors": 1}}}',
               'vendor said "<down>" & gone'),
              ('nightly', 'run', 'schedule', 'succeeded', '2024-01-16T22:00:05Z', '2024-01-16T22:01:10Z', 100, 90, 5, 3, 2,
               '{"http": {"yahoo": {"requests": 12, "retries": 2, "rate_limited": 1, "bytes": 34567, "transport_errors": 0}}}', NULL),
              (NULL, 'import', 'cli', 'succeeded', '2024-01-17T10:00:00Z', '2024-01-17T10:00:02Z', 50, 50, 0, 0, 0, '{}', NULL),
              ('minutes', 'run', 'schedule', 'running', '2024-01-17T14:55:02Z', NULL, 0, 0, 0, 0, 0, '{}', NULL)
            """)
        try c.execute("""
            INSERT INTO rejected_bars (run_id, source_location, symbol, timeframe, raw_text, reason_code, message)
            SELECT run_id, 'https://example.test/v8/chart/STALE', 'STALE', '1d', 'raw', reason, 'message'
            FROM ingest_runs, (VALUES ('high_below_low'), ('weird"reason\\x' || chr(10) || 'y')) AS r(reason)
            WHERE status = 'succeeded' AND pipeline = 'nightly'
            """)
        try c.execute("""
            INSERT INTO scheduled_runs (pipeline, fire_at, status, instance, lease_until, run_id, attempts, claimed_at, finished_at)
            SELECT 'nightly', '2024-01-15T22:00:00Z'::timestamptz, 'failed', 'host:1', '2024-01-15T22:10:00Z'::timestamptz, min(run_id), 1,
                   '2024-01-15T22:00:02Z'::timestamptz, '2024-01-15T22:00:40Z'::timestamptz FROM ingest_runs WHERE status = 'failed'
            UNION ALL
            SELECT 'nightly', '2024-01-16T22:00:00Z', 'succeeded', 'host:1', '2024-01-16T22:10:00Z', min(run_id), 1,
                   '2024-01-16T22:00:04Z', '2024-01-16T22:01:10Z' FROM ingest_runs WHERE status = 'succeeded' AND pipeline = 'nightly'
            UNION ALL
            SELECT 'minutes', '2024-01-17T14:55:00Z', 'running', 'host:2', '2024-01-17T14:56:00Z', NULL, 1,
                   '2024-01-17T14:55:01Z', NULL::timestamptz
            """)
    }
}
