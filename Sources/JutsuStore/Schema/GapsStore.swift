/// The bar times `gaps` needs, read as compactly as the timeframe allows.
public struct GapsStore {
    public let connection: PGConnection

    public init(connection: PGConnection) { self.connection = connection }

    /// Series with stored bars: (symbol, timeframe).
    public func series() throws -> [(symbol: String, timeframe: String)] {
        let r = try connection.execute("""
            SELECT DISTINCT symbol, timeframe FROM data_metadata WHERE bar_count > 0 ORDER BY 1, 2
            """, context: "gap series")
        return (0..<r.rowCount).map { (r.string($0, 0) ?? "", r.string($0, 1) ?? "") }
    }

    /// Daily bars: every bar time from `since` (UTC seconds), ascending. Intraday bars: the last
    /// bar of every hour that has bars (enough to tell which sessions have bars), ascending.
    public func barTimes(symbol: String, timeframe: String, intraday: Bool, since: Int64?) throws -> [Int64] {
        let sql = intraday
            ? """
              SELECT extract(epoch FROM max(ts))::bigint FROM market_data
              WHERE symbol = $1 AND timeframe = $2 AND ts >= coalesce(to_timestamp($3), '-infinity')
              GROUP BY date_trunc('hour', ts) ORDER BY 1
              """
            : """
              SELECT extract(epoch FROM ts)::bigint FROM market_data
              WHERE symbol = $1 AND timeframe = $2 AND ts >= coalesce(to_timestamp($3), '-infinity') ORDER BY ts
              """
        let r = try connection.execute(sql, [symbol, timeframe, since.map(String.init)], context: "gap bar times")
        var out: [Int64] = []
        out.reserveCapacity(r.rowCount)
        for i in 0..<r.rowCount { if let v = r.int64(i, 0) { out.append(v) } }
        return out
    }
}
