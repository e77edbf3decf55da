import JutsuCore

/// A row of the legacy `data_metadata`: what the old app knew of a series (per source where
/// the file records one), read from whichever columns its shape has (`LegacySchema.Metadata`).
public struct LegacyMetadataRow: Sendable {
    public var rowid: Int64
    public var symbol: Symbol?
    public var timeframe: Timeframe?
    /// nil when the file keeps one row per series (v1): it then speaks of every source the
    /// series' bars came from.
    public var dataSource: String?
    /// Microseconds since the epoch, UTC.
    public var firstAvailable: Int64?
    public var totalBars: Int64?
    /// When the vendor was last read for the series (microseconds since the epoch, UTC).
    public var lastFetch: Int64?
    public var isComplete: Bool?
}

/// A row of the legacy `data_audit_log`, as written.
public struct LegacyAuditRow: Sendable, Encodable {
    public var rowid: Int64
    public var symbol: String
    public var timeframe: String
    /// Canonical names when the raw ones map to a series.
    public var series: (symbol: Symbol, timeframe: Timeframe)?
    public var operation: String
    public var barsAffected: Int64?
    public var status: String
    /// The row's text: `message` (v1) or `error_message` (design-note), under its own name.
    public var message: String?
    public var messageColumn: String
    public var timestamp: String?
    /// Microseconds since the epoch, UTC.
    public var occurredAt: Int64?

    /// The legacy statuses that mean the operation worked; any other is a failure.
    public var succeeded: Bool {
        ["success", "succeeded", "successful", "ok", "completed", "complete", "done"].contains(status.lowercased())
    }

    struct Key: CodingKey {
        var stringValue: String
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// The legacy row under its own column names (nil as JSON null).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(symbol, forKey: Key("symbol"))
        try c.encode(timeframe, forKey: Key("timeframe"))
        try c.encode(operation, forKey: Key("operation"))
        try c.encode(barsAffected, forKey: Key("bars_affected"))
        try c.encode(status, forKey: Key("status"))
        try c.encode(message, forKey: Key(messageColumn))
        try c.encode(timestamp, forKey: Key("timestamp"))
    }
}

extension LegacyReader {
    /// The legacy `data_metadata` rows (none when the file has no such table).
    public func metadataRows() throws -> [LegacyMetadataRow] {
        guard let shape = schema.metadata else { return [] }
        func column(_ name: String?) -> String { name.map(quoted) ?? "NULL" }
        var out: [LegacyMetadataRow] = []
        try named("data_metadata") {
            try database.query("""
                SELECT rowid, symbol, timeframe, \(column(shape.sourceColumn)), \(column(shape.firstAvailableColumn)),
                       \(column(shape.totalBarsColumn)), \(column(shape.lastFetchColumn)), \(column(shape.isCompleteColumn))
                FROM data_metadata ORDER BY rowid
                """) { row in
                let (symbol, timeframe) = Self.series(row.value(1), row.value(2))
                out.append(LegacyMetadataRow(
                    rowid: row.int64(0), symbol: symbol, timeframe: timeframe, dataSource: row.value(3).text,
                    firstAvailable: LegacyConversion.instantMicros(row.value(4)), totalBars: row.value(5).integer,
                    lastFetch: LegacyConversion.instantMicros(row.value(6)),
                    isComplete: row.value(7).integer.map { $0 != 0 } ?? row.value(7).text.map { ["1", "true", "t", "yes"].contains($0.lowercased()) }))
            }
        }
        return out
    }

    /// Streams the legacy `data_audit_log` rows in rowid order (nothing when there is no table).
    public func auditRows(_ body: (LegacyAuditRow) throws -> Void) throws {
        guard let shape = schema.audit else { return }
        let symbol = shape.columns.contains("symbol") ? "symbol" : "NULL"
        let timeframe = shape.columns.contains("timeframe") ? "timeframe" : "NULL"
        let message = shape.messageColumn.map(quoted) ?? "NULL"
        let bars = shape.barsAffectedColumn.map(quoted) ?? "NULL"
        try named("data_audit_log") {
            try database.query("""
                SELECT rowid, \(symbol), \(timeframe), operation, \(bars), status, \(message), "timestamp"
                FROM data_audit_log ORDER BY rowid
                """) { row in
                let (symbol, timeframe) = Self.series(row.value(1), row.value(2))
                let ts = row.value(7)
                try body(LegacyAuditRow(
                    rowid: row.int64(0), symbol: row.value(1).text ?? "", timeframe: row.value(2).text ?? "",
                    series: symbol.flatMap { s in timeframe.map { (s, $0) } },
                    operation: row.value(3).text ?? "", barsAffected: row.value(4).integer, status: row.value(5).text ?? "",
                    message: row.value(6).text, messageColumn: shape.messageColumn ?? "message",
                    timestamp: ts == .null ? nil : ts.display, occurredAt: LegacyConversion.instantMicros(ts)))
            }
        }
    }

    /// A SQLite error of a history table names the table.
    private func named(_ table: String, _ body: () throws -> Void) throws {
        do { try body() } catch let error as SQLiteError {
            throw SQLiteError(code: error.code, message: "legacy table \(table): \(error.message)")
        }
    }

    static func series(_ symbol: LegacyValue, _ timeframe: LegacyValue) -> (Symbol?, Timeframe?) {
        (symbol.text.flatMap { try? Symbol(canonicalizing: $0) }, timeframe.text.flatMap(LegacyTimeframe.parse))
    }
}

extension LegacyValue {
    var text: String? { if case .text(let t) = self { t } else { nil } }
    var integer: Int64? {
        switch self {
        case .integer(let v): v
        case .real(let d) where d.isFinite && d == d.rounded() && d.magnitude < 9e15: Int64(d)
        case .text(let t): Int64(t.trimmingSpaces)
        default: nil
        }
    }
}

extension LegacyConversion {
    /// An instant (microseconds since the epoch, UTC) from ISO text (naive = UTC, as the legacy
    /// app wrote `datetime.utcnow()`; the fraction kept to the microsecond) or an epoch number
    /// (seconds, or milliseconds above 1e11); nil when it is none.
    public static func instantMicros(_ value: LegacyValue) -> Int64? {
        switch value {
        case .integer(let v): return epochMicros(v)
        case .real(let d):
            guard d.isFinite, d.magnitude < 1e14 else { return nil }
            return d.magnitude >= Double(millisecondsAbove) ? Int64((d * 1000).rounded()) : Int64((d * 1_000_000).rounded())
        case .text(let t):
            let trimmed = t.trimmingSpaces
            if let v = Int64(trimmed) { return epochMicros(v) }
            guard let iso = ISOTimestamp(trimmed) else { return nil }
            return iso.utcSeconds * 1_000_000 + iso.microsecond
        case .null, .blob: return nil
        }
    }

    static func epochMicros(_ v: Int64) -> Int64? {
        guard v.magnitude < UInt64(epochLimit) else { return nil }
        return v.magnitude >= UInt64(millisecondsAbove) ? v * 1000 : v * 1_000_000
    }
}
