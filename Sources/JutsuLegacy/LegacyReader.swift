import JutsuCore

/// One series of the legacy `market_data` table: every raw (symbol, timeframe) spelling that
/// maps to the same canonical key (`aapl`/`1D` and `AAPL`/`daily` are one series), or one raw
/// pair that maps to none (its rows are all rejected).
public struct LegacySeries: Sendable, Hashable {
    /// Progress key: `AAPL|1d`, or `raw:<symbol>|<timeframe>` for a pair that maps to no series.
    public var id: String
    public var symbol: Symbol?
    public var timeframe: Timeframe?
    public var rawPairs: [RawPair]
    public var rows: Int64
    /// Rows of the whole legacy table when the series was listed (0: unknown).
    public var tableRows: Int64 = 0

    /// Reading the series by a scan of the table in rowid order is cheaper than its index plus a
    /// sort by rowid once it holds a fifth of the table (measured: the index, the row lookups
    /// and the temporary B-tree cost ~2.5x a scanned row; skipping another series' row is ~15x
    /// cheaper than reading one).
    public var readsByTableScan: Bool { tableRows > 0 && rows * 5 >= tableRows }

    public struct RawPair: Sendable, Hashable {
        public var symbol: LegacyValue
        public var timeframe: LegacyValue
    }
}

extension LegacyValue: Hashable {
    public func hash(into h: inout Hasher) { h.combine(display) }
}

/// A legacy row that did not become a bar.
public struct LegacyReject: Sendable, Equatable {
    public var rowid: Int64
    public var symbol: String?
    public var timeframe: Timeframe?
    /// `symbol,timeframe,timestamp,open,high,low,close,volume,source[,is_valid]` as stored.
    public var rawText: String
    public var reason: RejectReason
    /// Names the field and the value: `field 'open' value 'abc': not a number`.
    public var message: String
    /// `sqlite:market_data:ROWID`.
    public var location: String { "\(LegacyReader.origin):\(rowid)" }
}

/// A legacy row read and converted.
public enum LegacyRow: Sendable {
    case bar(Bar, dataSource: String?, rowid: Int64)
    case reject(LegacyReject)
}

/// Streams the legacy `market_data` table through the sqlite3 C library, one statement per
/// series, rows in rowid order, each value read by its storage class.
public final class LegacyReader {
    public static let origin = "sqlite:market_data"
    public let database: SQLiteDatabase
    /// The file's tables as found (which columns give the source, validity, history).
    public let schema: LegacySchema

    /// Opens the file and reads its shape; a shape it cannot read fails here, before anything
    /// is written (`LegacySchemaError`).
    public init(path: String) throws {
        database = try SQLiteDatabase(path: path)
        schema = try LegacySchema.read(database, path: path)
    }

    /// The series of the table (raw pairs grouped by canonical key), ordered by `id`.
    public func series() throws -> [LegacySeries] {
        var byID: [String: LegacySeries] = [:]
        try database.query("SELECT symbol, timeframe, count(*) FROM market_data GROUP BY symbol, timeframe") { row in
            let pair = LegacySeries.RawPair(symbol: row.value(0), timeframe: row.value(1))
            let count = row.int64(2)
            var symbol: Symbol?
            var timeframe: Timeframe?
            if case .text(let s) = pair.symbol { symbol = try? Symbol(canonicalizing: s) }
            if case .text(let t) = pair.timeframe { timeframe = LegacyTimeframe.parse(t) }
            let id = if let symbol, let timeframe { "\(symbol.value)|\(timeframe.rawValue)" } else {
                "raw:\(pair.symbol.display)|\(pair.timeframe.display)"
            }
            byID[id, default: LegacySeries(id: id, symbol: symbol, timeframe: timeframe, rawPairs: [], rows: 0)].rawPairs.append(pair)
            byID[id]!.rows += count
        }
        let total = byID.values.reduce(0) { $0 + $1.rows }
        return byID.values.map { var s = $0; s.tableRows = total; return s }.sorted { $0.id < $1.id }
    }

