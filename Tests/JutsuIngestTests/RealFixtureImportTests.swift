import Foundation
import JutsuTestSupport
import Testing

/// Every real vendor file imports without flags, with the right symbol, timeframe and counts,
/// and a second import writes nothing.
@Suite struct RealFixtureImportTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String, symbol: String, timeframe: String, rows: Int, first: String, last: String
        var testDescription: String { file }
    }

    static let expected: [Expected] = [
        .init(file: "real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz", symbol: "AAPL", timeframe: "1d", rows: 754, first: "2012-01-03", last: "2014-12-31"),
        .init(file: "real/csv-zipline/csvdir_samples__csvdir__daily__KO.csv.gz", symbol: "KO", timeframe: "1d", rows: 754, first: "2012-01-03", last: "2014-12-31"),
        .init(file: "real/csv-zipline/csvdir_samples__csvdir__daily__MSFT.csv.gz", symbol: "MSFT", timeframe: "1d", rows: 754, first: "2012-01-03", last: "2014-12-31"),
        .init(file: "real/csv-zipline/pipeline_inputs__AAPL.csv", symbol: "AAPL", timeframe: "1d", rows: 127, first: "2014-03-03", last: "2014-08-29"),
        .init(file: "real/csv-zipline/pipeline_inputs__BRK-A.csv", symbol: "BRK.A", timeframe: "1d", rows: 127, first: "2014-03-03", last: "2014-08-29"),
        .init(file: "real/yahoo-csv/4063-T-1d-bad-stock-split.csv", symbol: "4063.T", timeframe: "1d", rows: 22, first: "", last: "2023-04-14"),
        .init(file: "real/yahoo-csv/4063-T-1d-bad-stock-split-fixed.csv", symbol: "4063.T", timeframe: "1d", rows: 22, first: "", last: "2023-04-14"),
        .init(file: "real/yahoo-csv/8TRA-DE-1d-missing-div-adjust.csv", symbol: "8TRA.DE", timeframe: "1d", rows: 5, first: "2023-05-30", last: ""),
        .init(file: "real/yahoo-csv/AET-L-1d-100x-error.csv", symbol: "AET.L", timeframe: "1d", rows: 23, first: "", last: "2022-06-06"),
        .init(file: "real/yahoo-csv/AET-L-1d-100x-error-fixed.csv", symbol: "AET.L", timeframe: "1d", rows: 23, first: "", last: "2022-06-06"),
        .init(file: "real/yahoo-csv/ASAI-L-1h-bad-unit.csv", symbol: "ASAI.L", timeframe: "1h", rows: 20, first: "2024-10-21 09:00:00+00", last: ""),
        .init(file: "real/yahoo-csv/EA-15m-no-bad-divs.csv", symbol: "EA", timeframe: "15m", rows: 319, first: "2026-05-26 08:00:00+00", last: ""),
        .init(file: "real/yahoo-csv/MOB-ST-1d-bad-stock-split.csv", symbol: "MOB.ST", timeframe: "1d", rows: 16, first: "2023-05-08", last: ""),
    ]

    @Test(arguments: expected)
    func importsWithoutFlags(_ e: Expected) throws {
        let db = try TestDatabase("real")
        let cli = CommandLineTool()
        let path = CommandLineTool.fixture(e.file)
        let out = try cli.run(["import", path, "--database-url", db.url, "--format", "json"])
        #expect(out.status == 0, "stderr: \(out.stderr)\nstdout: \(out.stdout)")
        let json = try out.json()
        let rows = try #require(json["rows"] as? [String: Int])
        #expect(rows["read"] == e.rows)
        #expect(rows["read"] == rows["inserted"]! + rows["updated"]! + rows["unchanged"]! + rows["rejected"]!)
        #expect(rows["updated"] == 0 && rows["unchanged"] == 0)
        let file = try #require((json["files"] as? [[String: Any]])?.first)
        #expect(file["symbol"] as? String == e.symbol)
        #expect(file["timeframe"] as? String == e.timeframe)
        let conn = try db.connect()
        #expect(try db.scalar("SELECT count(*) FROM market_data") == Int64(rows["inserted"]!))
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars") == Int64(rows["rejected"]!))
        let symbols = try conn.execute("SELECT DISTINCT symbol, timeframe FROM market_data")
        #expect(symbols.rowCount == 1)
        #expect(symbols.string(0, 0) == e.symbol && symbols.string(0, 1) == e.timeframe)
        let bounds = try conn.execute("SET TIME ZONE 'UTC'; SELECT min(ts)::text, max(ts)::text FROM market_data")
        if !e.first.isEmpty { #expect(bounds.string(0, 0)!.hasPrefix(e.first)) }
        if !e.last.isEmpty { #expect(bounds.string(0, 1)!.hasPrefix(e.last)) }
        // Daily bars sit at 00:00 UTC of their session date.
        if e.timeframe == "1d" {
            #expect(try db.scalar("SELECT count(*) FROM market_data WHERE ts <> date_trunc('day', ts AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'") == 0)
        }
    }

    /// Re-importing the same file reports every row unchanged (or rejected again, for the same
    /// reasons) and the server's own statistics show no row inserted or updated.
    @Test(arguments: expected)
    func reimportWritesNothing(_ e: Expected) throws {
        let db = try TestDatabase("reimport")
        let cli = CommandLineTool()
        let args = ["import", CommandLineTool.fixture(e.file), "--database-url", db.url, "--format", "json"]
        let first = try cli.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let firstRows = try #require(try first.json()["rows"] as? [String: Int])

        func tupleCounts() throws -> [Int64] {
            let r = try db.connect().execute("""
                SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0), coalesce(sum(n_tup_del), 0)
                FROM pg_stat_user_tables WHERE relname LIKE 'market\\_data%'
                """)
            return [r.int64(0, 0)!, r.int64(0, 1)!, r.int64(0, 2)!]
        }
        // Statistics of an exited backend reach the shared counters shortly after it ends.
        var before = try tupleCounts()
        for _ in 0..<30 where before[0] < Int64(firstRows["inserted"]!) {
            usleep(100_000)
            before = try tupleCounts()
        }
        #expect(before[0] == Int64(firstRows["inserted"]!))
        let second = try cli.run(args)
        #expect(second.status == 0, "\(second.stderr)")
        let rows = try #require(try second.json()["rows"] as? [String: Int])
        #expect(rows["read"] == e.rows)
        #expect(rows["inserted"] == 0 && rows["updated"] == 0)
        #expect(rows["unchanged"] == firstRows["inserted"])
        #expect(rows["rejected"] == firstRows["rejected"])
        usleep(1_200_000)
        #expect(try tupleCounts() == before, "re-import wrote rows")
    }
}
