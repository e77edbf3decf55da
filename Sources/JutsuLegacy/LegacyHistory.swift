import JutsuCore

/// A row of the legacy `data_metadata`: what the old app knew of a (series, source).
public struct LegacyMetadataRow: Sendable {
    public var rowid: Int64
    public var symbol: Symbol?
    public var timeframe: Timeframe?
    public var dataSource: String?
    public var firstAvailable: Int64?
    public var lastUpdated: Int64?
    public var totalBars: Int64?
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
    public var errorMessage: String?
    public var timestamp: String?
    public var occurredAt: Int64?

    /// The legacy statuses that mean the operation worked; any other is a failure.
    public var succeeded: Bool {
        ["success", "succeeded", "successful", "ok", "completed", "complete", "done"].contains(status.lowercased())
    }

    enum CodingKeys: String, CodingKey {
        case symbol, timeframe, operation, barsAffected = "bars_affected", status, errorMessage = "error_message", timestamp
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(timeframe, forKey: .timeframe)
        try c.encode(operation, forKey: .operation)
        try c.encode(barsAffected, forKey: .barsAffected)
        try c.encode(status, forKey: .status)
        try c.encode(errorMessage, forKey: .errorMessage)
        try c.encode(timestamp, forKey: .timestamp)
    }
}

extension LegacyReader {
    /// The legacy `data_metadata` rows (none when the file has no such table).
    public func metadataRows() throws -> [LegacyMetadataRow] {
        guard try database.hasTable("data_metadata") else { return [] }
        var out: [LegacyMetadataRow] = []
        try named("data_metadata") {
            try database.query("""
                SELECT rowid, symbol, timeframe, data_source, first_available_date, last_updated_date, total_bars,
                       last_fetch_timestamp, is_complete FROM data_metadata ORDER BY rowid
                """) { row in
                let (symbol, timeframe) = Self.series(row.value(1), row.value(2))
                out.append(LegacyMetadataRow(
                    rowid: row.int64(0), symbol: symbol, timeframe: timeframe, dataSource: row.value(3).text,
                    firstAvailable: LegacyConversion.instant(row.value(4)), lastUpdated: LegacyConversion.instant(row.value(5)),
                    totalBars: row.value(6).integer, lastFetch: LegacyConversion.instant(row.value(7)),
                    isComplete: row.value(8).integer.map { $0 != 0 } ?? row.value(8).text.map { ["1", "true", "t", "yes"].contains($0.lowercased()) }))
            }
        }
        return out
    }

    /// Streams the legacy `data_audit_log` rows in rowid order (nothing when there is no table).
    public func auditRows(_ body: (LegacyAuditRow) throws -> Void) throws {
        guard try database.hasTable("data_audit_log") else { return }
        try named("data_audit_log") {
            try database.query("""
                SELECT rowid, symbol, timeframe, operation, bars_affected, status, error_message, timestamp
                FROM data_audit_log ORDER BY rowid
                """) { row in
                let (symbol, timeframe) = Self.series(row.value(1), row.value(2))
                let ts = row.value(7)
                try body(LegacyAuditRow(
                    rowid: row.int64(0), symbol: row.value(1).text ?? "", timeframe: row.value(2).text ?? "",
                    series: symbol.flatMap { s in timeframe.map { (s, $0) } },
                    operation: row.value(3).text ?? "", barsAffected: row.value(4).integer, status: row.value(5).text ?? "",
                    errorMessage: row.value(6).text, timestamp: ts == .null ? nil : ts.display,
                    occurredAt: LegacyConversion.instant(ts)))
            }
        }
    }

    /// A SQLite error of a history table names the table (an older legacy schema may lack a column).
    private func named(_ table: String, _ body: () throws -> Void) throws {
        do { try body() } catch let error as SQLiteError {
            throw SQLiteError(code: error.code, message: "legacy table \(table): \(error.message)")
        }
    }

    static func series(_ symbol: LegacyValue, _ timeframe: LegacyValue) -> (Symbol?, Timeframe?) {
        (symbol.text.flatMap { try? Symbol(canonicalizing: $0) }, timeframe.text.flatMap(Timeframe.init(parsing:)))
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
    /// An instant (UTC seconds) from ISO text (naive = UTC; a fraction of a second is dropped)
    /// or an epoch number (seconds, or milliseconds above 1e11); nil when it is none.
    public static func instant(_ value: LegacyValue) -> Int64? {
        switch value {
        case .integer(let v): return epochSeconds(v)
        case .real(let d): return d.isFinite && d.magnitude < 1e15 ? epochSeconds(Int64(d.rounded(.down))) : nil
        case .text(let t):
            let trimmed = t.trimmingSpaces
            if let v = Int64(trimmed) { return epochSeconds(v) }
            return ISOTimestamp(trimmed)?.utcSeconds
        case .null, .blob: return nil
        }
    }

    static func epochSeconds(_ v: Int64) -> Int64? {
        guard v.magnitude < UInt64(epochLimit) else { return nil }
        return v.magnitude >= UInt64(millisecondsAbove) ? v / 1000 : v
    }
}
