import JutsuStore
import JutsuTestSupport
import Testing
import Foundation

@Suite struct MigrationTests {
    @Test func appliesOnceAndRecordsChecksums() throws {
        let db = try TestDatabase("mig", migrate: false)
        let conn = try db.connect()
        let first = try Migrator().migrate(conn)
        #expect(first.applied == Migration.embedded.map(\.fileName))
        let second = try Migrator().migrate(conn)
        #expect(second.applied.isEmpty)
        #expect(second.alreadyApplied.count == Migration.embedded.count)
        let recorded = try conn.execute("SELECT name, length(checksum) FROM schema_migrations ORDER BY version")
        #expect(recorded.rowCount == Migration.embedded.count)
        #expect(recorded.int64(0, 1) == 64)
        #expect(try Migrator().status(conn).pending.isEmpty)
    }

    @Test func refusesAnEditedMigration() throws {
        let db = try TestDatabase("migedit")
        let conn = try db.connect()
        var edited = Migration.embedded
        edited[0] = Migration(fileName: edited[0].fileName, sql: edited[0].sql + "\n-- edited\n")
        do {
            try Migrator(migrations: edited).migrate(conn)
            Issue.record("an edited migration was accepted")
        } catch let error as StoreError {
            #expect(error.code == .migration)
            #expect(error.message.contains(edited[0].fileName))
            #expect(error.message.contains("changed after it was applied"))
        }
    }

    @Test func newMigrationIsAppliedInOrder() throws {
        let db = try TestDatabase("mignew")
        let conn = try db.connect()
        let extra = Migration(fileName: "9999_test_extra.sql", sql: "CREATE TABLE test_extra (id int);")
        let report = try Migrator(migrations: Migration.embedded + [extra]).migrate(conn)
        #expect(report.applied == ["9999_test_extra.sql"])
        #expect(try conn.execute("SELECT to_regclass('test_extra') IS NOT NULL").bool(0, 0) == true)
    }

    /// The embedded copy must be exactly migrations/*.sql (regenerate with scripts/gen-migrations).
    @Test func embeddedMigrationsMatchTheFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = root.appendingPathComponent("migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files == Migration.embedded.map(\.fileName))
        for migration in Migration.embedded {
            let text = try String(contentsOf: dir.appendingPathComponent(migration.fileName), encoding: .utf8)
            #expect(text == migration.sql + "\n" || text == migration.sql, "run scripts/gen-migrations: \(migration.fileName) differs")
        }
    }
}