    /// Rows of `series` with `after < rowid <= through`, in rowid order, converted.
    public func rows(of series: LegacySeries, after: Int64 = 0, through: Int64 = .max,
                     body: (LegacyRow) throws -> Void) throws {
        var conditions: [String] = []
        var parameters: [LegacyValue] = []
        for pair in series.rawPairs {
            conditions.append("(symbol IS ? AND timeframe IS ?)")
            parameters.append(pair.symbol)
            parameters.append(pair.timeframe)
        }
        parameters.append(.integer(after))
        parameters.append(.integer(through))
        let sql = """
            SELECT \(schema.barSelect)
            FROM market_data\(series.readsByTableScan ? " NOT INDEXED" : "") WHERE (\(conditions.joined(separator: " OR "))) AND rowid > ? AND rowid <= ?
            ORDER BY rowid
            """
        var sources = SourceCache()
        let validity = schema.bars.hasValidity
        try database.query(sql, parameters) { row in
            if validity, let invalid = Self.invalid(row, series: series) {
                try body(invalid)
            } else {
                try body(Self.convert(row, series: series, sources: &sources))
            }
        }
    }

    /// The earlier row of `series` (rowid below `before`) whose timestamp gives the bar key
    /// `key`, with its stored timestamp; the current row's stored timestamp. For the rare path
    /// of two rows meeting on one key: a full read of the series before `before`.
    public func collision(in series: LegacySeries, key: Int64, before rowid: Int64)
        throws -> (earlier: (rowid: Int64, timestamp: LegacyValue)?, current: LegacyValue) {
        guard let timeframe = series.timeframe else { return (nil, .null) }
        var earlier: (Int64, LegacyValue)?
        var current = LegacyValue.null
        for pair in series.rawPairs {
            try database.query("""
                SELECT rowid, "timestamp" FROM market_data WHERE symbol IS ? AND timeframe IS ? AND rowid <= ? ORDER BY rowid
                """, [pair.symbol, pair.timeframe, .integer(rowid)]) { row in
                let id = row.int64(0)
                let value = row.value(1)
                if id == rowid { current = value; return }
                if earlier == nil, case .success(let k) = LegacyConversion.timestamp(value, timeframe: timeframe), k == key {
                    earlier = (id, value)
                }
            }
        }
        return (earlier.map { (rowid: $0.0, timestamp: $0.1) }, current)
    }

    /// The last `data_source` text seen, so a run of rows of one source makes one String.
    struct SourceCache {
        var bytes: [UInt8] = []
        var text: String?

        mutating func text(of raw: UnsafeRawBufferPointer) -> String {
            if let text, raw.elementsEqual(bytes) { return text }
            bytes = Array(raw)
            let t = String(decoding: raw, as: UTF8.self)
            text = t
            return t
        }
    }

    /// Converts the current row, reading each column by its storage class without building
    /// Strings on the way of a valid bar; a reject reads the whole row as values for its text.
    static func convert(_ row: SQLiteRow, series: LegacySeries, sources: inout SourceCache) -> LegacyRow {
        guard let symbol = series.symbol, let timeframe = series.timeframe else { return convert(row, series: series) }
        let ts: Int64
        switch LegacyConversion.timestamp(stored: row.storage(3), timeframe: timeframe) {
        case .success(let t): ts = t
        case .failure: return convert(row, series: series)
        }
        var prices = (Price(micros: 0), Price(micros: 0), Price(micros: 0), Price(micros: 0))
        for k in 0..<4 {
            guard case .success(let p) = LegacyConversion.price(stored: row.storage(Int32(4 + k))) else { return convert(row, series: series) }
            switch k {
            case 0: prices.0 = p
            case 1: prices.1 = p
            case 2: prices.2 = p
            default: prices.3 = p
            }
        }
        guard case .success(let volume) = LegacyConversion.volume(stored: row.storage(8)) else { return convert(row, series: series) }
        let source: String? = if case .text(let raw) = row.storage(9) { sources.text(of: raw) } else { nil }
        return .bar(Bar(symbol: symbol, timeframe: timeframe, ts: ts, open: prices.0, high: prices.1,
                        low: prices.2, close: prices.3, volume: volume.value),
                    dataSource: source, rowid: row.int64(0))
    }

