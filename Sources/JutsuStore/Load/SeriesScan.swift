import JutsuCore

extension PGConnection {
    /// Streams every stored bar of a series (all sources, no order) by binary COPY: no numeric
    /// or timestamp text on either side. For verification (`migrate-sqlite`): memory is one
    /// COPY message at a time whatever the series' size.
    public func scanStoredBars(of key: SeriesKey, _ body: (Bar) throws -> Void) throws {
        // Symbols and timeframes are canonical (A-Z 0-9 . ^ =), quoted all the same.
        let sql = """
            COPY (SELECT ts, open, high, low, close, volume FROM market_data
                  WHERE symbol = \(CopyText.literal(key.symbol.value)) AND timeframe = \(CopyText.literal(key.timeframe.rawValue)))
            TO STDOUT (FORMAT binary)
            """
        try copyOutBinary(sql, context: "scan \(key)") { fieldCount, r in
            let f = try r.barFields(fieldCount: fieldCount)
            try body(Bar(symbol: key.symbol, timeframe: key.timeframe, ts: f.ts, open: f.open, high: f.high, low: f.low,
                         close: f.close, volume: f.volume))
        }
    }
}
