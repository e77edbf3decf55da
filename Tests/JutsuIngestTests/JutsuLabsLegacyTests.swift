import Foundation
import JutsuStore
import JutsuTestSupport
import Testing

/// The real Jutsu Labs system (issue 16): its legacy SQLite files of every schema version
/// migrate exactly, and its engine reads the result through `jutsu_legacy` as it reads SQLite.
/// The expected values come from `fixtures/legacy/*.truth.json`, computed from each file with
/// Python's sqlite3 and decimal modules (fixtures/legacy/make/make_truth.py), never by this code.
@Suite struct JutsuLabsLegacyTests {
    struct Truth: Decodable {
        var market_data: Bars
        var data_metadata: Table?
        var data_audit_log: Table?
        struct Bars: Decodable {
            var recognized: Bool
            var total_rows: Int64?
            var series_bar_counts: [String: Int64]?
            var bars: [[Value]]?
            var not_valid_rows: [[Value]]?
        }
        struct Table: Decodable { var count: Int }
    }

    /// A JSON scalar of a truth row.
    enum Value: Decodable, CustomStringConvertible {
        case int(Int64), text(String), null
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if c.decodeNil() { self = .null } else if let i = try? c.decode(Int64.self) { self = .int(i) } else {
                self = .text(try c.decode(String.self))
            }
        }
        var description: String {
            switch self {
            case .int(let i): String(i)
            case .text(let t): t
            case .null: "NULL"
            }
        }
    }

    static func truth(_ name: String) throws -> Truth {
        let data = try Data(contentsOf: URL(fileURLWithPath: CommandLineTool.fixture("legacy/\(name).truth.json")))
        return try JSONDecoder().decode(Truth.self, from: data)
    }

    /// `58.928570` and `58.92857` are one price: compare decimal texts without trailing zeros.
    static func decimal(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    @Test(arguments: [("v1-52db0e8", "v1"), ("v1-head", "v1"), ("v2-4940c95", "v2"), ("design-note", "design-note"),
                      ("epoch-ms-daily", "v1")])
    func legacyFileMigratesBarForBar(_ name: String, _ schema: String) throws {
        let truth = try Self.truth(name)
        let db = try TestDatabase("jl")
        let cli = CommandLineTool()
        let file = CommandLineTool.fixture("legacy/\(name).db")
        let counts = truth.market_data.series_bar_counts ?? [:]
        let bars = counts.values.reduce(0, +)
        let invalid = Int64(truth.market_data.not_valid_rows?.count ?? 0)

        let dry = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--dry-run", "--format", "json"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let d = try dry.json()
        #expect(d["schema"] as? String == schema)
        #expect(d["read"] as? Int64 == truth.market_data.total_rows)
        #expect(d["inserted"] as? Int64 == bars)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)

        let out = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let j = try out.json()
        #expect(j["verified"] as? Bool == true, "\(out.stdout)")
        #expect(j["inserted"] as? Int64 == bars)
        #expect(j["rejected"] as? Int64 == invalid)
        for v in j["verification"] as? [[String: Any]] ?? [] {
            let legacyRows = v["legacy_rows"] as? Int64 ?? -1
            let storedRows = (v["stored"] as? [String: Any])?["rows"] as? Int64 ?? 0
            let rejectedRows = v["rejected"] as? Int64 ?? 0
            #expect(legacyRows == storedRows + rejectedRows)
        }

        // Every series with its exact count, every bar with its key and values.
        for (key, count) in counts {
            let p = key.split(separator: "|")
            #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = '\(p[0])' AND timeframe = '\(p[1])'") == count, "\(key)")
        }
        let conn = try db.connect()
        let r = try conn.execute("""
            SELECT symbol, timeframe, to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                   open::text, high::text, low::text, close::text, volume::text FROM market_data
            """)
        var stored = Set<String>()
        for i in 0..<r.rowCount {
            let fields: [String] = (0..<8).map { (k: Int) -> String in
                let text = r.string(i, k) ?? "NULL"
                return k >= 3 && k <= 6 ? Self.decimal(text) : text
            }
            stored.insert(fields.joined(separator: ","))
        }
        var expected = Set<String>()
        for row in truth.market_data.bars ?? [] {
            // rowid, symbol, timeframe, ts, open, high, low, close, volume, source as stored
            let fields: [String] = (1...8).map { (k: Int) -> String in
                k >= 4 && k <= 7 ? Self.decimal(row[k].description) : row[k].description
            }
            expected.insert(fields.joined(separator: ","))
        }
        #expect(stored.count == Int(bars))
        #expect(stored == expected, "\(stored.subtracting(expected).sorted().prefix(3)) vs \(expected.subtracting(stored).sorted().prefix(3))")

        // Invalid bars: rejected with their own reason, at their rowid, never stored.
        let rejected = try conn.execute("SELECT source_location FROM rejected_bars WHERE reason_code = 'legacy_invalid' ORDER BY 1")
        let locations = Set((0..<rejected.rowCount).map { rejected.string($0, 0)! })
        let invalidRows = Set((truth.market_data.not_valid_rows ?? []).map { "sqlite:market_data:\($0[0])" })
        #expect(locations == invalidRows)

        // History: every legacy audit row kept, a metadata row for every series.
        #expect(try db.scalar("SELECT count(*) FROM data_audit_log WHERE migrated_from IS NOT NULL") == Int64(truth.data_audit_log?.count ?? 0))
        for key in counts.keys {
            let p = key.split(separator: "|")
            #expect(try db.scalar("SELECT count(*) FROM data_metadata WHERE symbol = '\(p[0])' AND timeframe = '\(p[1])'") >= 1, "\(key)")
        }

        // Every stored bar is seen through the compatibility schema.
        #expect(try db.scalar("SELECT count(*) FROM jutsu_legacy.market_data") == bars)
        #expect(try db.scalar("SELECT count(DISTINCT id) FROM jutsu_legacy.market_data") == bars)

        // A second run changes nothing and still verifies.
        let again = try cli.run(["migrate-sqlite", file, "--database-url", db.url, "--format", "json"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try again.json()["verified"] as? Bool == true)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == bars)
    }

    @Test func unknownShapeFailsBeforeAnythingIsWritten() throws {
        #expect(try Self.truth("unknown-shape").market_data.recognized == false)
        let db = try TestDatabase("jlunknown")
        let out = try CommandLineTool().run(["migrate-sqlite", CommandLineTool.fixture("legacy/unknown-shape.db"),
                                             "--database-url", db.url])
        #expect(out.status == 2)
        #expect(out.stderr.contains("legacy table market_data"), "\(out.stderr)")
        #expect(out.stderr.contains("columns found: ticker, date, px, qty"), "\(out.stderr)")
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
    }

    /// The engine's own way of reading (SQLAlchemy + psycopg2, its filters and New York session
    /// filter) gives bar for bar what it gives on the legacy file, through the read-only role
    /// (search_path from the role) and through `options=-c search_path=jutsu_legacy`.
    @Test(arguments: ["v1-52db0e8", "v1-head"])
    func engineReadsTheMigratedDatabaseAsItReadsTheLegacyFile(_ name: String) throws {
        let python = try Self.python()
        let db = try TestDatabase("jlread")
        let cli = CommandLineTool()
        let file = CommandLineTool.fixture("legacy/\(name).db")
        let migrated = try cli.run(["migrate-sqlite", file, "--database-url", db.url])
        #expect(migrated.status == 0, "\(migrated.stderr)")

        let role = "jt_engine_\(UInt32.random(in: 0...UInt32.max))"
        let secret = "pw-\(UUID().uuidString)"
        let made = try cli.run(["db", "reader-role", "--role", role, "--password-env", "JT_ENGINE_PW", "--database-url", db.url],
                               environment: ["JT_ENGINE_PW": secret])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(!made.stdout.contains(secret) && !made.stderr.contains(secret))

        let script = CommandLineTool.packageRoot.appendingPathComponent("Tests/python/jutsu_legacy_reads.py").path
        let roleURL = db.url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(role)@")
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("jl-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        let asRole = try CommandLineTool(path: python).run([script, "--sqlite", file, "--postgres", roleURL, "--no-search-path", "--json", json])
        #expect(asRole.status == 0, "\(asRole.stdout)\n\(asRole.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let checks = report?["checks"] as? [String: [String: Any]] ?? [:]
        for check in ["range", "multi_symbol", "raw_sql", "audit_log", "ids"] {
            #expect((checks[check]?["rows_compared"] as? Int ?? 0) > 0, "\(check): \(checks[check] ?? [:])")
            #expect(checks[check]?["mismatches"] as? Int == 0, "\(check)")
        }

        let withOption = try CommandLineTool(path: python).run([script, "--sqlite", file, "--postgres", db.url,
                                                                "--search-path", "jutsu_legacy", "--quiet"])
        #expect(withOption.status == 0, "\(withOption.stdout)\n\(withOption.stderr)")

        // The role reads and nothing else: writes and the stored tables are refused by the server.
        let engine = try PGConnection(conninfo: roleURL)
        #expect(try engine.execute("SELECT count(*) FROM market_data").int64(0, 0) ?? 0 > 0)
        #expect(throws: (any Error).self) { try engine.execute("DELETE FROM data_audit_log") }
        #expect(throws: (any Error).self) { try engine.execute("SELECT count(*) FROM public.market_data") }
        #expect(throws: (any Error).self) { try engine.execute("CREATE TABLE public.x (a int)") }
    }

    /// Bars of any origin appear in the compatibility schema with the engine's spellings: an
    /// import next to a migration, index symbols with `$`, daily bars at Chicago midnight.
    @Test func importedBarsAppearInTheEngineSpelling() throws {
        let db = try TestDatabase("jlimport")
        let cli = CommandLineTool()
        let out = try cli.run(["migrate-sqlite", CommandLineTool.fixture("legacy/v1-head.db"), "--database-url", db.url])
        #expect(out.status == 0, "\(out.stderr)")
        let imported = try cli.run(["import", CommandLineTool.fixture("real/csv-zipline/csvdir_samples__csvdir__daily__KO.csv.gz"),
                                    "--symbol", "KO", "--database-url", db.url])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try db.scalar("SELECT count(*) FROM jutsu_legacy.market_data WHERE symbol = 'KO' AND timeframe = '1D'")
                == db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'KO' AND timeframe = '1d'"))
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'KO'") > 0)
        // By hand: 2014-01-02 is a winter date (CST, UTC-6), 2014-07-01 a summer one (CDT, UTC-5).
        #expect(try db.scalar("""
            SELECT count(*) FROM jutsu_legacy.market_data WHERE symbol = 'AAPL' AND timeframe = '1D'
              AND "timestamp" = '2014-07-01 05:00:00'
            """) == 1)
        #expect(try db.scalar("""
            SELECT count(*) FROM jutsu_legacy.market_data WHERE symbol = 'TSLA' AND timeframe = '1D'
              AND "timestamp" = '2013-12-31 06:00:00'
            """) == 1)
        #expect(try db.scalar("SELECT count(*) FROM jutsu_legacy.market_data WHERE symbol = '$VIX' AND timeframe = '1D'") == 38)
        #expect(try db.scalar("SELECT count(*) FROM jutsu_legacy.market_data WHERE symbol = 'AAPL' AND timeframe = '1M'") == 12)
        #expect(try db.scalar("SELECT count(*) FROM jutsu_legacy.data_metadata WHERE symbol = '$VIX' AND timeframe = '1D' AND total_bars = 38") == 1)
    }

    static func python() throws -> String {
        guard let p = ProcessInfo.processInfo.environment["JUTSU_TEST_PYTHON"], !p.isEmpty else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "JUTSU_TEST_PYTHON is not set: run the suite with scripts/test"])
        }
        return p
    }
}

/// Distinct legacy keys that would normalize onto one stored key stop the series loudly
/// (issue 17): a v1 file (its UNIQUE (symbol, timeframe, timestamp) makes every row a bar of
/// its own) with two daily rows of one date at 05:00 and 06:00 UTC, written here by hand with
/// Python's sqlite3; a same-instant pair of another series stays a duplicate.
@Suite struct LegacyKeyCollisionTests {
    static func makeFile(_ rows: [(String, String, String)]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("collide-\(UUID().uuidString).db").path
        let values = rows.map { "('\($0.0)', '\($0.1)', '\($0.2)', 10, 11, 9, 10.5, 1000, 'schwab', '2026-01-01 00:00:00', 1)" }
            .joined(separator: ", ")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import sqlite3, sys; c = sqlite3.connect(sys.argv[1])
            c.executescript('''CREATE TABLE market_data (id INTEGER NOT NULL, symbol VARCHAR(10) NOT NULL, timeframe VARCHAR(10) NOT NULL,
              timestamp DATETIME NOT NULL, open NUMERIC(18, 6) NOT NULL, high NUMERIC(18, 6) NOT NULL, low NUMERIC(18, 6) NOT NULL,
              close NUMERIC(18, 6) NOT NULL, volume BIGINT NOT NULL, data_source VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL,
              is_valid BOOLEAN, PRIMARY KEY (id), CONSTRAINT uix_symbol_tf_ts UNIQUE (symbol, timeframe, timestamp));''')
            c.execute("INSERT INTO market_data (symbol, timeframe, timestamp, open, high, low, close, volume, data_source, created_at, is_valid) VALUES \(values)")
            c.commit()
            """, path]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        return path
    }

    @Test func twoInstantsOfOneSessionStopTheSeries() throws {
        let file = try Self.makeFile([
            ("KO", "1D", "2020-01-03 06:00:00.000000"), ("KO", "1D", "2020-01-06 05:00:00.000000"),
            ("KO", "1D", "2020-01-06 06:00:00.000000"), ("KO", "1D", "2020-01-07 06:00:00.000000"),
        ])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let db = try TestDatabase("collide")
        let out = try CommandLineTool().run(["migrate-sqlite", file, "--database-url", db.url])
        #expect(out.status == 1, "\(out.stdout) \(out.stderr)")
        #expect(out.stderr.contains("sqlite:market_data:2 ('2020-01-06 05:00:00.000000') and sqlite:market_data:3 ('2020-01-06 06:00:00.000000')"),
                "\(out.stderr)")
        #expect(out.stderr.contains("KO 1d both become the bar 2020-01-06T00:00:00Z"), "\(out.stderr)")
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'failed'") == 1)
    }

    @Test func oneInstantWrittenTwiceIsStillADuplicate() throws {
        let file = try Self.makeFile([
            ("KO", "1D", "2020-01-06"), ("KO", "1D", "2020-01-06 00:00:00"), ("KO", "1D", "2020-01-07"),
        ])
        defer { try? FileManager.default.removeItem(atPath: file) }
        let db = try TestDatabase("dup")
        let out = try CommandLineTool().run(["migrate-sqlite", file, "--database-url", db.url, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect((try out.json()["rejects_by_reason"] as? [String: Int64]) == ["duplicate": 1])
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 2)
    }
}