    /// The reject of a row the legacy validation marked bad (`is_valid` 0) or never validated
    /// (NULL): the engine reads only `is_valid = 1`, so such a bar is never loaded as a good bar.
    /// nil for a valid row (1, or text `1`/`true`/`t`).
    @inline(__always)
    static func invalid(_ row: SQLiteRow, series: LegacySeries) -> LegacyRow? {
        let message: String
        switch row.storage(10) {
        case .integer(let v) where v != 0: return nil
        case .real(let d) where d != 0: return nil
        case .integer, .real: message = "marked invalid by the legacy validation"
        case .null: message = "never validated (the legacy engine reads only is_valid = 1)"
        case .text, .blob:
            let text = row.value(10).display
            if ["1", "true", "t"].contains(text.trimmingSpaces.lowercased()) { return nil }
            message = "not a true value"
        }
        let values = (1...10).map { row.value(Int32($0)) }
        return .reject(LegacyReject(rowid: row.int64(0), symbol: series.symbol?.value, timeframe: series.timeframe,
                                    rawText: values.map(\.display).joined(separator: ","), reason: .legacyInvalid,
                                    message: "field 'is_valid' value '\(values[9].display)': \(message)"))
    }

    /// The general path: every value read as a `LegacyValue`; gives the reject with its message.
    static func convert(_ row: SQLiteRow, series: LegacySeries) -> LegacyRow {
        let rowid = row.int64(0)
        let values = (1...9).map { row.value(Int32($0)) }
        func reject(_ reason: RejectReason, _ message: String) -> LegacyRow {
            .reject(LegacyReject(rowid: rowid, symbol: series.symbol?.value, timeframe: series.timeframe,
                                 rawText: values.map(\.display).joined(separator: ","), reason: reason, message: message))
        }
        guard let symbol = series.symbol else {
            if case .text(let s) = values[0] {
                do { _ = try Symbol(canonicalizing: s) } catch {
                    return reject(.badSymbol, "field 'symbol' value '\(s)': \(error.message)")
                }
            }
            if case .text = values[0] {} else {
                return reject(values[0] == .null ? .missingField : .badSymbol, "field 'symbol' value '\(values[0].display)': not a symbol")
            }
            return reject(values[1] == .null ? .missingField : .badTimeframe,
                          "field 'timeframe' value '\(values[1].display)': not a timeframe (1m 5m 15m 30m 1h 1d 1w 1mo or an alias)")
        }
        guard let timeframe = series.timeframe else {
            return reject(.badTimeframe, "field 'timeframe' value '\(values[1].display)': not a timeframe")
        }
        let ts: Int64
        switch LegacyConversion.timestamp(values[2], timeframe: timeframe) {
        case .success(let t): ts = t
        case .failure(let f): return reject(f.reason, "field 'timestamp' value '\(values[2].display)': \(f.phrase)")
        }
        var prices: [Price] = []
        for (k, name) in ["open", "high", "low", "close"].enumerated() {
            switch LegacyConversion.price(values[3 + k]) {
            case .success(let p): prices.append(p)
            case .failure(let f):
                return reject(RejectReason.forNumber(f), "field '\(name)' value '\(values[3 + k].display)': \(f)")
            }
        }
        let volume: Int64
        switch LegacyConversion.volume(values[7]) {
        case .success(let v): volume = v.value
        case .failure(let f): return reject(RejectReason.forNumber(f), "field 'volume' value '\(values[7].display)': \(f)")
        }
        let source: String? = if case .text(let s) = values[8] { s } else { nil }
        return .bar(Bar(symbol: symbol, timeframe: timeframe, ts: ts, open: prices[0], high: prices[1],
                        low: prices[2], close: prices[3], volume: volume),
                    dataSource: source, rowid: rowid)
    }
}
