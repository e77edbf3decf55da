import Foundation
import JutsuStore
import JutsuTestSupport
import Testing

/// `jutsu-ingest freshness` over real imported data with a controlled clock, the stale episodes
/// it records and the SQL contract.
@Suite struct FreshnessCommandTests {
    /// AAPL, KO, MSFT daily through Wednesday 2014-12-31 (zipline csvdir samples).
    static func loaded() throws -> TestDatabase {
        let db = try TestDatabase("fresh")
        let files = ["AAPL", "KO", "MSFT"].map { CommandLineTool.fixture("real/csv-zipline/csvdir_samples__csvdir__daily__\($0).csv.gz") }
        let out = try CommandLineTool().run(["import"] + files + ["--database-url", db.url])
        #expect(out.status == 0, "\(out.stderr)")
        return db
    }

    static func results(_ out: CommandLineTool.Output) throws -> [[String: Any]] {
        try #require(try out.json()["results"] as? [[String: Any]])
    }

    @Test func newYearsDayIsNotAMissingSessionAndFridayEveningIs() throws {
        let db = try Self.loaded()
        let tool = CommandLineTool()
        let empty = FileManager.default.temporaryDirectory.path + "/no-pipelines-\(UUID().uuidString)"
        // Thursday 2015-01-01 is New Year's Day: on Friday morning Wednesday's bar is the newest due.
        let friday = try tool.run(["freshness", "--database-url", db.url, "--pipelines", empty, "--format", "json",
                                   "--at", "2015-01-02T09:00:00-05:00", "--fail-on", "aging"])
        #expect(friday.status == 0, "\(friday.stdout)\(friday.stderr)")
        let rows = try Self.results(friday)
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0["status"] as? String == "fresh" && $0["lag_bars"] as? Int == 0 })
        #expect(rows.allSatisfy { $0["max_loaded_at"] as? String == "2014-12-31T00:00:00Z" })
        #expect(rows.allSatisfy { ($0["criteria"] as? [String: Any])?["tier"] as? String == "standard" })
        // Friday after the close: one session behind, stale for the standard tier -> exit 1.
        let evening = try tool.run(["freshness", "--database-url", db.url, "--pipelines", empty, "--format", "json",
                                    "--at", "2015-01-02T17:00:00-05:00", "--fail-on", "stale"])
        #expect(evening.status == 1)
        #expect(try Self.results(evening).allSatisfy { $0["status"] as? String == "stale" && $0["lag_bars"] as? Int == 1 })
        // Prometheus text for node_exporter.
        let prom = try tool.run(["freshness", "--database-url", db.url, "--pipelines", empty, "--format", "prometheus",
                                 "--at", "2015-01-02T17:00:00-05:00", "--symbols", "KO"])
        #expect(prom.stdout.contains("jutsu_series_lag_bars{symbol=\"KO\",timeframe=\"1d\",tier=\"standard\",calendar=\"XNYS\"} 1"))
        #expect(prom.stdout.contains("jutsu_series_status{symbol=\"KO\",timeframe=\"1d\",tier=\"standard\",calendar=\"XNYS\",status=\"stale\"} 1"))
    }

    @Test func tiersComeFromFreshnessYamlAndEpisodesMeasureTheRTO() throws {
        let db = try Self.loaded()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fresh-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try """
            tiers:
              low: {stale_after: 2d, rto: 1d}
            series:
              - symbols: [KO]
                tier: low

            """.write(toFile: dir + "/freshness.yaml", atomically: true, encoding: .utf8)
        let tool = CommandLineTool()
        func run(_ at: String) throws -> [String: String] {
            let out = try tool.run(["freshness", "--database-url", db.url, "--pipelines", dir, "--format", "json", "--at", at, "--record"])
            #expect(out.status == 0, "\(out.stderr)")
            return Dictionary(uniqueKeysWithValues: try Self.results(out).map { ($0["symbol"] as! String, $0["status"] as! String) })
        }
        // Friday evening: AAPL/MSFT (standard) stale, KO (low, 2 days) aging.
        #expect(try run("2015-01-02T17:00:00-05:00") == ["AAPL": "stale", "KO": "aging", "MSFT": "stale"])
        #expect(try db.scalar("SELECT count(*) FROM freshness_episodes WHERE ended_at IS NULL") == 2)
        #expect(try db.scalar("SELECT count(*) FROM series_freshness_policy WHERE symbol = 'KO' AND tier = 'low' AND stale_after_seconds = 172800") == 1)
        // SQL contract: the same judgement from metadata.
        let c = try db.connect()
        #expect(try c.execute("SELECT jutsu_is_fresh('AAPL', '1d', '2015-01-02T17:00:00-05:00')").bool(0, 0) == false)
        #expect(try c.execute("SELECT jutsu_is_fresh('KO', '1d', '2015-01-02T17:00:00-05:00')").bool(0, 0) == true)
        #expect(try c.execute("SELECT jutsu_is_fresh('AAPL', '1d', '2015-01-02T09:00:00-05:00')").bool(0, 0) == true)
        #expect(try c.execute("SELECT status FROM jutsu_series_lag('MSFT', '1d', '2015-01-02T17:00:00-05:00')").string(0, 0) == "stale")

        // Friday's bars arrive on Monday morning: the episodes close, 2.7 days long: RTO (4h) breached.
        let friday = FileManager.default.temporaryDirectory.path + "/AAPL-\(UUID().uuidString)__AAPL.csv"
        try "date,open,high,low,close,volume\n2015-01-02,111.39,111.44,107.35,109.33,53204600\n"
            .write(toFile: friday, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: friday) }
        #expect(try tool.run(["import", friday, "--symbol", "AAPL", "--database-url", db.url]).status == 0)
        #expect(try run("2015-01-05T09:00:00-05:00")["AAPL"] == "fresh")
        #expect(try db.scalar("SELECT count(*) FROM freshness_episodes WHERE symbol = 'AAPL' AND ended_at IS NOT NULL AND breached") == 1)
        #expect(try db.scalar("SELECT count(*) FROM freshness_episodes WHERE symbol = 'MSFT' AND ended_at IS NULL") == 1)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let out = try CommandLineTool().run(["freshness", "--at", "yesterday", "--database-url", "postgresql:///nope"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("--at 'yesterday'"))
    }
}

