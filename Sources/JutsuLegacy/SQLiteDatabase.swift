import CSQLite

/// An error from the sqlite3 library, with the database's message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var description: String { "sqlite: \(message) (code \(code))" }
}

/// A value as SQLite stores it: by its actual storage class (`typeof()`), never the column's
/// declared type (a `DECIMAL(18,6)` column may hold REAL, INTEGER or TEXT values).
public enum LegacyValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Int)

    /// The value as the hot path sees it (text excepted: its bytes live in the String).
    var storage: SQLiteRow.Storage {
        switch self {
        case .null: .null
        case .integer(let v): .integer(v)
        case .real(let d): .real(d)
        case .text: .text(UnsafeRawBufferPointer(start: nil, count: 0))
        case .blob: .blob
        }
    }

    /// The value as it would be shown in a reject's raw text.
    public var display: String {
        switch self {
        case .null: "NULL"
        case .integer(let v): String(v)
        case .real(let d): LegacyConversion.shortestText(d)
        case .text(let t): t
        case .blob(let n): "<blob \(n) bytes>"
        }
    }
}

/// A read-only connection to a SQLite file. One thread at a time (not Sendable), so it is opened
/// without SQLite's own per-call mutex (`SQLITE_OPEN_NOMUTEX`; 2% of a migration's CPU).
public final class SQLiteDatabase {
    let handle: OpaquePointer

    public init(path: String) throws(SQLiteError) {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close(db) }
            throw SQLiteError(code: rc, message: "\(path): \(message)")
        }
        handle = db
    }

    deinit { sqlite3_close(handle) }

    /// Prepares `sql`, binds `parameters` (text, integer) and calls `row` per result row.
    public func query(_ sql: String, _ parameters: [LegacyValue] = [],
                      row: (SQLiteRow) throws -> Void) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw SQLiteError(code: rc, message: String(cString: sqlite3_errmsg(handle)))
        }
        defer { sqlite3_finalize(stmt) }
        for (i, p) in parameters.enumerated() {
            let index = Int32(i + 1)
            switch p {
            case .integer(let v): sqlite3_bind_int64(stmt, index, v)
            case .text(let t): jutsu_sqlite_bind_text_transient(stmt, index, t)
            case .real(let d): sqlite3_bind_double(stmt, index, d)
            case .null, .blob: sqlite3_bind_null(stmt, index)
            }
        }
        let current = SQLiteRow(stmt: stmt)
        while true {
            let step = sqlite3_step(stmt)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                throw SQLiteError(code: step, message: String(cString: sqlite3_errmsg(handle)))
            }
            try row(current)
        }
    }

    /// Whether a table of that name exists.
    public func hasTable(_ name: String) throws -> Bool {
        var found = false
        try query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(name)]) { _ in found = true }
        return found
    }
}

/// The current row of a statement; valid only during the `query` callback.
public struct SQLiteRow {
    let stmt: OpaquePointer

    /// Column `i` by its storage class.
    public func value(_ i: Int32) -> LegacyValue {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, i))
        case SQLITE_TEXT:
            guard let p = sqlite3_column_text(stmt, i) else { return .text("") }
            let n = Int(sqlite3_column_bytes(stmt, i))
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        case SQLITE_BLOB: return .blob(Int(sqlite3_column_bytes(stmt, i)))
        default: return .null
        }
    }

    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }

    /// Column `i` without building a `LegacyValue` (no String for text): the reader's hot path.
    @inline(__always)
    func storage(_ i: Int32) -> Storage {
        switch sqlite3_column_type(stmt, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(stmt, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(stmt, i))
        case SQLITE_TEXT:
            // The pointer is valid until the next step or column conversion of this column.
            let n = Int(sqlite3_column_bytes(stmt, i))
            guard let p = sqlite3_column_text(stmt, i) else { return .text(UnsafeRawBufferPointer(start: nil, count: 0)) }
            return .text(UnsafeRawBufferPointer(start: p, count: n))
        case SQLITE_BLOB: return .blob
        default: return .null
        }
    }

    enum Storage {
        case null, integer(Int64), real(Double), text(UnsafeRawBufferPointer), blob
    }
}
