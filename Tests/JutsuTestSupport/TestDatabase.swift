import Foundation
import JutsuStore

/// A fresh, migrated database on the throwaway server that `scripts/test` starts, dropped when
/// the value goes away. Tests never share a database, so they run in parallel.
public final class TestDatabase: @unchecked Sendable {
    public let name: String
    public let serverURL: String

    public enum SetupError: Error, CustomStringConvertible {
        case noServer
        public var description: String {
            "JUTSU_TEST_DATABASE_URL is not set: run the suite with scripts/test, which starts a throwaway PostgreSQL"
        }
    }

    /// The server's URL from `JUTSU_TEST_DATABASE_URL`.
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["JUTSU_TEST_DATABASE_URL"], !url.isEmpty else {
            throw SetupError.noServer
        }
        return url
    }

    public convenience init(_ label: String = "t", migrate: Bool = true) throws {
        try self.init(label, serverURL: try Self.serverURL(), migrate: migrate)
    }

    /// A fresh database on another server (e.g. a second throwaway server a test restarts).
    public init(_ label: String, serverURL: String, migrate: Bool = true) throws {
        self.serverURL = serverURL
        let safe = label.lowercased().filter { $0.isLetter || $0.isNumber }.prefix(20)
        name = "jt_\(safe)_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PGConnection(conninfo: serverURL, database: "postgres")
        try admin.execute("CREATE DATABASE \(name)")
        if migrate { try Migrator().migrate(try connect()) }
    }

    deinit {
        if let admin = try? PGConnection(conninfo: serverURL, database: "postgres") {
            _ = try? admin.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }

    public func connect() throws -> PGConnection {
        try PGConnection(conninfo: serverURL, database: name)
    }

    /// A libpq URI for this database, for child processes (`--database-url`).
    public var url: String {
        // scripts/test gives postgresql://user@/dbname?host=...&port=...: swap the path.
        let parts = serverURL.split(separator: "?", maxSplits: 1)
        var base = String(parts[0])
        if let at = base.lastIndex(of: "@"), let slash = base[at...].firstIndex(of: "/") {
            base = String(base[...slash]) + name
        } else {
            base += "/" + name
        }
        return parts.count > 1 ? base + "?" + parts[1] : base
    }

    /// Rows in which `data_metadata` and a recount of `market_data` disagree (0 when exact).
    public func metadataMismatches() throws -> Int64 {
        try scalar("""
            SELECT count(*) FROM (
              (SELECT symbol, timeframe, data_source, first_bar_ts, last_bar_ts, bar_count FROM data_metadata WHERE bar_count > 0
               EXCEPT SELECT symbol, timeframe, data_source, min(ts), max(ts), count(*) FROM market_data GROUP BY 1, 2, 3)
              UNION ALL
              (SELECT symbol, timeframe, data_source, min(ts), max(ts), count(*) FROM market_data GROUP BY 1, 2, 3
               EXCEPT SELECT symbol, timeframe, data_source, first_bar_ts, last_bar_ts, bar_count FROM data_metadata WHERE bar_count > 0)
            ) AS diff
            """)
    }

    /// A single integer from a query.
    public func scalar(_ sql: String) throws -> Int64 {
        try connect().execute(sql).int64(0, 0) ?? -1
    }
}