@Suite struct GapsCommandTests {
    @Test func missingSessionsAreRangesAndHolidaysAreNot() throws {
        let db = try FreshnessCommandTests.loaded()
        let tool = CommandLineTool()
        let empty = FileManager.default.temporaryDirectory.path + "/no-pipelines-\(UUID().uuidString)"
        let clean = try tool.run(["gaps", "--database-url", db.url, "--pipelines", empty, "--fail-on-gaps"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("754"))   // 2012-2014: 754 sessions, Thanksgivings and Christmases not among them
        // Remove the week after Thanksgiving 2013 from KO, and add a bar on Christmas Day to MSFT.
        let c = try db.connect()
        try c.execute("DELETE FROM market_data WHERE symbol = 'KO' AND ts BETWEEN '2013-11-29' AND '2013-12-06'")
        try c.execute("""
            INSERT INTO market_data (symbol, timeframe, ts, open, high, low, close, volume, data_source)
            VALUES ('MSFT', '1d', '2013-12-25', 37, 38, 36, 37.5, 100, 'csv')
            """)
        let out = try tool.run(["gaps", "--database-url", db.url, "--pipelines", empty, "--format", "json", "--fail-on-gaps"])
        #expect(out.status == 1)
        let series = try #require(try out.json()["series"] as? [[String: Any]])
        let ko = try #require(series.first { $0["symbol"] as? String == "KO" })
        let missing = try #require(ko["missing"] as? [[String: Any]])
        // Friday 2013-11-29 (early close) through Friday 2013-12-06: six sessions, one range.
        #expect(missing.count == 1)
        #expect(missing[0]["from"] as? String == "2013-11-29" && missing[0]["through"] as? String == "2013-12-06")
        #expect(missing[0]["count"] as? Int == 6)
        let msft = try #require(series.first { $0["symbol"] as? String == "MSFT" })
        #expect((msft["non_session"] as? [[String: Any]])?.first?["from"] as? String == "2013-12-25")
        #expect((series.first { $0["symbol"] as? String == "AAPL" }?["missing"] as? [Any])?.isEmpty == true)
    }
}
