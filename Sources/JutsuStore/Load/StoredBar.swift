import JutsuCore

/// A bar as currently stored, read back for comparison with incoming rows.
struct StoredBar {
    var ts: Int64
    var open: Price
    var high: Price
    var low: Price
    var close: Price
    var volume: Int64
    var dataSource: String
    var runID: Int64?

    func hasSameValues(as bar: Bar) -> Bool {
        open == bar.open && high == bar.high && low == bar.low && close == bar.close && volume == bar.volume
    }

    /// The stored row as CSV-like text, for a reject record that names a superseded row.
    func text(series: SeriesKey) -> String {
        "\(series.symbol.value),\(series.timeframe.rawValue),\(UnixTime.iso8601(ts)),\(open),\(high),\(low),\(close),\(volume)"
    }
}

extension PGConnection {
    /// Reads the stored bars of each series within its range.
    ///
    /// The ranges are query parameters (arrays unnested into a join, one index range scan per
    /// series); no value is spliced into SQL text. A binary cursor fetched in slices keeps the
    /// client's memory bounded and spares the server numeric and timestamp formatting.
    func storedBars(in ranges: [SeriesKey: ClosedRange<Int64>]) throws -> [SeriesKey: [StoredBar]] {
        guard !ranges.isEmpty else { return [:] }
        let entries = Array(ranges)
        var keys: [String: SeriesKey] = [:]
        for (key, _) in entries { keys[key.symbol.value + "/" + key.timeframe.rawValue] = key }
        try execute("""
            DECLARE jutsu_stored_bars BINARY NO SCROLL CURSOR FOR
            SELECT m.symbol || '/' || m.timeframe, m.ts, m.open, m.high, m.low, m.close, m.volume, m.data_source, m.run_id
            FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS r(symbol, timeframe, lo, hi)
            JOIN market_data m ON m.symbol = r.symbol AND m.timeframe = r.timeframe AND m.ts BETWEEN r.lo AND r.hi
            """, [
                CopyText.arrayLiteral(entries.map(\.key.symbol.value)),
                CopyText.arrayLiteral(entries.map(\.key.timeframe.rawValue)),
                CopyText.arrayLiteral(entries.map { UnixTime.iso8601($0.value.lowerBound) }),
                CopyText.arrayLiteral(entries.map { UnixTime.iso8601($0.value.upperBound) }),
            ], context: "read stored bars")
        defer { _ = try? execute("CLOSE jutsu_stored_bars") }
        var out: [SeriesKey: [StoredBar]] = [:]
        var lastName: [UInt8] = []
        var lastKey: SeriesKey?
        // Rows arrive series by series (one index scan each): gather a series, store it once.
        var current: [StoredBar] = []
        func store() {
            if let key = lastKey, !current.isEmpty { out[key, default: []].append(contentsOf: current) }
            current.removeAll(keepingCapacity: true)
        }
        var lastSource: (bytes: [UInt8], text: String) = ([], "")
        func int64(_ f: UnsafeRawBufferPointer) throws -> Int64 {
            var r = BinaryCopyReader(f)
            return try r.int64()
        }
        func price(_ f: UnsafeRawBufferPointer) throws -> Price {
            var r = BinaryCopyReader(f)
            return try r.numeric()
        }
        while true {
            let slice = try execute("FETCH 20000 FROM jutsu_stored_bars", context: "read stored bars")
            let count = slice.rowCount
            if count == 0 { break }
            for row in 0..<count {
                try slice.withBytes(row, 0) { name in
                    if lastKey == nil || !name.elementsEqual(lastName) {
                        store()
                        lastName = Array(name)
                        lastKey = keys[String(decoding: name, as: UTF8.self)]
                    }
                }
                try slice.withBytes(row, 7) { source in
                    if !source.elementsEqual(lastSource.bytes) {
                        lastSource = (Array(source), String(decoding: source, as: UTF8.self))
                    }
                }
                guard let key = lastKey else {
                    throw StoreError(code: .protocolViolation, message: "stored bar of a series not asked for")
                }
                _ = key
                current.append(StoredBar(
                    ts: BinaryCopyReader.unixSeconds(micros: try slice.withBytes(row, 1, int64)),
                    open: try slice.withBytes(row, 2, price), high: try slice.withBytes(row, 3, price),
                    low: try slice.withBytes(row, 4, price), close: try slice.withBytes(row, 5, price),
                    volume: try slice.withBytes(row, 6, int64), dataSource: lastSource.text,
                    runID: slice.isNull(row, 8) ? nil : try slice.withBytes(row, 8, int64)))
            }
            if count < 20000 { break }
        }
        store()
        return out
    }
}
