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
        try copyOutBinaryRows(sql, context: "scan \(key)") { r, fieldCount in
            guard fieldCount == 6, let ts = try r.timestampField(), let open = try r.priceField(),
                  let high = try r.priceField(), let low = try r.priceField(), let close = try r.priceField(),
                  let volume = try r.int64Field()
            else { throw StoreError(code: .protocolViolation, message: "unexpected stored bar row in \(key)") }
            try body(Bar(symbol: key.symbol, timeframe: key.timeframe, ts: ts, open: open, high: high, low: low,
                         close: close, volume: volume))
        }
    }

    /// A binary `COPY ... TO STDOUT`, row by row: `row` reads the fields of each row after its
    /// field count (the file header and the trailer are handled here).
    func copyOutBinaryRows(_ sql: String, context: String,
                           _ row: (inout BinaryCopyReader, Int16) throws -> Void) throws {
        var sawHeader = false
        try copyOut(sql, context: context) { message in
            var r = BinaryCopyReader(message)
            if !sawHeader {
                // The first message starts with the 19-byte file header.
                guard message.count >= 19, message.starts(with: BinaryCopy.header.prefix(11)) else {
                    throw StoreError(code: .protocolViolation, message: "missing binary COPY header")
                }
                sawHeader = true
                r.offset = 19
                if r.remaining == 0 { return }
            }
            let fieldCount = try r.int16()
            if fieldCount == -1 { return }   // trailer
            try row(&r, fieldCount)
        }
    }
}
