import JutsuCore
import JutsuStore

/// The set-based reads behind the dashboard: a handful of queries whatever the number of series.
struct DashboardStore {
    let connection: PGConnection

    /// `symbol timeframe`: a key for series dictionaries (symbols never hold spaces).
    static func key(_ symbol: String, _ timeframe: String) -> String { symbol + " " + timeframe }

    struct StoredRange: Sendable {
        /// The oldest stored bar (over the series' sources), Unix seconds.
        var firstBar: Int64
        /// Bars stored (the sum over sources: each bar has one source).
        var bars: Int64
    }

    /// The stored range of every series with bars, by series key (from `data_metadata`).
    func storedRanges() throws(StoreError) -> [String: StoredRange] {
        let r = try connection.execute("""
            SELECT symbol, timeframe, extract(epoch FROM min(first_bar_ts))::bigint, sum(bar_count)::bigint FROM data_metadata
            WHERE bar_count > 0 GROUP BY symbol, timeframe
            """, context: "dashboard stored ranges")
        var out: [String: StoredRange] = [:]
        out.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount {
            if let s = r.string(i, 0), let tf = r.string(i, 1), let t = r.int64(i, 2) {
                out[Self.key(s, tf)] = StoredRange(firstBar: t, bars: r.int64(i, 3) ?? 0)
            }
        }
        return out
    }

    /// The sessions in `from...through` on which each series has a bar, as days since the epoch,
    /// by series key. One query per timeframe shown: daily bars by a range scan per symbol
    /// (their key is the session date); intraday bars by one index probe per series and session
    /// of its calendar (`market_sessions`).
    func presence(series: [(symbol: String, timeframe: Timeframe, calendar: String)], from: CivilDate,
                  through: CivilDate) throws(StoreError) -> [String: Set<Int64>] {
        var out: [String: Set<Int64>] = [:]
        let byTimeframe = Dictionary(grouping: series, by: \.timeframe)
        for (timeframe, members) in byTimeframe.sorted(by: { $0.key < $1.key }) {
            let r: PGResult
            switch timeframe {
            case .d1:
                // Many symbols: one scan of the window beats an index probe per symbol.
                r = try connection.execute("""
                    SELECT symbol, string_agg((((ts AT TIME ZONE 'UTC')::date - DATE '1970-01-01'))::text, ',')
                    FROM market_data
                    WHERE timeframe = '1d' AND ($1::text[] IS NULL OR symbol = ANY($1::text[]))
                      AND ts >= ($2::date)::timestamp AT TIME ZONE 'UTC' AND ts < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'
                    GROUP BY symbol
                    """, [members.count > 500 ? nil : CopyText.arrayLiteral(members.map(\.symbol)), from.description,
                          through.description], context: "dashboard daily presence")
            case .w1, .mo1:
                continue   // covered sessions follow from the newest bar
            default:
                // The timeframe is an enum case, never user text.
                r = try connection.execute("""
                    SELECT s.sym, string_agg((ms.session_date - DATE '1970-01-01')::text, ',')
                    FROM unnest($1::text[], $2::text[]) AS s(sym, cal)
                    JOIN market_sessions ms ON ms.calendar = s.cal AND ms.session_date BETWEEN $3::date AND $4::date
                    WHERE EXISTS (SELECT 1 FROM market_data m WHERE m.timeframe = '\(timeframe.rawValue)' AND m.symbol = s.sym
                                  AND m.ts >= ms.open_at AND m.ts < ms.close_at)
                    GROUP BY s.sym
                    """, [CopyText.arrayLiteral(members.map(\.symbol)), CopyText.arrayLiteral(members.map(\.calendar)),
                          from.description, through.description], context: "dashboard intraday presence")
            }
            let wanted = Set(members.map(\.symbol))
            for i in 0..<r.rowCount {
                guard let symbol = r.string(i, 0), wanted.contains(symbol), let list = r.string(i, 1) else { continue }
                var days = Set<Int64>()
                for part in list.split(separator: ",") { if let d = Int64(part) { days.insert(d) } }
                out[Self.key(symbol, timeframe.rawValue)] = days
            }
        }
        return out
    }

    struct Run: Sendable {
        var id: Int64
        /// The pipeline, or `(command)` for ad hoc runs.
        var lane: String
        var status: String
        var trigger: String
        var startedAt: Int64
        var finishedAt: Int64?
        var read, inserted, updated, unchanged, rejected: Int64
        var error: String?
    }

