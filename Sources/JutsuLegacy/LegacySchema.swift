import JutsuCore

/// The shape of a legacy file, read from its schema (`PRAGMA table_info`), never assumed.
///
/// Jutsu Labs wrote three shapes (docs/migrate-sqlite.md "Legacy schemas"):
/// - **v1** (models of 52db0e8 and HEAD): `market_data(id, ..., data_source, created_at,
///   is_valid)`, `data_metadata(symbol, timeframe, last_bar_timestamp, total_bars,
///   last_updated)`, `data_audit_log(..., message, bars_affected, timestamp)`;
/// - **v2** (4940c95): `market_data` keyed (symbol, timeframe, timestamp) with enum timeframe
///   names (`ONE_DAY`), `source`, DECIMAL(20,8) prices and fractional volume;
///   `data_metadata(symbol, timeframe, source, first_date, last_date, bar_count, sync_status,
///   last_sync_attempt, last_sync_success, ...)`; no audit log;
/// - **design-note** (the early design): `data_source`, no `is_valid`; `data_metadata` with
///   `data_source, first_available_date, last_updated_date, total_bars, last_fetch_timestamp,
///   is_complete`; audit `error_message`.
/// Each column is looked up by name, so a file that mixes them is read too; a table missing a
/// column the migration needs is refused before anything is written.
public struct LegacySchema: Sendable, Equatable {
    /// `v1`, `v2`, `design-note`, or `mixed` (columns of several).
    public var version: String
    public var bars: Bars
    public var metadata: Metadata?
    public var audit: Audit?

    public struct Bars: Sendable, Equatable {
        /// `data_source` or `source`; nil: the file has none (rows get `legacy`).
        public var sourceColumn: String?
        /// The file marks bars valid or not (`is_valid`).
        public var hasValidity: Bool
        public var columns: [String]
        /// A unique index or key on exactly (symbol, timeframe, timestamp) (v1 `uix_symbol_tf_ts`,
        /// v2's primary key, the design note's UNIQUE): two rows of one raw pair are two bars.
        public var uniqueKey = false
    }

    public struct Metadata: Sendable, Equatable {
        public var sourceColumn: String?
        /// When the vendor was last read for the series (v1 `last_updated`, design-note
        /// `last_fetch_timestamp`, v2 `last_sync_success`).
        public var lastFetchColumn: String?
        public var firstAvailableColumn: String?
        public var isCompleteColumn: String?
        /// `total_bars` (v1, design-note) or `bar_count` (v2).
        public var totalBarsColumn: String?
        public var columns: [String]
    }

    public struct Audit: Sendable, Equatable {
        /// `message` (v1) or `error_message` (design-note).
        public var messageColumn: String?
        public var barsAffectedColumn: String?
        public var columns: [String]
    }

    static let barColumns = ["symbol", "timeframe", "timestamp", "open", "high", "low", "close", "volume"]

    /// Reads the shape of `database`'s tables; throws `LegacySchemaError` for a table the
    /// migration cannot read, naming the columns it found.
    public static func read(_ database: SQLiteDatabase, path: String) throws -> LegacySchema {
        guard try database.hasTable("market_data") else {
            throw LegacySchemaError(path: path, table: "market_data", found: [],
                                    problem: "no table market_data (not a Jutsu Labs database)")
        }
        if try database.isWithoutRowid("market_data") {
            throw LegacySchemaError(path: path, table: "market_data", found: try database.columns(of: "market_data"),
                                    problem: "a WITHOUT ROWID table: rows cannot be checkpointed by rowid")
        }
        let barCols = try database.columns(of: "market_data")
        let missing = barColumns.filter { !barCols.contains($0) }
        guard missing.isEmpty else {
            throw LegacySchemaError(path: path, table: "market_data", found: barCols,
                                    problem: "missing \(missing.joined(separator: ", "))")
        }
        var bars = Bars(sourceColumn: first(of: ["data_source", "source"], in: barCols),
                        hasValidity: barCols.contains("is_valid"), columns: barCols)
        bars.uniqueKey = try database.hasUniqueKey("market_data", on: ["symbol", "timeframe", "timestamp"])

        var metadata: Metadata?
        if try database.hasTable("data_metadata") {
            let cols = try database.columns(of: "data_metadata")
            guard cols.contains("symbol"), cols.contains("timeframe") else {
                throw LegacySchemaError(path: path, table: "data_metadata", found: cols, problem: "missing symbol or timeframe")
            }
            metadata = Metadata(
                sourceColumn: first(of: ["data_source", "source"], in: cols),
                lastFetchColumn: first(of: ["last_fetch_timestamp", "last_updated", "last_sync_success", "last_updated_date"], in: cols),
                firstAvailableColumn: first(of: ["first_available_date"], in: cols),
                isCompleteColumn: first(of: ["is_complete"], in: cols),
                totalBarsColumn: first(of: ["total_bars", "bar_count"], in: cols),
                columns: cols)
            guard metadata?.lastFetchColumn != nil || metadata?.totalBarsColumn != nil else {
                throw LegacySchemaError(path: path, table: "data_metadata", found: cols,
                                        problem: "none of last_updated, last_fetch_timestamp, last_sync_success, total_bars, bar_count")
            }
        }

        var audit: Audit?
        if try database.hasTable("data_audit_log") {
            let cols = try database.columns(of: "data_audit_log")
            let needed = ["operation", "status", "timestamp"].filter { !cols.contains($0) }
            guard needed.isEmpty else {
                throw LegacySchemaError(path: path, table: "data_audit_log", found: cols,
                                        problem: "missing \(needed.joined(separator: ", "))")
            }
            audit = Audit(messageColumn: first(of: ["message", "error_message"], in: cols),
                          barsAffectedColumn: first(of: ["bars_affected"], in: cols), columns: cols)
        }

        let version: String
        switch (bars.sourceColumn, bars.hasValidity, metadata?.sourceColumn, metadata?.totalBarsColumn) {
        case ("data_source", true, nil, _): version = "v1"
        case ("source", true, "source", _), ("source", true, nil, nil): version = "v2"
        case ("data_source", false, _, _): version = "design-note"
        default: version = "mixed"
        }
        return LegacySchema(version: version, bars: bars, metadata: metadata, audit: audit)
    }

