import JutsuCore
import JutsuPostgres

extension MarketDataConnection {
    /// The series' freshness at `at` (UTC seconds), from the SQL contract's `jutsu_series_lag`.
    public func freshness(symbol: String, timeframe: Timeframe, at: Int64) throws(MarketDataError) -> SeriesFreshness {
        let s = try Self.canonical(symbol).value
        let r = try query("""
            SELECT extract(epoch FROM newest_bar)::bigint, extract(epoch FROM expected_bar)::bigint, lag_bars, status,
                   coalesce((SELECT calendar FROM series_freshness_policy WHERE symbol = $1 AND timeframe = $2), 'XNYS')
            FROM jutsu_series_lag($1, $2, to_timestamp($3))
            """, [s, timeframe.rawValue, String(at)], context: "freshness", symbol: s, timeframe: timeframe)
        guard r.rowCount == 1, let status = r.string(0, 3).flatMap(SeriesFreshness.Status.init(rawValue:)) else {
            throw MarketDataError(code: .query, message: "jutsu_series_lag returned no verdict", symbol: s, timeframe: timeframe)
        }
        return SeriesFreshness(symbol: s, timeframe: timeframe, at: at, status: status, newestBar: r.int64(0, 0),
                               expectedBar: r.int64(0, 1), lagBars: r.int64(0, 2), calendar: r.string(0, 4) ?? "XNYS")
    }

    /// The guard a backtest calls before it reads: throws `missing` when the series has no bars,
    /// `stale` when it is stale at `at`, and `gaps` when sessions of its calendar inside `range`
    /// that had closed by `at` have no bar (daily and intraday series; weekly and monthly are not
    /// checked for gaps).
    @discardableResult
    public func check(symbol: String, timeframe: Timeframe, range: BarRange, at: Int64) throws(MarketDataError) -> SeriesCheck {
        let verdict = try freshness(symbol: symbol, timeframe: timeframe, at: at)
        let s = verdict.symbol
        switch verdict.status {
        case .missing:
            throw MarketDataError(code: .missing, message: "no bars stored", symbol: s, timeframe: timeframe, freshness: verdict,
                                  hint: "import or backfill the series first; series() lists what is stored")
        case .stale:
            var message = "stale at \(UnixTime.iso8601(at)): newest bar \(verdict.newestBar.map(UnixTime.iso8601) ?? "-")"
            if let expected = verdict.expectedBar { message += ", expected \(UnixTime.iso8601(expected))" }
            if let lag = verdict.lagBars { message += " (\(lag) session\(lag == 1 ? "" : "s") behind on \(verdict.calendar))" }
            throw MarketDataError(code: .stale, message: message, symbol: s, timeframe: timeframe, freshness: verdict,
                                  hint: "run the series' pipeline, or judge as of an earlier instant (`at`) for a historical backtest")
        case .fresh, .aging:
            break
        }
        guard timeframe == .d1 || timeframe.isIntraday else {
            return SeriesCheck(freshness: verdict, sessionsChecked: 0, gapsChecked: false)
        }
        let (expected, gaps) = try missingSessions(symbol: s, timeframe: timeframe, calendar: verdict.calendar, range: range, at: at)
        if !gaps.isEmpty {
            let total = gaps.reduce(0) { $0 + $1.count }
            let shown = gaps.prefix(5).map(\.text).joined(separator: ", ")
            throw MarketDataError(code: .gaps,
                                  message: "\(total) of \(expected) \(verdict.calendar) sessions in \(range) have no bar: \(shown)\(gaps.count > 5 ? ", ..." : "")",
                                  symbol: s, timeframe: timeframe, freshness: verdict, gaps: gaps,
                                  hint: "backfill the missing sessions (`jutsu-ingest gaps` lists them), or narrow the range")
        }
        return SeriesCheck(freshness: verdict, sessionsChecked: expected, gapsChecked: true)
    }

    /// Sessions of `calendar` inside `range` that closed by `at` and have no bar, as runs of
    /// consecutive sessions; plus how many sessions were checked. A daily bar covers its session
    /// date (key 00:00 UTC); an intraday session needs a bar in `open_at ..< close_at` and counts
    /// only when it lies wholly in the range.
    func missingSessions(symbol: String, timeframe: Timeframe, calendar: String, range: BarRange,
                         at: Int64) throws(MarketDataError) -> (expected: Int, gaps: [SessionGap]) {
        let daily = timeframe == .d1
        let covered = daily ? "m.ts = s.key" : "m.ts >= s.open_at AND m.ts < s.close_at"
        let within = daily ? "s.key BETWEEN to_timestamp($4) AND to_timestamp($5)"
                           : "s.open_at >= to_timestamp($4) AND s.close_at <= to_timestamp($5) + interval '1 second'"
        let r = try query("""
            WITH s AS (
                SELECT s.session_date, s.open_at, s.close_at, s.key, row_number() OVER (ORDER BY s.session_date) AS n
                FROM (SELECT *, session_date::timestamp AT TIME ZONE 'UTC' AS key FROM market_sessions
                      WHERE calendar = $3 AND session_date BETWEEN (to_timestamp($4) AT TIME ZONE 'UTC')::date - 1
                                                               AND (to_timestamp($5) AT TIME ZONE 'UTC')::date + 1) s
                WHERE \(within) AND s.close_at <= to_timestamp($6)),
            runs AS (
                SELECT min(session_date) AS first, max(session_date) AS last, count(*) AS sessions
                FROM (SELECT s.session_date, s.n - row_number() OVER (ORDER BY s.session_date) AS run FROM s
                      WHERE NOT EXISTS (SELECT 1 FROM market_data m WHERE m.symbol = $1 AND m.timeframe = $2 AND \(covered))) miss
                GROUP BY run)
            SELECT (SELECT count(*) FROM s), runs.first::text, runs.last::text, runs.sessions
            FROM (SELECT 1) one LEFT JOIN runs ON true ORDER BY runs.first
            """, [symbol, timeframe.rawValue, calendar, String(range.from), String(range.through), String(at)],
            context: "missing sessions", symbol: symbol, timeframe: timeframe)
        var gaps: [SessionGap] = []
        let expected = Int(r.int64(0, 0) ?? 0)
        for i in 0..<r.rowCount {
            guard let from = r.string(i, 1).flatMap(CivilDate.init(parsing:)),
                  let through = r.string(i, 2).flatMap(CivilDate.init(parsing:)) else { continue }
            gaps.append(SessionGap(from: from, through: through, count: Int(r.int64(i, 3) ?? 0)))
        }
        return (expected, gaps)
    }
}
