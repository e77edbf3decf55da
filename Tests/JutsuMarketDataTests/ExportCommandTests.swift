import Foundation
import JutsuCore
import JutsuMarketData
import JutsuTestSupport
import Testing

/// `jutsu-ingest export`, run as a user would.
@Suite struct ExportCommandTests {
    static let aapl = "real/csv-zipline/pipeline_inputs__AAPL.csv"

    @Test func csvIsTheStoredBars() throws {
        let loaded = try Loaded("exportcsv", [Self.aapl])
        let out = try CommandLineTool().run(["export", "--symbol", "aapl", "--timeframe", "1D", "--from", "2014-06-05", "--to", "2014-06-09",
                                             "--database-url", loaded.db.url])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout == """
            symbol,timeframe,ts,open,high,low,close,volume
            AAPL,1d,2014-06-05T00:00:00Z,646.200050,649.370003,642.610008,647.349983,75951400
            AAPL,1d,2014-06-06T00:00:00Z,649.900002,651.259979,644.469971,645.570023,87484600
            AAPL,1d,2014-06-09T00:00:00Z,92.699997,93.879997,91.750000,93.699997,75415000

            """)
    }

    @Test func jsonlWholeSeriesToAFile() throws {
        let loaded = try Loaded("exportjson", [Self.aapl])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let out = try CommandLineTool().run(["export", "--symbol", "AAPL", "--timeframe", "1d", "--format", "jsonl", "--output", file,
                                             "--database-url", loaded.db.url])
        #expect(out.status == 0 && out.stdout.isEmpty, "\(out.stderr)")
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let stored = try loaded.storedBars("AAPL", .d1)
        #expect(lines.count == stored.count && lines.count == 127)
        for (line, bar) in zip(lines, stored) {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["ts"] as? String == UnixTime.iso8601(bar.ts))
            #expect(object["symbol"] as? String == "AAPL" && object["timeframe"] as? String == "1d")
            #expect((object["volume"] as? NSNumber)?.int64Value == bar.volume)
            #expect(line.contains("\"close\":\(bar.close),"))   // exact six-decimal text
        }
    }

    @Test func adjustedExportAppliesTheSplitAndReportsIt() throws {
        let loaded = try Loaded("exportadj", [Self.aapl])
        try loaded.db.connect().execute("""
            INSERT INTO corporate_actions (symbol, ex_date, kind, value, data_source) VALUES ('AAPL', '2014-06-09', 'split', 7, 'csv')
            """)
        let out = try CommandLineTool().run(["export", "--symbol", "AAPL", "--timeframe", "1d", "--from", "2014-06-06", "--to", "2014-06-09",
                                             "--adjusted", "--database-url", loaded.db.url])
        #expect(out.status == 0, "\(out.stderr)")
        // 649.900002 / 7 = 92.8428574..., 87,484,600 x 7 shares.
        #expect(out.stdout.contains("AAPL,1d,2014-06-06T00:00:00Z,92.842857,93.037140,92.067139,92.224289,612392200\n"))
        #expect(out.stdout.contains("AAPL,1d,2014-06-09T00:00:00Z,92.699997,93.879997,91.750000,93.699997,75415000\n"))
        #expect(out.stderr.contains("adjust: split 7.000000 on 2014-06-09 (csv): stored prices as traded"))
    }

    @Test func checkRefusesStaleAndGappedSeries() throws {
        let loaded = try Loaded("exportcheck", [Self.aapl])
        let cli = CommandLineTool()
        let base = ["export", "--symbol", "AAPL", "--timeframe", "1d", "--check", "--database-url", loaded.db.url]
        let ok = try cli.run(base + ["--at", "2014-08-29"])
        #expect(ok.status == 0 && ok.stdout.split(separator: "\n").count == 128, "\(ok.stderr)")
        let stale = try cli.run(base)
        #expect(stale.status == 1 && stale.stdout.isEmpty && stale.stderr.contains("stale"))
        try loaded.db.connect().execute("DELETE FROM market_data WHERE ts = '2014-05-01Z'")
        let gapped = try cli.run(base + ["--at", "2014-08-29"])
        #expect(gapped.status == 1 && gapped.stdout.isEmpty && gapped.stderr.contains("2014-05-01"), "\(gapped.stderr)")
    }

    @Test func usageErrorsExitTwo() throws {
        let loaded = try Loaded("exportusage", [])
        let cli = CommandLineTool()
        for args in [["--timeframe", "2d"], ["--from", "2014-13-01"], ["--from", "2014-06-09", "--to", "2014-06-01"]] {
            let out = try cli.run(["export", "--symbol", "AAPL", "--timeframe", "1d", "--database-url", loaded.db.url] + args)
            #expect(out.status == 2, "\(args): \(out.stderr)")
        }
        let bad = try cli.run(["export", "--symbol", "A;B", "--timeframe", "1d", "--database-url", loaded.db.url])
        #expect(bad.status == 2 && bad.stderr.contains("invalid symbol"))
        let none = try cli.run(["export", "--symbol", "KO", "--timeframe", "1d", "--database-url", loaded.db.url])
        #expect(none.status == 0 && none.stdout == "symbol,timeframe,ts,open,high,low,close,volume\n" && none.stderr.contains("no bars"))
    }
}
