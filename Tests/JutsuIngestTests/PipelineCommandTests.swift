import Foundation
import JutsuStore
import JutsuTestSupport
import Testing

/// `validate`, `plan` and `run` through the built binary, on the example pipelines in `pipelines/`.
@Suite struct PipelineCommandTests {
    static let pipelines = CommandLineTool.packageRoot.appendingPathComponent("pipelines").path
    static let examples = ["yahoo-daily", "yahoo-ea-15m", "zipline-csvdir", "zipline-inputs"]

    @Test func everyExamplePipelineValidates() throws {
        let out = try CommandLineTool().run(["validate", Self.pipelines])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("\(Self.examples.count) pipelines, 0 errors"))
    }

    @Test(arguments: examples)
    func everyExamplePipelineRunsThenFindsEverythingStored(name: String) throws {
        let db = try TestDatabase("ex\(name)")
        let tool = CommandLineTool()
        let args = ["run", name, "--pipelines", Self.pipelines, "--database-url", db.url, "--format", "json"]
        let first = try tool.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let json = try first.json()
        #expect(json["pipeline"] as? String == name)
        #expect(json["status"] as? String == "succeeded")
        let rows = try #require(json["rows"] as? [String: Int])
        #expect(rows["read"]! > 0)
        #expect(rows["read"] == rows["inserted"]! + rows["updated"]! + rows["unchanged"]! + rows["rejected"]! + rows["discarded"]!)
        let series = try #require(json["series"] as? [[String: Any]])
        #expect(!series.isEmpty)
        for s in series {
            #expect(s["status"] as? String == "succeeded")
            #expect((s["range"] as? [String: Any])?["to"] is String)
        }
        // The next run reads only the lookback window and finds it unchanged.
        let second = try tool.run(args)
        #expect(second.status == 0, "\(second.stderr)")
        let again = try #require(try second.json()["rows"] as? [String: Int])
        #expect(again["inserted"] == 0 && again["updated"] == 0)
        #expect(again["unchanged"]! > 0 && again["unchanged"]! < rows["read"]!)
        #expect(try db.metadataMismatches() == 0)
    }

    @Test func planIsReadOnlyAndSaysWhatTheNextRunReads() throws {
        let db = try TestDatabase("explan")
        let tool = CommandLineTool()
        let plan = try tool.run(["plan", "zipline-csvdir", "--pipelines", Self.pipelines, "--database-url", db.url, "--format", "json"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let series = try #require(try plan.json()["series"] as? [[String: Any]])
        #expect(series.map { $0["symbol"] as? String } == ["AAPL", "KO", "MSFT"])
        #expect(series.allSatisfy { $0["basis"] as? String == "first_run" && $0["rows"] as? Int == 754 })
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
    }

    @Test func exitCodesOfRun() throws {
        let db = try TestDatabase("excodes")
        let tool = CommandLineTool()
        // Unknown pipeline: usage error naming the ones that exist.
        let unknown = try tool.run(["run", "nope", "--pipelines", Self.pipelines, "--database-url", db.url])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("no pipeline named 'nope'") && unknown.stderr.contains("zipline-csvdir"))
        // Another run holds the pipeline: exit 4 with a clear message, nothing written.
        let holder = try db.connect()
        #expect(try PipelineStateStore(connection: holder).lock(pipeline: "zipline-csvdir", wait: false))
        let busy = try tool.run(["run", "zipline-csvdir", "--pipelines", Self.pipelines, "--database-url", db.url])
        #expect(busy.status == 4)
        #expect(busy.stderr.contains("pipeline 'zipline-csvdir' is already running"))
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        try PipelineStateStore(connection: holder).unlock(pipeline: "zipline-csvdir")

        // Some series failing: exit 3 (partial).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("excodes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n".write(toFile: dir + "/GOOD.csv", atomically: true, encoding: .utf8)
        try "date,open,high,low,close,volume\n2020-01-02,10,8,9,10.5,100\n".write(toFile: dir + "/BAD.csv", atomically: true, encoding: .utf8)
        try """
            name: partial
            source: {kind: csv, paths: ["*.csv"]}
            symbols: from_source
            timeframe: 1d

            """.write(toFile: dir + "/partial.yaml", atomically: true, encoding: .utf8)
        let partial = try tool.run(["run", dir + "/partial.yaml", "--database-url", db.url, "--format", "json"])
        #expect(partial.status == 3, "\(partial.stderr)")
        #expect(try partial.json()["status"] as? String == "partial")
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE pipeline = 'partial' AND status = 'partial'") == 1)
    }
}

