/// Per-pipeline state in the database: the pipeline's lock, each series' watermark and last
/// outcome (`pipeline_series_state`), and the counters a pipeline run adds to `ingest_runs` and
/// `data_audit_log` beyond what the loader writes.
public struct PipelineStateStore {
    public let connection: PGConnection

    public init(connection: PGConnection) { self.connection = connection }

    /// Advisory lock class of pipelines ("JUP").
    static let lockClass = 0x4A_55_50

    public struct SeriesState: Sendable, Equatable {
        public var symbol: String
        public var timeframe: String
        public var watermark: Int64?
        public var lastStatus: String?
        public var consecutiveFailures: Int
    }

    /// Takes the pipeline's session lock; false when another session holds it. `wait`: block.
    public func lock(pipeline: String, wait: Bool) throws -> Bool {
        let fn = wait ? "pg_advisory_lock" : "pg_try_advisory_lock"
        let result = try connection.execute("SELECT \(fn)(\(Self.lockClass), hashtext($1))\(wait ? " IS NULL" : "")",
                                            [pipeline], context: "pipeline lock")
        return wait ? true : (result.bool(0, 0) ?? false)
    }

    public func unlock(pipeline: String) throws {
        try connection.execute("SELECT pg_advisory_unlock(\(Self.lockClass), hashtext($1))", [pipeline], context: "pipeline unlock")
    }

    /// Who is running the pipeline now, for the "already running" message.
    public func runningDescription(pipeline: String) throws -> String? {
        let r = try connection.execute("""
            SELECT run_id, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   coalesce(details->>'host', '?'), coalesce(details->>'pid', '?')
            FROM ingest_runs WHERE pipeline = $1 AND status = 'running' ORDER BY run_id DESC LIMIT 1
            """, [pipeline], context: "running pipeline")
        guard r.rowCount > 0 else { return nil }
        return "run \(r.string(0, 0) ?? "?") started \(r.string(0, 1) ?? "?") on \(r.string(0, 2) ?? "?") (pid \(r.string(0, 3) ?? "?"))"
    }

    /// Every series the pipeline has state for. Empty when the schema predates pipelines.
    public func states(pipeline: String) throws -> [SeriesState] {
        let exists = try connection.execute("SELECT to_regclass('pipeline_series_state') IS NOT NULL").bool(0, 0) ?? false
        guard exists else { return [] }
        let r = try connection.execute("""
            SELECT symbol, timeframe, extract(epoch FROM watermark_ts)::bigint, last_status, consecutive_failures
            FROM pipeline_series_state WHERE pipeline = $1 ORDER BY symbol, timeframe
            """, [pipeline], context: "pipeline state")
        return (0..<r.rowCount).map { row in
            SeriesState(symbol: r.string(row, 0) ?? "", timeframe: r.string(row, 1) ?? "", watermark: r.int64(row, 2),
                        lastStatus: r.string(row, 3), consecutiveFailures: Int(r.int64(row, 4) ?? 0))
        }
    }

    /// The time of the `n`-th newest stored bar at or before `watermark` (n >= 1), or nil when
    /// fewer than n are stored.
    public func nthNewestBar(symbol: String, timeframe: String, atOrBefore watermark: Int64, n: Int) throws -> Int64? {
        let r = try connection.execute("""
            SELECT extract(epoch FROM ts)::bigint FROM market_data
            WHERE symbol = $1 AND timeframe = $2 AND ts <= to_timestamp($3)
            ORDER BY ts DESC OFFSET $4 LIMIT 1
            """, [symbol, timeframe, String(watermark), String(max(0, n - 1))], context: "lookback window")
        return r.rowCount > 0 ? r.int64(0, 0) : nil
    }

    /// The outcome of one series in one run.
    public struct Outcome: Sendable {
        public var symbol: String
        public var timeframe: String
        public var succeeded: Bool
        /// Newest bar time read (successful series move their watermark to it).
        public var lastRead: Int64?
        public var error: String?

