/// What freshness reports read (from `data_metadata` and `pipeline_series_state`, never a scan of
/// bars) and the stale episodes they record (`freshness_episodes`).
public struct FreshnessStore {
    public let connection: PGConnection

    public init(connection: PGConnection) { self.connection = connection }

    public struct Snapshot: Sendable {
        public var symbol: String
        public var timeframe: String
        /// Newest stored bar (any source); nil: the series is known (to a pipeline) but has none.
        public var newestBar: Int64?
        public var barCount: Int64
        /// When a source was last read for the series.
        public var lastFetchAt: Int64?
        public var sources: [String]
        public var pipelines: [String]
    }

    /// Every series with stored bars or pipeline state.
    public func snapshots() throws -> [Snapshot] {
        let hasState = try connection.execute("SELECT to_regclass('pipeline_series_state') IS NOT NULL").bool(0, 0) ?? false
        let state = hasState ? "pipeline_series_state" : "(SELECT NULL::text AS pipeline, NULL::text AS symbol, NULL::text AS timeframe WHERE false) AS no_state"
        let r = try connection.execute("""
            WITH meta AS (
                SELECT symbol, timeframe, extract(epoch FROM max(last_bar_ts))::bigint AS newest, sum(bar_count)::bigint AS bars,
                       extract(epoch FROM max(last_fetch_at))::bigint AS fetched, string_agg(DISTINCT data_source, ',') AS sources
                FROM data_metadata WHERE bar_count > 0 GROUP BY symbol, timeframe),
            pipes AS (
                SELECT symbol, timeframe, string_agg(DISTINCT pipeline, ',') AS pipelines FROM \(state) GROUP BY symbol, timeframe)
            SELECT coalesce(m.symbol, p.symbol), coalesce(m.timeframe, p.timeframe), m.newest, coalesce(m.bars, 0), m.fetched,
                   coalesce(m.sources, ''), coalesce(p.pipelines, '')
            FROM meta m FULL JOIN pipes p ON p.symbol = m.symbol AND p.timeframe = m.timeframe
            ORDER BY 1, 2
            """, context: "freshness snapshots")
        func list(_ text: String?) -> [String] { (text ?? "").split(separator: ",").map(String.init) }
        return (0..<r.rowCount).map { i in
            Snapshot(symbol: r.string(i, 0) ?? "", timeframe: r.string(i, 1) ?? "", newestBar: r.int64(i, 2),
                     barCount: r.int64(i, 3) ?? 0, lastFetchAt: r.int64(i, 4), sources: list(r.string(i, 5)),
                     pipelines: list(r.string(i, 6)))
        }
    }

    /// One series' state at an instant, for episode bookkeeping.
    public struct Observation: Sendable {
        public var symbol: String
        public var timeframe: String
        public var stale: Bool
        public var tier: String
        public var rtoSeconds: Int64

        public init(symbol: String, timeframe: String, stale: Bool, tier: String, rtoSeconds: Int64) {
            self.symbol = symbol
            self.timeframe = timeframe
            self.stale = stale
            self.tier = tier
            self.rtoSeconds = rtoSeconds
        }
    }

    /// Opens an episode for each series observed stale without one, closes the open episode of
    /// each series observed not stale (duration, breached = longer than its RTO). Returns
    /// (opened, closed).
    @discardableResult
    public func record(_ observations: [Observation], at: Int64) throws -> (opened: Int, closed: Int) {
        guard !observations.isEmpty else { return (0, 0) }
        return try connection.transaction {
            let args: [String?] = [
                CopyText.arrayLiteral(observations.map(\.symbol)), CopyText.arrayLiteral(observations.map(\.timeframe)),
                "{" + observations.map { $0.stale ? "t" : "f" }.joined(separator: ",") + "}",
                CopyText.arrayLiteral(observations.map(\.tier)), CopyText.intArrayLiteral(observations.map(\.rtoSeconds)),
                String(at),
            ]
            let opened = try connection.execute("""
                INSERT INTO freshness_episodes (symbol, timeframe, tier, rto_seconds, began_at)
                SELECT s, tf, t, r, to_timestamp($6)
                FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::bigint[]) AS o(s, tf, stale, t, r)
                WHERE stale AND NOT EXISTS (SELECT 1 FROM freshness_episodes e
                                            WHERE e.symbol = o.s AND e.timeframe = o.tf AND e.ended_at IS NULL)
                """, args, context: "open stale episodes").affectedRows
            let closed = try connection.execute("""
                UPDATE freshness_episodes e SET ended_at = to_timestamp($6),
                    breached = to_timestamp($6) - e.began_at > make_interval(secs => e.rto_seconds)
                FROM unnest($1::text[], $2::text[], $3::boolean[], $4::text[], $5::bigint[]) AS o(s, tf, stale, t, r)
                WHERE NOT o.stale AND e.symbol = o.s AND e.timeframe = o.tf AND e.ended_at IS NULL
                """, args, context: "close stale episodes").affectedRows
            return (Int(opened), Int(closed))
        }
    }
}

extension FreshnessStore {
    public struct Policy: Sendable {
        public var symbol, timeframe, tier, calendar: String
        public var staleAfterSeconds, publicationDelaySeconds, rtoSeconds: Int64

        public init(symbol: String, timeframe: String, tier: String, calendar: String, staleAfterSeconds: Int64,
                    publicationDelaySeconds: Int64, rtoSeconds: Int64) {
            (self.symbol, self.timeframe, self.tier, self.calendar) = (symbol, timeframe, tier, calendar)
            (self.staleAfterSeconds, self.publicationDelaySeconds, self.rtoSeconds) = (staleAfterSeconds, publicationDelaySeconds, rtoSeconds)
        }
    }

    /// Stores the policy each series was judged by, for the SQL contract (`series_freshness`).
    public func writePolicies(_ policies: [Policy]) throws {
        guard !policies.isEmpty else { return }
        try connection.execute("""
            INSERT INTO series_freshness_policy AS p (symbol, timeframe, tier, calendar, stale_after_seconds,
                publication_delay_seconds, rto_seconds, updated_at)
            SELECT * , now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::bigint[])
            ON CONFLICT (symbol, timeframe) DO UPDATE SET tier = EXCLUDED.tier, calendar = EXCLUDED.calendar,
                stale_after_seconds = EXCLUDED.stale_after_seconds, publication_delay_seconds = EXCLUDED.publication_delay_seconds,
                rto_seconds = EXCLUDED.rto_seconds, updated_at = now()
            """, [
                CopyText.arrayLiteral(policies.map(\.symbol)), CopyText.arrayLiteral(policies.map(\.timeframe)),
                CopyText.arrayLiteral(policies.map(\.tier)), CopyText.arrayLiteral(policies.map(\.calendar)),
                CopyText.intArrayLiteral(policies.map(\.staleAfterSeconds)),
                CopyText.intArrayLiteral(policies.map(\.publicationDelaySeconds)), CopyText.intArrayLiteral(policies.map(\.rtoSeconds)),
            ], context: "series_freshness_policy")
    }
}
