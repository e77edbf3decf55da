import Logging

/// Applies migrations in order and refuses an edited migration that was already applied.
///
/// `schema_migrations` records each file's name and SHA-256 (computed by the server, so the
/// client needs no crypto library). Concurrent migrators serialize on an advisory lock.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(migrations: [Migration] = Migration.embedded) {
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    public struct Report: Sendable, Equatable {
        public var applied: [String]
        public var alreadyApplied: [String]
    }

    public struct Status: Sendable, Equatable {
        public var applied: [String]
        public var pending: [String]
    }

    static let lockKey = "hashtextextended('jutsu_schema_migrations', 0)"

    @discardableResult
    public func migrate(_ connection: PGConnection) throws -> Report {
        try validateNumbering()
        try connection.execute("SELECT pg_advisory_lock(\(Self.lockKey))", context: "migration lock")
        defer { _ = try? connection.execute("SELECT pg_advisory_unlock(\(Self.lockKey))") }
        try connection.execute("""
            SET client_min_messages = warning;
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     PRIMARY KEY,
                name       text        NOT NULL UNIQUE,
                checksum   text        NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, context: "schema_migrations")
        let recorded = try recordedMigrations(connection)
        var report = Report(applied: [], alreadyApplied: [])
        for migration in migrations {
            let checksum = try self.checksum(of: migration, on: connection)
            if let existing = recorded[migration.version] {
                guard existing.name == migration.fileName, existing.checksum == checksum else {
                    throw StoreError(
                        code: .migration,
                        message: "migration \(migration.fileName) was changed after it was applied "
                            + "(recorded \(existing.name) sha256 \(existing.checksum.prefix(12)), now \(checksum.prefix(12)))",
                        hint: "restore the applied file and put the change in a new migration with a higher number")
                }
                report.alreadyApplied.append(migration.fileName)
                continue
            }
            try connection.transaction {
                try connection.execute(migration.sql, context: "migration \(migration.fileName)")
                try connection.execute(
                    "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [String(migration.version), migration.fileName, checksum], context: "record migration")
            }
            connection.logger.info("applied migration", metadata: ["migration": "\(migration.fileName)"])
            report.applied.append(migration.fileName)
        }
        try MarketSessions.sync(connection)
        return report
    }

    /// What is applied and what is pending, without changing anything.
    public func status(_ connection: PGConnection) throws -> Status {
        let exists = try connection.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").bool(0, 0) ?? false
        let recorded = exists ? try recordedMigrations(connection) : [:]
        return Status(
            applied: recorded.values.sorted { $0.version < $1.version }.map(\.name),
            pending: migrations.filter { recorded[$0.version] == nil }.map(\.fileName))
    }

    struct Recorded { var version: Int; var name: String; var checksum: String }

    func recordedMigrations(_ connection: PGConnection) throws -> [Int: Recorded] {
        let result = try connection.execute("SELECT version, name, checksum FROM schema_migrations")
        var out: [Int: Recorded] = [:]
        for row in 0..<result.rowCount {
            let version = Int(result.int64(row, 0) ?? -1)
            out[version] = Recorded(version: version, name: result.string(row, 1) ?? "", checksum: result.string(row, 2) ?? "")
        }
        return out
    }

    func checksum(of migration: Migration, on connection: PGConnection) throws -> String {
        try connection.execute("SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [migration.sql],
                               context: "migration checksum").string(0, 0) ?? ""
    }

    func validateNumbering() throws {
        var seen: Set<Int> = []
        for migration in migrations {
            guard migration.version >= 0, migration.fileName.hasSuffix(".sql") else {
                throw StoreError(code: .migration, message: "migration file \(migration.fileName) must be named NNNN_name.sql")
            }
            guard seen.insert(migration.version).inserted else {
                throw StoreError(code: .migration, message: "two migrations share number \(migration.version)")
            }
        }
    }
}
