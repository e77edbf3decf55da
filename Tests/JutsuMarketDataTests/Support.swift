import Foundation
import JutsuCore
import JutsuMarketData
import JutsuStore
import JutsuTestSupport
import Testing

/// A test database with fixture files imported by the built CLI, as a user would.
struct Loaded {
    let db: TestDatabase
    var data: MarketData { MarketData(conninfo: db.url) }

    init(_ label: String, _ files: [String], arguments: [String] = []) throws {
        db = try TestDatabase(label)
        let cli = CommandLineTool()
        for file in files {
            let out = try cli.run(["import", CommandLineTool.fixture(file), "--database-url", db.url] + arguments)
            #expect(out.status == 0, "import \(file): \(out.stderr)")
        }
    }

    func reader() throws -> MarketDataConnection { try MarketDataConnection(conninfo: db.url) }

    /// The stored bars by an independent path (text results of a plain query, parsed here).
    func storedBars(_ symbol: String, _ timeframe: Timeframe) throws -> [Bar] {
        let r = try db.connect().execute("""
            SELECT extract(epoch FROM ts)::bigint, open::text, high::text, low::text, close::text, volume
            FROM market_data WHERE symbol = $1 AND timeframe = $2 ORDER BY ts
            """, [symbol, timeframe.rawValue])
        let s = try Symbol(canonicalizing: symbol)
        return try (0..<r.rowCount).map { i in
            func p(_ c: Int) throws -> Price { try Price.parse(r.string(i, c)!).get() }
            return Bar(symbol: s, timeframe: timeframe, ts: r.int64(i, 0)!, open: try p(1), high: try p(2), low: try p(3),
                       close: try p(4), volume: r.int64(i, 5)!)
        }
    }

    /// Every bar the async reader yields.
    func read(_ symbol: String, _ timeframe: Timeframe, range: BarRange = .all, adjustment: Adjustment = .none) async throws -> [Bar] {
        var bars: [Bar] = []
        for try await bar in data.bars(symbol: symbol, timeframe: timeframe, range: range, adjustment: adjustment) { bars.append(bar) }
        return bars
    }
}

func day(_ text: String) -> CivilDate { CivilDate(parsing: text)! }
func ts(_ text: String) -> Int64 { day(text).daysSinceEpoch * UnixTime.secondsPerDay }
func double(_ p: Price) -> Double { Double(p.micros) / 1_000_000 }

/// A small CSV of `date,value` (the derived adjclose file).
func dateValues(_ relative: String) throws -> [(date: String, value: Double)] {
    let text = try String(contentsOfFile: CommandLineTool.fixture(relative), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
        let f = line.split(separator: ",")
        return (String(f[0]), Double(f[1])!)
    }
}