    /// Runs that were going at some point since `since` (running ones included), newest first.
    func runs(since: Int64, limit: Int) throws(StoreError) -> [Run] {
        let r = try connection.execute("""
            SELECT run_id, coalesce(pipeline, '(' || command || ')'), status, trigger, extract(epoch FROM started_at)::bigint,
                   extract(epoch FROM finished_at)::bigint, rows_read, rows_inserted, rows_updated, rows_unchanged,
                   rows_rejected, left(error, 300)
            FROM ingest_runs
            WHERE started_at >= to_timestamp($1) OR finished_at >= to_timestamp($1) OR status = 'running'
            ORDER BY run_id DESC LIMIT $2
            """, [String(since), String(limit)], context: "dashboard runs")
        return (0..<r.rowCount).map { i in
            Run(id: r.int64(i, 0) ?? 0, lane: r.string(i, 1) ?? "", status: r.string(i, 2) ?? "", trigger: r.string(i, 3) ?? "",
                startedAt: r.int64(i, 4) ?? 0, finishedAt: r.int64(i, 5), read: r.int64(i, 6) ?? 0,
                inserted: r.int64(i, 7) ?? 0, updated: r.int64(i, 8) ?? 0, unchanged: r.int64(i, 9) ?? 0,
                rejected: r.int64(i, 10) ?? 0, error: r.string(i, 11))
        }
    }

    struct PipelineState: Sendable {
        var lastRun: Run?
        var lastSuccessAt: Int64?
        var failedRuns24h: Int64 = 0
        var runningRuns: Int64 = 0
        var series: Int64 = 0
        var failingSeries: Int64 = 0
        var lastFireAt: Int64?
        var lastFireClaimedAt: Int64?
        var lastFireStatus: String?
        var lastFireInstance: String?
    }

    /// Per pipeline name: its newest run, run counts, series state and its newest scheduled fire.
    func pipelineStates(now: Int64) throws(StoreError) -> [String: PipelineState] {
        var out: [String: PipelineState] = [:]
        let last = try connection.execute("""
            SELECT DISTINCT ON (pipeline) run_id, pipeline, status, trigger, extract(epoch FROM started_at)::bigint,
                   extract(epoch FROM finished_at)::bigint, rows_read, rows_inserted, rows_updated, rows_unchanged,
                   rows_rejected, left(error, 300)
            FROM ingest_runs WHERE pipeline IS NOT NULL ORDER BY pipeline, run_id DESC
            """, context: "dashboard last runs")
        for i in 0..<last.rowCount {
            guard let name = last.string(i, 1) else { continue }
            out[name, default: PipelineState()].lastRun = Run(
                id: last.int64(i, 0) ?? 0, lane: name, status: last.string(i, 2) ?? "", trigger: last.string(i, 3) ?? "",
                startedAt: last.int64(i, 4) ?? 0, finishedAt: last.int64(i, 5), read: last.int64(i, 6) ?? 0,
                inserted: last.int64(i, 7) ?? 0, updated: last.int64(i, 8) ?? 0, unchanged: last.int64(i, 9) ?? 0,
                rejected: last.int64(i, 10) ?? 0, error: last.string(i, 11))
        }
        let agg = try connection.execute("""
            SELECT pipeline, extract(epoch FROM max(finished_at) FILTER (WHERE status = 'succeeded'))::bigint,
                   count(*) FILTER (WHERE status IN ('failed', 'partial', 'aborted') AND started_at > to_timestamp($1) - interval '24 hours'),
                   count(*) FILTER (WHERE status = 'running')
            FROM ingest_runs WHERE pipeline IS NOT NULL GROUP BY pipeline
            """, [String(now)], context: "dashboard run counts")
        for i in 0..<agg.rowCount {
            guard let name = agg.string(i, 0) else { continue }
            out[name, default: PipelineState()].lastSuccessAt = agg.int64(i, 1)
            out[name, default: PipelineState()].failedRuns24h = agg.int64(i, 2) ?? 0
            out[name, default: PipelineState()].runningRuns = agg.int64(i, 3) ?? 0
        }
        let series = try connection.execute("""
            SELECT pipeline, count(*), count(*) FILTER (WHERE last_status = 'failed') FROM pipeline_series_state GROUP BY pipeline
            """, context: "dashboard series state")
        for i in 0..<series.rowCount {
            guard let name = series.string(i, 0) else { continue }
            out[name, default: PipelineState()].series = series.int64(i, 1) ?? 0
            out[name, default: PipelineState()].failingSeries = series.int64(i, 2) ?? 0
        }
        let fires = try connection.execute("""
            SELECT DISTINCT ON (pipeline) pipeline, extract(epoch FROM fire_at)::bigint, extract(epoch FROM claimed_at)::bigint,
                   status, instance
            FROM scheduled_runs ORDER BY pipeline, fire_at DESC
            """, context: "dashboard scheduled fires")
        for i in 0..<fires.rowCount {
            guard let name = fires.string(i, 0) else { continue }
            out[name, default: PipelineState()].lastFireAt = fires.int64(i, 1)
            out[name, default: PipelineState()].lastFireClaimedAt = fires.int64(i, 2)
            out[name, default: PipelineState()].lastFireStatus = fires.string(i, 3)
            out[name, default: PipelineState()].lastFireInstance = fires.string(i, 4)
        }
        return out
    }
}
