import JutsuCore
import JutsuPostgres

/// The reader on one database connection, used from one thread (libpq calls block).
///
/// `MarketData` is the asynchronous face for backtests; this one serves synchronous callers
/// (the `export` command) and runs under `MarketData` on a dedicated thread per call. It reads
/// only what docs/contract.md promises: `market_data`, `data_metadata`, `corporate_actions`,
/// `market_sessions`, `series_freshness_policy` and `jutsu_series_lag`.
public final class MarketDataConnection {
    let connection: PGConnection

    /// Connects with a libpq conninfo string or URI (never logged or put in errors).
    public init(conninfo: String, applicationName: String = "jutsu-marketdata") throws(MarketDataError) {
        do {
            connection = try PGConnection(conninfo: conninfo, applicationName: applicationName)
        } catch {
            throw MarketDataError(error)
        }
    }

    /// Every series with stored bars, by symbol then timeframe.
    public func series() throws(MarketDataError) -> [SeriesInfo] {
        try series(where: "", [])
    }

    /// One series, or nil when it has no stored bars.
    public func series(symbol: String, timeframe: Timeframe) throws(MarketDataError) -> SeriesInfo? {
        try series(where: "AND symbol = $1 AND timeframe = $2", [try Self.canonical(symbol).value, timeframe.rawValue]).first
    }

    private func series(where filter: String, _ parameters: [String?]) throws(MarketDataError) -> [SeriesInfo] {
        let r = try query("""
            SELECT symbol, timeframe, extract(epoch FROM min(first_bar_ts))::bigint, extract(epoch FROM max(last_bar_ts))::bigint,
                   sum(bar_count)::bigint, string_agg(DISTINCT data_source, ',' ORDER BY data_source),
                   extract(epoch FROM max(last_fetch_at))::bigint
            FROM data_metadata WHERE bar_count > 0 \(filter) GROUP BY symbol, timeframe
            """, parameters, context: "series")
        var out: [SeriesInfo] = []
        for i in 0..<r.rowCount {
            guard let symbol = r.string(i, 0), let timeframe = r.string(i, 1).flatMap(Timeframe.init(parsing:)) else { continue }
            out.append(SeriesInfo(symbol: symbol, timeframe: timeframe, firstBar: r.int64(i, 2) ?? 0, lastBar: r.int64(i, 3) ?? 0,
                                  barCount: r.int64(i, 4) ?? 0, sources: (r.string(i, 5) ?? "").split(separator: ",").map(String.init),
                                  lastFetchAt: r.int64(i, 6)))
        }
        // Timeframes in their natural order (1m before 1d), not by name.
        return out.sorted { ($0.symbol, $0.timeframe.stepSeconds) < ($1.symbol, $1.timeframe.stepSeconds) }
    }

    /// Runs a parameterized query, mapping store errors to `MarketDataError`.
    func query(_ sql: String, _ parameters: [String?], context: String, symbol: String? = nil,
               timeframe: Timeframe? = nil) throws(MarketDataError) -> PGResult {
        do {
            return try connection.execute(sql, parameters, context: context)
        } catch {
            throw MarketDataError(error, symbol: symbol, timeframe: timeframe)
        }
    }

    /// The canonical form of `symbol`, or an `invalidRequest` error naming it.
    static func canonical(_ symbol: String) throws(MarketDataError) -> Symbol {
        do {
            return try Symbol(canonicalizing: symbol)
        } catch {
            throw MarketDataError(code: .invalidRequest, message: error.description, symbol: symbol)
        }
    }
}
