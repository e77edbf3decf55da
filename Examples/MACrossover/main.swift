// A moving-average crossover backtest that reads its bars through JutsuMarketData only.
//
//   MACrossover --database-url URL --symbol AAPL --from 2012-01-03 --to 2014-12-31 [--fast 20] [--slow 50] [--at YYYY-MM-DD]
//
// Before it reads a bar it calls the guard: a series that is stale (as of --at's end, default
// now) or has sessions without a bar in the range is refused (exit 3), so the backtest never
// runs on bad data silently. Bars are back-adjusted for splits and dividends. Long when the fast
// simple moving average of the close is above the slow one, flat otherwise; trades at the close
// of the signal bar; no costs. Prints one `key: value` line per result. Exit 2 on bad arguments,
// 1 on a database error.
import Foundation
import JutsuCore
import JutsuMarketData

struct Arguments {
    var databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"] ?? ""
    var symbol = "AAPL"
    var from: CivilDate?
    var to: CivilDate?
    var at: CivilDate?
    var fast = 20
    var slow = 50

    init(_ args: [String]) throws {
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw Usage("\(args[i - 1]) needs a value") }
            return args[i]
        }
        func day(_ text: String) throws -> CivilDate {
            guard let d = CivilDate(parsing: text) else { throw Usage("'\(text)' is not a YYYY-MM-DD date") }
            return d
        }
        while i < args.count {
            switch args[i] {
            case "--database-url": databaseURL = try value()
            case "--symbol": symbol = try value()
            case "--from": from = try day(try value())
            case "--to": to = try day(try value())
            case "--at": at = try day(try value())
            case "--fast": fast = Int(try value()) ?? 0
            case "--slow": slow = Int(try value()) ?? 0
            default: throw Usage("unknown argument \(args[i])")
            }
            i += 1
        }
        guard from != nil, to != nil else { throw Usage("--from and --to are required") }
        guard fast > 0, slow > fast else { throw Usage("need 0 < --fast < --slow") }
    }
}

struct Usage: Error { var message: String; init(_ m: String) { message = m } }

/// The strategy's state, one close at a time (no array of all bars: memory flat in the range).
struct Crossover {
    let fast: Int, slow: Int
    var window: [Double] = []   // the last `slow` closes
    var fastSum = 0.0, slowSum = 0.0
    var long = false
    var equity = 10_000.0
    var lastClose: Double?
    var firstClose: Double?
    var trades = 0
    var bars = 0

    mutating func step(close: Double) {
        bars += 1
        if firstClose == nil { firstClose = close }
        if long, let last = lastClose { equity *= close / last }
        window.append(close)
        fastSum += close
        slowSum += close
        if window.count > fast { fastSum -= window[window.count - fast - 1] }
        if window.count > slow { slowSum -= window.removeFirst() }
        if window.count == slow {
            let wantLong = fastSum / Double(fast) > slowSum / Double(slow)
            if wantLong != long { trades += 1; long = wantLong }
        }
        lastClose = close
    }
}

@main
enum MACrossover {
    static func main() async {
        let args: Arguments
        do {
            args = try Arguments(Array(CommandLine.arguments.dropFirst()))
        } catch let usage as Usage {
            FileHandle.standardError.write(Data("usage error: \(usage.message)\n".utf8))
            exit(2)
        } catch { exit(2) }
        let data = MarketData(conninfo: args.databaseURL, applicationName: "ma-crossover")
        let range = BarRange(from: args.from!, through: args.to!)
        let at = args.at.map { BarRange(from: $0, through: $0).through }
        do {
            let check = try await data.check(symbol: args.symbol, timeframe: .d1, range: range, at: at)
            var strategy = Crossover(fast: args.fast, slow: args.slow)
            for try await bar in data.bars(symbol: args.symbol, timeframe: .d1, range: range, adjustment: .backAdjusted) {
                strategy.step(close: Double(bar.close.micros) / 1_000_000)
            }
            let hold = strategy.lastClose.flatMap { last in strategy.firstClose.map { 10_000 * last / $0 } } ?? 10_000
            print("symbol: \(args.symbol)")
            print("freshness: \(check.freshness.status.rawValue)")
            print("bars: \(strategy.bars)")
            print("trades: \(strategy.trades)")
            print("final_equity: \(String(format: "%.2f", strategy.equity))")
            print("buy_and_hold: \(String(format: "%.2f", hold))")
        } catch {
            let refused: Set<MarketDataError.Code> = [.stale, .missing, .gaps]
            FileHandle.standardError.write(Data("\(refused.contains(error.code) ? "refusing to backtest" : "error"): \(error)\n".utf8))
            exit(refused.contains(error.code) ? 3 : (error.code == .invalidRequest ? 2 : 1))
        }
    }
}
