import CLibPQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One libpq connection, used from one thread at a time.
///
/// libpq calls block, so the owner runs them on a dedicated thread (the loader thread), not on
/// Swift's cooperative pool. `@unchecked Sendable` only so the connection can be handed to that
/// thread; it is never used from two threads at once.
public final class PGConnection: @unchecked Sendable {
    let handle: OpaquePointer
    /// What the connection's owner attaches to it. This module has no logging dependency:
    /// JutsuStore keeps its `Logger` here (`PGConnection.logger`).
    public let attachment: (any Sendable)?

    /// Connects with a libpq conninfo string or URI. The conninfo is never logged or put in errors.
    /// `database` overrides the database named in `conninfo`.
    public init(conninfo: String, database: String? = nil, applicationName: String = "jutsu-ingest",
                attachment: (any Sendable)? = nil) throws(StoreError) {
        self.attachment = attachment
        var keys = ["dbname", "application_name", "client_encoding"]
        var values = [conninfo, applicationName, "UTF8"]
        if let database {
            keys.append("dbname")
            values.append(database)
        }
        // expand_dbname=1: the first dbname value may be a full conninfo string or URI.
        var cKeys = keys.map { strdup($0) }
        var cValues = values.map { strdup($0) }
        cKeys.append(nil)
        cValues.append(nil)
        defer {
            cKeys.forEach { free($0) }
            cValues.forEach { free($0) }
        }
        let conn = cKeys.withUnsafeBufferPointer { k in
            cValues.withUnsafeBufferPointer { v in
                k.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: k.count) { kp in
                    v.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: v.count) { vp in
                        PQconnectdbParams(kp, vp, 1)
                    }
                }
            }
        }
        guard let conn else {
            throw StoreError(code: .connection, message: "out of memory creating a libpq connection")
        }
        if PQstatus(conn) != CONNECTION_OK {
            let message = Self.trimmed(PQerrorMessage(conn))
            PQfinish(conn)
            throw StoreError(code: .connection, message: message,
                             hint: "check --database-url / DATABASE_URL / PG* variables, or unset them to use the embedded database")
        }
        self.handle = conn
    }

    deinit { PQfinish(handle) }

    /// Server version as an integer, e.g. 150018.
    public var serverVersion: Int { Int(PQserverVersion(handle)) }
    public var databaseName: String { String(cString: PQdb(handle)) }
    /// The host (or unix socket directory) and port the connection reached.
    public var host: String { PQhost(handle).map { String(cString: $0) } ?? "" }
    public var port: String { PQport(handle).map { String(cString: $0) } ?? "" }
    /// False once the connection to the server was lost (a pool drops it and reconnects).
    public var isConnected: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs one or more statements without parameters.
    @discardableResult
    public func execute(_ sql: String, context: String? = nil) throws(StoreError) -> PGResult {
        let raw = PQexec(handle, sql)
        return try check(raw, context: context)
    }

    /// Runs one statement with text parameters (`$1`, `$2`, ...). nil is SQL NULL.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?], context: String? = nil) throws(StoreError) -> PGResult {
        var cParams: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } ?? nil }
        defer { cParams.forEach { free($0) } }
        let raw = cParams.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buffer.count) { pointer in
                PQexecParams(handle, sql, Int32(parameters.count), nil, pointer, nil, nil, 0)
            }
        }
        return try check(raw, context: context)
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<R>(_ body: () throws -> R) throws -> R {
        try execute("BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if PQstatus(handle) == CONNECTION_OK { _ = PQexec(handle, "ROLLBACK").map { PQclear($0) } }
            throw error
        }
    }

    func check(_ raw: OpaquePointer?, context: String?) throws(StoreError) -> PGResult {
        guard let raw else {
            throw StoreError(code: .connection, message: Self.trimmed(PQerrorMessage(handle)), context: context)
        }
        let result = PGResult(raw)
        switch PQresultStatus(raw) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN, PGRES_COPY_OUT:
            return result
        default:
            throw serverError(raw, context: context)
        }
    }

    func serverError(_ raw: OpaquePointer, context: String?, code: StoreError.Code = .query) -> StoreError {
        func field(_ f: Int32) -> String? {
            guard let value = PQresultErrorField(raw, f) else { return nil }
            return String(cString: value)
        }
        let primary = field(Int32(UInt8(ascii: "M"))) ?? Self.trimmed(PQresultErrorMessage(raw))
        let state = field(Int32(UInt8(ascii: "C")))
        let connectionLost = PQstatus(handle) != CONNECTION_OK || state?.hasPrefix("08") == true
        return StoreError(code: connectionLost ? .connection : code, message: primary, sqlState: state,
                          detail: field(Int32(UInt8(ascii: "D"))), hint: field(Int32(UInt8(ascii: "H"))),
                          context: context)
    }

    static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown libpq error" }
        var text = String(cString: message)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text.isEmpty ? "unknown libpq error" : text
    }
}
