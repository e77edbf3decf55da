import Foundation
import JutsuCore
import JutsuMarketData
import JutsuTestSupport
import Testing

/// The `Examples/MACrossover` backtest, built with the package and run here against a test database.
@Suite struct ExampleTests {
    static let aapl = "real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz"
    var example: CommandLineTool { CommandLineTool().sibling("MACrossover") }

    @Test func backtestRunsOnFreshDataAndMatchesAnIndependentRun() async throws {
        let loaded = try Loaded("example", [Self.aapl])
        let out = try example.run(["--database-url", loaded.db.url, "--symbol", "AAPL", "--from", "2012-01-03", "--to", "2014-12-31",
                                   "--fast", "20", "--slow", "50", "--at", "2014-12-31"])
        #expect(out.status == 0, "\(out.stderr)")
        var result: [String: String] = [:]
        for line in out.stdout.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            result[parts[0]] = parts[1]
        }
        // The same strategy computed here, on closes read by the synchronous reader.
        var closes: [Double] = []
        try loaded.reader().forEachBar(symbol: "AAPL", timeframe: .d1, range: .all, adjustment: .backAdjusted) { bar throws(MarketDataError) in
            closes.append(double(bar.close))
        }
        var long = false, trades = 0, equity = 10_000.0
        for i in closes.indices {
            if long, i > 0 { equity *= closes[i] / closes[i - 1] }
            guard i >= 49 else { continue }
            let fast = closes[(i - 19)...i].reduce(0, +) / 20, slow = closes[(i - 49)...i].reduce(0, +) / 50
            if (fast > slow) != long { trades += 1; long = fast > slow }
        }
        #expect(result["freshness"] == "fresh" && result["bars"] == "754")
        #expect(result["trades"] == "\(trades)")
        #expect(abs(Double(result["final_equity"]!)! - equity) < 0.02)
        #expect(abs(Double(result["buy_and_hold"]!)! - 10_000 * closes.last! / closes.first!) < 0.02)
    }

    @Test func backtestRefusesStaleOrGappedData() throws {
        let loaded = try Loaded("examplestale", [Self.aapl])
        let args = ["--database-url", loaded.db.url, "--symbol", "AAPL", "--from", "2012-01-03", "--to", "2014-12-31"]
        let stale = try example.run(args)   // judged now: years behind
        #expect(stale.status == 3 && stale.stdout.isEmpty && stale.stderr.contains("refusing to backtest") && stale.stderr.contains("stale"))
        try loaded.db.connect().execute("DELETE FROM market_data WHERE ts = '2013-07-01Z'")
        let gapped = try example.run(args + ["--at", "2014-12-31"])
        #expect(gapped.status == 3 && gapped.stderr.contains("gaps") && gapped.stderr.contains("2013-07-01"), "\(gapped.stderr)")
        let usage = try example.run(["--symbol", "AAPL"])
        #expect(usage.status == 2)
    }
}
