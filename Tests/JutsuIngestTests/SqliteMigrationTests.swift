import Foundation
import JutsuTestSupport
import Testing

/// `migrate-sqlite` end to end on legacy files written by `scripts/make-legacy-db`.
@Suite(.serialized) struct SqliteMigrationTests {
    struct Expected: Decodable {
        var rows: Int64
        var bars: Int64
        var rejected: Int64
        var rejects_by_reason: [String: Int64]
        var series: [String: Int64]
        var history: History
        struct History: Decodable {
            var metadata_rows: Int
            var audit_rows: Int
            var skipped: Int
        }
    }

    /// A legacy file of `bars` valid bars plus its quirks, and the exact expected outcome.
    static func makeLegacy(_ bars: Int) throws -> (path: String, expected: Expected) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString).sqlite").path
        let p = Process()
        p.executableURL = CommandLineTool.packageRoot.appendingPathComponent("scripts/make-legacy-db")
        p.arguments = [path, String(bars)]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        let data = try Data(contentsOf: URL(fileURLWithPath: path + ".expected.json"))
        return (path, try JSONDecoder().decode(Expected.self, from: data))
    }

    static func cleanup(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + ".expected.json")
    }

    func rejectsByReason(_ db: TestDatabase) throws -> [String: Int64] {
        var out: [String: Int64] = [:]
        let conn = try db.connect()
        let r = try conn.execute("SELECT reason_code, count(*) FROM rejected_bars GROUP BY 1")
        for i in 0..<r.rowCount { out[r.string(i, 0)!] = r.int64(i, 1)! }
        return out
    }

    @Test func legacyFileWithEveryQuirkMigratesWithExactCounts() throws {
        let db = try TestDatabase("sqlite")
        let (file, expected) = try Self.makeLegacy(3_000)
        defer { Self.cleanup(file) }
        let cli = CommandLineTool()

        // Dry run: the same counts, nothing written.
        let dry = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--dry-run", "--format", "json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let d = try dry.json()
        #expect(d["read"] as? Int64 == expected.rows)
        #expect(d["inserted"] as? Int64 == expected.bars)
        #expect(d["rejects_by_reason"] as? [String: Int64] == expected.rejects_by_reason)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)

        let out = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try out.json()
        #expect(j["read"] as? Int64 == expected.rows)
        #expect(j["inserted"] as? Int64 == expected.bars)
        #expect(j["rejected"] as? Int64 == expected.rejected)
        #expect(j["rejects_by_reason"] as? [String: Int64] == expected.rejects_by_reason)
        #expect(j["verified"] as? Bool == true)
        #expect((j["verification"] as? [Any])?.count == expected.series.count)

        #expect(try db.scalar("SELECT count(*) FROM market_data") == expected.bars)
        for (key, count) in expected.series {
            let parts = key.split(separator: "|")
            #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = '\(parts[0])' AND timeframe = '\(parts[1])'") == count, "\(key)")
        }
        #expect(try rejectsByReason(db) == expected.rejects_by_reason)
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars WHERE source_location !~ '^sqlite:market_data:[0-9]+$'") == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE command = 'migrate-sqlite' AND status = 'succeeded' AND rows_read = \(expected.rows) AND rows_inserted = \(expected.bars)") == 1)
        #expect(try db.metadataMismatches() == 0)
        // data_source kept (the legacy file uses schwab, csv and yahoo).
        #expect(try db.scalar("SELECT count(DISTINCT data_source) FROM market_data") == 3)

        // The legacy data_metadata and data_audit_log, carried over.
        let h = try #require(j["history"] as? [String: Any])
        #expect(h["metadata_rows"] as? Int == expected.history.metadata_rows)
        #expect(h["audit_rows"] as? Int == expected.history.audit_rows)
        #expect(h["skipped"] as? Int == expected.history.skipped)
        #expect(try db.scalar("SELECT count(*) FROM data_audit_log WHERE migrated_from ~ '^sqlite:data_audit_log:[0-9]+$' AND entry > 0") == Int64(expected.history.audit_rows))
        #expect(try db.scalar("""
            SELECT count(*) FROM data_audit_log WHERE migrated_from IS NOT NULL AND symbol = 'AAPL' AND timeframe = '1h'
              AND status = 'failed' AND error_message = 'HTTP 429 Too Many Requests' AND occurred_at = to_timestamp(1704232800)
              AND details->>'operation' = 'backfill' AND details->>'status' = 'error'
            """) == 1)
        #expect(try db.scalar("SELECT count(*) FROM data_audit_log WHERE migrated_from IS NOT NULL AND status = 'succeeded' AND details->>'bars_affected' IS NOT NULL") == Int64(expected.series.count))
        // Per series the schwab row takes the legacy fetch time (to the microsecond), history start and completeness.
        #expect(try db.scalar("""
            SELECT count(*) FROM data_metadata WHERE data_source = 'schwab' AND is_complete
              AND last_fetch_at = '2024-01-02 22:05:00.123456+00' AND first_available_at = '1990-01-02 00:00:00+00'
            """) == Int64(expected.series.count))
        #expect(try db.scalar("SELECT count(*) FROM data_metadata WHERE (symbol, timeframe, data_source) = ('QQQ', '1d', 'yahoo') AND bar_count = 0 AND NOT is_complete") == 1)

        // A finished migration re-run changes nothing.
        let again = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--format", "json"])
        #expect(again.status == 0, "\(again.stderr)")
        let a = try again.json()
        #expect(a["read"] as? Int64 == 0)
        #expect(a["series_already_done"] as? Int == expected.series.count + 2)   // + the two raw pairs of no series
        #expect(a["verified"] as? Bool == true)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == expected.bars)
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars") == expected.rejected)
        #expect((a["history"] as? [String: Any])?["already_done"] as? Bool == true)
        #expect(try db.scalar("SELECT count(*) FROM data_audit_log WHERE migrated_from IS NOT NULL") == Int64(expected.history.audit_rows))
    }

    /// A legacy history table of a shape the migration cannot read (none of the columns it
    /// carries over): the run fails before anything is written, naming the table and the
    /// columns it found, and records no run.
    @Test func aHistoryTableOfAnUnknownShapeFailsBeforeWritingNamingTheTable() throws {
        let db = try TestDatabase("sqliteh")
        let (file, _) = try Self.makeLegacy(500)
        defer { Self.cleanup(file) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import sqlite3, sys; c = sqlite3.connect(sys.argv[1])
            c.executescript("DROP TABLE data_metadata; CREATE TABLE data_metadata (id INTEGER PRIMARY KEY, symbol TEXT, timeframe TEXT, data_source TEXT);")
            """, file]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let cli = CommandLineTool()
        let out = try cli.run(["migrate-sqlite", file, "--database-url", db.url])
        #expect(out.status == 2)
        #expect(out.stderr.contains("legacy table data_metadata") && out.stderr.contains("columns found: id, symbol, timeframe, data_source"),
                "\(out.stderr)")
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)
    }

    @Test func aStoredRowChangedByHandFailsVerifyOnlyNamingTheSeries() throws {
        let db = try TestDatabase("sqlitev")
        let (file, _) = try Self.makeLegacy(1_000)
        defer { Self.cleanup(file) }
        let cli = CommandLineTool()
        let out = try cli.run(["migrate-sqlite", file, "--database-url", db.url])
        #expect(out.status == 0, "\(out.stderr)")
        let ok = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--verify-only"])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("all match"))

        _ = try db.connect().execute("""
            UPDATE market_data SET close = close + 0.000001, high = high + 0.000001
            WHERE (symbol, timeframe, ts) = (SELECT symbol, timeframe, max(ts) FROM market_data WHERE symbol = 'MSFT' AND timeframe = '1h' GROUP BY 1, 2)
            """)
        let bad = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--verify-only"])
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("MSFT 1h"), "\(bad.stdout)")
        #expect(bad.stdout.contains("checksum"))
        #expect(bad.stdout.contains("1 differ"))

        // A deleted row: the count and the last bar differ.
        _ = try db.connect().execute("DELETE FROM market_data WHERE symbol = 'AAPL' AND timeframe = '1d' AND ts = (SELECT max(ts) FROM market_data WHERE symbol = 'AAPL' AND timeframe = '1d')")
        let json = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--verify-only", "--format", "json"])
        #expect(json.status == 1)
        let series = try #require(try json.json()["verification"] as? [[String: Any]])
        let failed = series.filter { $0["ok"] as? Bool == false }.map { "\($0["symbol"]!) \($0["timeframe"]!)" }
        #expect(failed.sorted() == ["AAPL 1d", "MSFT 1h"])

        // Changes that keep the count and the first and last bar: only the checksum shows them.
        let conn = try db.connect()
        func middleBar(_ symbol: String, _ timeframe: String) -> String {
            """
            (symbol, timeframe, ts) = (SELECT symbol, timeframe, ts FROM market_data WHERE symbol = '\(symbol)' AND timeframe = '\(timeframe)'
                                       ORDER BY ts OFFSET 10 LIMIT 1)
            """
        }
        _ = try conn.execute("UPDATE market_data SET open = -open WHERE \(middleBar("SPY", "1d"))")          // the sign alone
        _ = try conn.execute("UPDATE market_data SET volume = volume + 1 WHERE \(middleBar("BRK.B", "1d"))")
        _ = try conn.execute("UPDATE market_data SET ts = ts + interval '1 second' WHERE \(middleBar("AAPL", "5m"))")
        let more = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--verify-only", "--format", "json"])
        #expect(more.status == 1)
        let all = try #require(try more.json()["verification"] as? [[String: Any]])
        let failing = all.filter { $0["ok"] as? Bool == false }.map { "\($0["symbol"]!) \($0["timeframe"]!)" }
        #expect(failing.sorted() == ["AAPL 1d", "AAPL 5m", "BRK.B 1d", "MSFT 1h", "SPY 1d"])
    }

    @Test func aKilledMigrationResumesWithExactCountsAndNoDuplicates() throws {
        let db = try TestDatabase("sqlitek")
        let (file, expected) = try Self.makeLegacy(60_000)
        defer { Self.cleanup(file) }
        let cli = CommandLineTool()
        let args = ["migrate-sqlite", file, "--database-url", db.url, "--batch-size", "1500", "--format", "json"]
        var killed = 0
        for fraction in [0.15, 0.5] {
            let stored = try db.scalar("SELECT count(*) FROM market_data")
            let target = max(Int64(Double(expected.bars) * fraction), stored + 1)
            let process = try cli.start(args)
            let deadline = Date().addingTimeInterval(120)
            while process.isRunning, Date() < deadline, try db.scalar("SELECT count(*) FROM market_data") < target {
                usleep(5_000)
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killed += 1
            }
            process.waitUntilExit()
        }
        #expect(killed == 2, "the migration finished before it could be killed; make the file bigger")
        #expect(try db.scalar("SELECT count(*) FROM legacy_migration_progress") > 0)

        let final = try cli.run(args)
        #expect(final.status == 0, "\(final.stderr)")
        let j = try final.json()
        #expect(j["verified"] as? Bool == true)
        #expect((j["series_resumed"] as? Int ?? 0) + (j["series_already_done"] as? Int ?? 0) >= 1)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == expected.bars)
        #expect(try db.scalar("SELECT count(*) FROM (SELECT DISTINCT symbol, timeframe, ts FROM market_data) k") == expected.bars)
        #expect(try rejectsByReason(db) == expected.rejects_by_reason)
        #expect(try db.scalar("SELECT count(DISTINCT source_location) FROM rejected_bars") == expected.rejected)
        // Every legacy row read exactly once over all runs.
        #expect(try db.scalar("SELECT sum(rows_read) FROM ingest_runs") == expected.rows)
        #expect(try db.scalar("SELECT sum(rows_inserted) FROM ingest_runs") == expected.bars)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'running'") == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE rows_read <> rows_inserted + rows_updated + rows_unchanged + rows_rejected") == 0)
        #expect(try db.metadataMismatches() == 0)
        // A row superseding a key stored by a killed run is a duplicate that moves no count of
        // the resuming run: no counter goes negative.
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE least(rows_inserted, rows_updated, rows_unchanged, rows_rejected) < 0") == 0)
        #expect(try db.scalar("SELECT count(*) FROM data_audit_log WHERE migrated_from IS NOT NULL") == Int64(expected.history.audit_rows))
    }
}
