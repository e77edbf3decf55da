import JutsuCore

extension LegacyReader {
    /// The bar times (UTC seconds, as `rows(of:)` converts them) of every row of `series`
    /// whose timestamp converts, in no particular order; rows with any other fault are not
    /// told apart. Reads only the `timestamp` column, which the legacy table's
    /// `UNIQUE(symbol, timeframe, timestamp)` index covers, so SQLite need not touch the rows.
    /// Used to create every partition leaf a migration will need before it starts writing.
    public func barTimes(of series: LegacySeries, body: (Int64) throws -> Void) throws {
        guard let timeframe = series.timeframe, series.symbol != nil else { return }
        var conditions: [String] = []
        var parameters: [LegacyValue] = []
        for pair in series.rawPairs {
            conditions.append("(symbol IS ? AND timeframe IS ?)")
            parameters.append(pair.symbol)
            parameters.append(pair.timeframe)
        }
        let sql = "SELECT timestamp FROM market_data WHERE \(conditions.joined(separator: " OR "))"
        try database.query(sql, parameters) { row in
            if case .success(let ts) = LegacyConversion.timestamp(stored: row.storage(0), timeframe: timeframe) {
                try body(ts)
            }
        }
    }
}
