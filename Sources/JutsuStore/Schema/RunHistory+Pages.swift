/// The admin API's reads of `ingest_runs`: pages by run id, one run with what it did per series
/// and why rows were rejected, and each pipeline's newest run.
extension RunHistory {
    /// Newest first, run ids below `before` (the previous page's cursor), up to `limit`.
    /// `since`: started at or after this UTC second. Returns the entries and, when more exist,
    /// the cursor of the next page (the last entry's run id).
    public func page(pipeline: String?, status: String?, since: Int64?, before: Int64?,
                     limit: Int) throws -> (entries: [Entry], nextCursor: Int64?) {
        let r = try connection.execute("""
            SELECT \(Self.entryColumns)
            FROM ingest_runs
            WHERE ($1::text IS NULL OR pipeline = $1) AND ($2::text IS NULL OR status = $2)
              AND ($3::bigint IS NULL OR started_at >= to_timestamp($3)) AND ($4::bigint IS NULL OR run_id < $4)
            ORDER BY run_id DESC LIMIT $5
            """, [pipeline, status, since.map(String.init), before.map(String.init), String(limit + 1)], context: "run page")
        var entries = (0..<min(r.rowCount, limit)).map { Self.entry(r, $0) }
        let next = r.rowCount > limit ? entries.last?.runID : nil
        if r.rowCount > limit { entries = Array(entries.prefix(limit)) }
        return (entries, next)
    }

    /// What one run did to one series (`data_audit_log`).
    public struct SeriesResult: Sendable, Encodable {
        public var symbol, timeframe, dataSource, operation, status: String
        public var read, inserted, updated, unchanged, rejected, discarded, deleted: Int64
        public var firstBar, lastBar, error: String?

        enum CodingKeys: String, CodingKey {
            case symbol, timeframe, dataSource = "data_source", operation, status, read, inserted, updated, unchanged, rejected
            case discarded, deleted, firstBar = "first_bar", lastBar = "last_bar", error
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(symbol, forKey: .symbol)
            try c.encode(timeframe, forKey: .timeframe)
            try c.encode(dataSource, forKey: .dataSource)
            try c.encode(operation, forKey: .operation)
            try c.encode(status, forKey: .status)
            for (key, value) in [(CodingKeys.read, read), (.inserted, inserted), (.updated, updated), (.unchanged, unchanged),
                                 (.rejected, rejected), (.discarded, discarded), (.deleted, deleted)] {
                try c.encode(value, forKey: key)
            }
            try c.encode(firstBar, forKey: .firstBar)
            try c.encode(lastBar, forKey: .lastBar)
            try c.encode(error, forKey: .error)
        }
    }

    /// Rejected rows of a run with one reason code.
    public struct RejectCount: Sendable, Encodable {
        public var reason: String
        public var count: Int64
    }

    /// One run: its row, its series (symbol order) and its rejects by reason (most first); nil
    /// when no run has the id.
    public func run(_ runID: Int64) throws -> (entry: Entry, series: [SeriesResult], rejects: [RejectCount])? {
        let r = try connection.execute("SELECT \(Self.entryColumns) FROM ingest_runs WHERE run_id = $1", [String(runID)],
                                       context: "run")
        guard r.rowCount > 0 else { return nil }
        let entry = Self.entry(r, 0)
        let s = try connection.execute("""
            SELECT symbol, timeframe, data_source, operation, status, rows_read, rows_inserted, rows_updated, rows_unchanged,
                   rows_rejected, rows_discarded, rows_deleted,
                   to_char(first_bar_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   to_char(last_bar_ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), error_message
            FROM data_audit_log WHERE run_id = $1 ORDER BY symbol, timeframe, data_source
            """, [String(runID)], context: "run series")
        let series = (0..<s.rowCount).map { i in
            SeriesResult(symbol: s.string(i, 0) ?? "", timeframe: s.string(i, 1) ?? "", dataSource: s.string(i, 2) ?? "",
                         operation: s.string(i, 3) ?? "", status: s.string(i, 4) ?? "", read: s.int64(i, 5) ?? 0,
                         inserted: s.int64(i, 6) ?? 0, updated: s.int64(i, 7) ?? 0, unchanged: s.int64(i, 8) ?? 0,
                         rejected: s.int64(i, 9) ?? 0, discarded: s.int64(i, 10) ?? 0, deleted: s.int64(i, 11) ?? 0,
                         firstBar: s.string(i, 12), lastBar: s.string(i, 13), error: s.string(i, 14))
        }
        let j = try connection.execute("""
            SELECT reason_code, count(*) FROM rejected_bars WHERE run_id = $1 GROUP BY 1 ORDER BY 2 DESC, 1
            """, [String(runID)], context: "run rejects")
        let rejects = (0..<j.rowCount).map { RejectCount(reason: j.string($0, 0) ?? "", count: j.int64($0, 1) ?? 0) }
        return (entry, series, rejects)
    }

    /// The newest run of each of `pipelines` that has one.
    public func latest(pipelines: [String]) throws -> [String: Entry] {
        let r = try connection.execute("""
            SELECT DISTINCT ON (pipeline) \(Self.entryColumns)
            FROM ingest_runs WHERE pipeline = ANY($1::text[]) ORDER BY pipeline, run_id DESC
            """, [CopyText.arrayLiteral(pipelines)], context: "latest runs")
        var out: [String: Entry] = [:]
        for i in 0..<r.rowCount {
            let entry = Self.entry(r, i)
            if let pipeline = entry.pipeline { out[pipeline] = entry }
        }
        return out
    }
}