@Suite struct PipelineHTTPKindTests {
    static let yahoo = CommandLineTool.fixture("good-pipelines/yahoo-intraday.yaml")

    @Test func planOfAnHTTPSourceGivesEachSymbolItsRequestRange() throws {
        let db = try TestDatabase("httpplan")
        let out = try CommandLineTool().run(["plan", Self.yahoo, "--database-url", db.url, "--format", "json"],
                                            environment: ["POLYGON_API_KEY": "k-not-printed"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(!out.stdout.contains("k-not-printed") && !out.stderr.contains("k-not-printed"))
        let series = try #require(try out.json()["series"] as? [[String: Any]])
        #expect(series.map { $0["symbol"] as? String } == ["AAPL", "BRK.B", "EURUSD=X", "MSFT", "^GSPC"])
        #expect(series.allSatisfy { $0["basis"] as? String == "first_run" && $0["to"] is String && $0["rows"] is NSNull })
    }

    @Test func runOfALegacySqliteSourceSaysToUseMigrateSqlite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name: old\nsource: {kind: legacy_sqlite, file: old.db}\nsymbols: [AAPL]\ntimeframe: 1d\n"
            .write(toFile: dir + "/old.yaml", atomically: true, encoding: .utf8)
        let db = try TestDatabase("legacyrun")
        let out = try CommandLineTool().run(["run", dir + "/old.yaml", "--database-url", db.url])
        #expect(out.status == 2)
        #expect(out.stderr.contains("migrate-sqlite"), "\(out.stderr)")
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)
    }
}

@Suite struct RunsCommandTests {
    @Test func listsRecentRunsNewestFirstWithCounts() throws {
        let db = try TestDatabase("runs")
        let tool = CommandLineTool()
        #expect(try tool.run(["run", "zipline-inputs", "--pipelines", PipelineCommandTests.pipelines, "--database-url", db.url]).status == 0)
        #expect(try tool.run(["import", CommandLineTool.fixture("real/csv-zipline/pipeline_inputs__AAPL.csv"), "--database-url", db.url]).status == 0)
        let out = try tool.run(["runs", "--database-url", db.url, "--format", "json"])
        #expect(out.status == 0, "\(out.stderr)")
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [[String: Any]])
        #expect(runs.map { $0["command"] as? String } == ["import", "run"])
        #expect(runs[1]["pipeline"] as? String == "zipline-inputs")
        #expect(runs[1]["status"] as? String == "succeeded")
        #expect(runs[1]["inserted"] as? Int == 127)
        #expect(runs[0]["inserted"] as? Int == 127)
        let only = try tool.run(["runs", "--database-url", db.url, "--pipeline", "zipline-inputs"])
        #expect(only.status == 0)
        #expect(only.stdout.contains("zipline-inputs") && !only.stdout.contains("(import)"))
    }
}

@Suite struct PipelineBadFileTests {
    @Test func anUnreadableFileIsNamedAndTheOthersLoad() throws {
        let db = try TestDatabase("badfile")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("badfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "date,open,high,low,close,volume\n2020-01-02,10,11,9,10.5,100\n".write(toFile: dir + "/GOOD.csv", atomically: true, encoding: .utf8)
        try Data([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0xFF, 0x01]).write(to: URL(fileURLWithPath: dir + "/JUNK.csv"))
        try "name: badfile\nsource: {kind: csv, paths: [\"*.csv\"]}\ntimeframe: 1d\n".write(toFile: dir + "/p.yaml", atomically: true, encoding: .utf8)
        let text = try CommandLineTool().run(["run", dir + "/p.yaml", "--database-url", db.url])
        #expect(text.status == 3)
        #expect(text.stdout.contains("JUNK.csv") && text.stdout.contains("1 file could not be read"))
        let json = try CommandLineTool().run(["run", dir + "/p.yaml", "--database-url", db.url, "--format", "json"])
        let errors = try #require(try json.json()["file_errors"] as? [String: String])
        #expect(errors.keys.contains { $0.hasSuffix("JUNK.csv") })
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'GOOD'") == 1)
    }
}