        public init(symbol: String, timeframe: String, succeeded: Bool, lastRead: Int64?, error: String?) {
            self.symbol = symbol
            self.timeframe = timeframe
            self.succeeded = succeeded
            self.lastRead = lastRead
            self.error = error
        }
    }

    public func record(pipeline: String, runID: Int64, outcomes: [Outcome]) throws {
        guard !outcomes.isEmpty else { return }
        try connection.execute("""
            INSERT INTO pipeline_series_state AS p (pipeline, symbol, timeframe, watermark_ts, last_run_id, last_status,
                last_error, consecutive_failures, last_success_at, updated_at)
            SELECT $1, s, tf, CASE WHEN ok THEN to_timestamp(wm) END, $2, CASE WHEN ok THEN 'succeeded' ELSE 'failed' END,
                   err, CASE WHEN ok THEN 0 ELSE 1 END, CASE WHEN ok THEN now() END, now()
            FROM unnest($3::text[], $4::text[], $5::boolean[], $6::bigint[], $7::text[]) AS u(s, tf, ok, wm, err)
            ON CONFLICT (symbol, timeframe, pipeline) DO UPDATE SET
                watermark_ts = CASE WHEN EXCLUDED.last_status = 'succeeded'
                                    THEN GREATEST(p.watermark_ts, EXCLUDED.watermark_ts) ELSE p.watermark_ts END,
                last_run_id = EXCLUDED.last_run_id,
                last_status = EXCLUDED.last_status,
                last_error = EXCLUDED.last_error,
                consecutive_failures = CASE WHEN EXCLUDED.last_status = 'succeeded' THEN 0 ELSE p.consecutive_failures + 1 END,
                last_success_at = coalesce(EXCLUDED.last_success_at, p.last_success_at),
                updated_at = now()
            """, [
                pipeline, String(runID),
                CopyText.arrayLiteral(outcomes.map(\.symbol)), CopyText.arrayLiteral(outcomes.map(\.timeframe)),
                "{" + outcomes.map { $0.succeeded ? "t" : "f" }.joined(separator: ",") + "}",
                CopyText.intArrayLiteral(outcomes.map(\.lastRead)), CopyText.nullableArrayLiteral(outcomes.map(\.error)),
            ], context: "pipeline_series_state")
    }

    /// A series that failed, or whose first source failed it as a whole (`discarded` valid rows
    /// not stored; its rejects were written by the loader): the audit row says so and the run's
    /// counters take the discarded rows.
    public func recordSeriesProblem(runID: Int64, symbol: String, timeframe: String, dataSource: String,
                                    discarded: Int64, error: String, failed: Bool) throws {
        try connection.transaction {
            try connection.execute("""
                INSERT INTO data_audit_log AS a (run_id, symbol, timeframe, data_source, operation, status, rows_read,
                    rows_discarded, error_message)
                VALUES ($1, $2, $3, $4, 'run', $7, $5, $5, $6)
                ON CONFLICT (symbol, timeframe, run_id, entry) DO UPDATE SET
                    status = EXCLUDED.status, rows_read = a.rows_read + EXCLUDED.rows_read,
                    rows_discarded = a.rows_discarded + EXCLUDED.rows_discarded,
                    error_message = EXCLUDED.error_message, updated_at = now()
                """, [String(runID), symbol, timeframe, dataSource, String(discarded), error, failed ? "failed" : "succeeded"],
                context: "audit series problem")
            try addRunCounts(runID: runID, discarded: discarded, warned: 0)
        }
    }

    public func addRunCounts(runID: Int64, discarded: Int64, warned: Int64) throws {
        guard discarded != 0 || warned != 0 else { return }
        try connection.execute("""
            UPDATE ingest_runs SET rows_read = rows_read + $2, rows_discarded = rows_discarded + $2,
                rows_warned = rows_warned + $3 WHERE run_id = $1
            """, [String(runID), String(discarded), String(warned)], context: "run counters")
    }
}