    static func first(of names: [String], in columns: [String]) -> String? {
        names.first(where: columns.contains)
    }

    /// The reader's select list for bars: rowid, the eight bar columns, source, validity.
    var barSelect: String {
        let source = bars.sourceColumn.map(quoted) ?? "NULL"
        let valid = bars.hasValidity ? "is_valid" : "1"
        return "rowid, symbol, timeframe, \"timestamp\", open, high, low, close, volume, \(source), \(valid)"
    }
}

/// A legacy table the migration cannot read; nothing has been written when it is thrown.
public struct LegacySchemaError: Error, CustomStringConvertible, Sendable, Equatable {
    public var path: String
    public var table: String
    public var found: [String]
    public var problem: String

    public var description: String {
        "\(path): legacy table \(table): \(problem); columns found: "
            + (found.isEmpty ? "none" : found.joined(separator: ", "))
            + " (readable shapes: docs/migrate-sqlite.md \"Legacy schemas\")"
    }
}

func quoted(_ identifier: String) -> String {
    "\"" + identifier.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
}

extension SQLiteDatabase {
    /// The column names of `table`, in order.
    public func columns(of table: String) throws -> [String] {
        var out: [String] = []
        try query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) { row in
            if case .text(let name) = row.value(0) { out.append(name) }
        }
        return out
    }

    /// Whether a unique index (or primary key) of `table` covers exactly `columns`.
    func hasUniqueKey(_ table: String, on columns: Set<String>) throws -> Bool {
        var unique: [String] = []
        try query("SELECT name FROM pragma_index_list(?) WHERE \"unique\" = 1", [.text(table)]) { row in
            if case .text(let name) = row.value(0) { unique.append(name) }
        }
        for index in unique {
            var cols = Set<String>()
            try query("SELECT name FROM pragma_index_info(?)", [.text(index)]) { row in
                if case .text(let name) = row.value(0) { cols.insert(name) }
            }
            if cols == columns { return true }
        }
        return false
    }

    func isWithoutRowid(_ table: String) throws -> Bool {
        var sql = ""
        try query("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(table)]) { row in
            if case .text(let s) = row.value(0) { sql = s }
        }
        let squeezed = sql.uppercased().filter { !$0.isWhitespace }
        return squeezed.hasSuffix("WITHOUTROWID") || squeezed.contains("WITHOUTROWID,") || squeezed.contains(")WITHOUTROWID")
    }
}

/// Timeframe spellings of legacy files: every `Timeframe(parsing:)` alias, and the enum names
/// Jutsu Labs' v2 models stored (`ONE_DAY`, `FIVE_MINUTES`, ...).
public enum LegacyTimeframe {
    static let enumNames: [String: Timeframe] = [
        "ONE_MINUTE": .m1, "FIVE_MINUTES": .m5, "FIFTEEN_MINUTES": .m15, "THIRTY_MINUTES": .m30,
        "ONE_HOUR": .h1, "ONE_DAY": .d1, "ONE_WEEK": .w1, "ONE_MONTH": .mo1,
    ]

    public static func parse(_ text: String) -> Timeframe? {
        Timeframe(parsing: text) ?? enumNames[text.trimmingSpaces.uppercased()]
    }
}
