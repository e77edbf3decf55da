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
    /// Reads the stored bars of each series within its range, ordered by series and time.
    func storedBars(in ranges: [SeriesKey: ClosedRange<Int64>]) throws -> [SeriesKey: [StoredBar]] {
        guard !ranges.isEmpty else { return [:] }
        var values: [String] = []
        values.reserveCapacity(ranges.count)
        var bySymbol: [String: [SeriesKey]] = [:]
        for (key, range) in ranges {
            values.append("(\(CopyText.literal(key.symbol.value)), \(CopyText.literal(key.timeframe.rawValue)), "
                          + "to_timestamp(\(range.lowerBound)), to_timestamp(\(range.upperBound)))")
            bySymbol[key.symbol.value, default: []].append(key)
        }
        let sql = """
            COPY (SELECT m.symbol, m.timeframe, extract(epoch FROM m.ts)::bigint, m.open, m.high, m.low, m.close,
                         m.volume, m.data_source, m.run_id
                  FROM (VALUES \(values.joined(separator: ", "))) AS r(symbol, timeframe, lo, hi)
                  JOIN market_data m ON m.symbol = r.symbol AND m.timeframe = r.timeframe AND m.ts BETWEEN r.lo AND r.hi
                  ORDER BY m.symbol, m.timeframe, m.ts) TO STDOUT
            """
        var out: [SeriesKey: [StoredBar]] = [:]
        var fields: [UnsafeRawBufferPointer] = []
        fields.reserveCapacity(10)
        var currentKey: SeriesKey?
        var currentRaw: (symbol: [UInt8], timeframe: [UInt8]) = ([], [])
        var current: [StoredBar] = []
        func flush() {
            if let key = currentKey { out[key, default: []].append(contentsOf: current) }
            current.removeAll(keepingCapacity: true)
        }
        try copyOut(sql, context: "read stored bars") { row in
            CopyText.fields(of: row, into: &fields)
            guard fields.count == 10 else {
                throw StoreError(code: .protocolViolation, message: "stored bar row has \(fields.count) fields")
            }
            if currentKey == nil || !fields[0].elementsEqual(currentRaw.symbol) || !fields[1].elementsEqual(currentRaw.timeframe) {
                flush()
                currentRaw = (Array(fields[0]), Array(fields[1]))
                let symbol = String(decoding: fields[0], as: UTF8.self)
                let timeframe = String(decoding: fields[1], as: UTF8.self)
                currentKey = bySymbol[symbol]?.first { $0.timeframe.rawValue == timeframe }
            }
            func price(_ i: Int) throws -> Price {
                guard case .success(let p) = Price.parse(fields[i]) else {
                    throw StoreError(code: .protocolViolation, message: "unreadable stored price")
                }
                return p
            }
            func int(_ i: Int) -> Int64? { Int64(String(decoding: fields[i], as: UTF8.self)) }
            current.append(StoredBar(
                ts: int(2) ?? 0, open: try price(3), high: try price(4), low: try price(5), close: try price(6),
                volume: int(7) ?? 0, dataSource: String(decoding: fields[8], as: UTF8.self),
                runID: fields[9].elementsEqual([0x5C, UInt8(ascii: "N")]) ? nil : int(9)))
        }
        flush()
        return out
    }
}
