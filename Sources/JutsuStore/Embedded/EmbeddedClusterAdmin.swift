import CLibPQ
import Foundation

/// The few libpq calls the cluster's own upkeep needs: is it up, which version, create
/// the `jutsu` database. Short-lived connections, opened and closed in one call.
enum EmbeddedClusterAdmin {
    /// True when a server accepts connections at `conninfo` (authentication and the
    /// database's existence do not matter to `PQping`).
    static func isAccepting(_ conninfo: String) -> Bool {
        PQping(conninfo) == PQPING_OK
    }

    /// `15.18` (or `16.4`, `17beta1` as `17.0`) from a running server.
    static func serverVersion(_ conninfo: String) -> String? {
        guard let conn = PQconnectdb(conninfo) else { return nil }
        defer { PQfinish(conn) }
        guard PQstatus(conn) == CONNECTION_OK else { return nil }
        let number = Int(PQserverVersion(conn))
        guard number > 0 else { return nil }
        return number >= 100_000 ? "\(number / 10000).\(number % 10000)" : "\(number / 10000).\(number / 100 % 100).\(number % 100)"
    }

    /// Creates `name` unless it exists. The caller holds the cluster lock, and a
    /// concurrent creator (`42P04 duplicate_database`) counts as success anyway.
    static func createDatabaseIfMissing(_ name: String, maintenanceConninfo: String) throws {
        guard let conn = PQconnectdb(maintenanceConninfo) else {
            throw EmbeddedClusterError(.createDatabaseFailed, "cannot allocate a libpq connection")
        }
        defer { PQfinish(conn) }
        guard PQstatus(conn) == CONNECTION_OK else {
            throw EmbeddedClusterError(.createDatabaseFailed,
                                       "cannot connect to the embedded cluster (\(maintenanceConninfo))",
                                       detail: errorMessage(conn))
        }
        let literal = "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
        let exists = PQexec(conn, "SELECT 1 FROM pg_database WHERE datname = \(literal)")
        defer { PQclear(exists) }
        guard PQresultStatus(exists) == PGRES_TUPLES_OK else {
            throw EmbeddedClusterError(.createDatabaseFailed, "cannot list databases", detail: errorMessage(conn))
        }
        if PQntuples(exists) > 0 { return }

        let identifier = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let create = PQexec(conn, "CREATE DATABASE \(identifier)")
        defer { PQclear(create) }
        if PQresultStatus(create) == PGRES_COMMAND_OK { return }
        let sqlstate = PQresultErrorField(create, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        if sqlstate == "42P04" { return }
        throw EmbeddedClusterError(.createDatabaseFailed, "cannot create database \(name)", detail: errorMessage(conn))
    }

    private static func errorMessage(_ conn: OpaquePointer) -> String {
        PQerrorMessage(conn).map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }
}
