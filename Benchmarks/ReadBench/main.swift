// `jutsu-bench-read`: streams one series through the JutsuMarketData reader (the async
// `bars` sequence a backtest uses) and prints how many bars came back, a checksum and the
// time. scripts/bench-read runs it next to `psql \copy` of the same rows.
//
//   jutsu-bench-read --database-url URL --symbol S --timeframe TF --from YYYY-MM-DD --to YYYY-MM-DD [--adjusted] [--sync]
import Foundation
import JutsuCore
import JutsuMarketData

@main
enum ReadBench {
    static func main() async {
        var options: [String: String] = [:]
        var flags: Set<String> = []
        var args = Array(CommandLine.arguments.dropFirst())[...]
        while let arg = args.popFirst() {
            if arg == "--adjusted" || arg == "--sync" { flags.insert(arg) } else if let value = args.popFirst() { options[arg] = value }
        }
        guard let url = options["--database-url"], let symbol = options["--symbol"],
              let timeframe = options["--timeframe"].flatMap(Timeframe.init(parsing:)),
              let from = options["--from"].flatMap(CivilDate.init(parsing:)), let to = options["--to"].flatMap(CivilDate.init(parsing:)) else {
            FileHandle.standardError.write(Data("usage: jutsu-bench-read --database-url URL --symbol S --timeframe TF --from D --to D [--adjusted] [--sync]\n".utf8))
            exit(2)
        }
        let range = BarRange(from: from, through: to)
        let adjustment: Adjustment = flags.contains("--adjusted") ? .backAdjusted : .none
        var count = 0
        var checksum: Int64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            if flags.contains("--sync") {
                try MarketDataConnection(conninfo: url).forEachBar(symbol: symbol, timeframe: timeframe, range: range,
                                                                   adjustment: adjustment) { bar throws(MarketDataError) in
                    count += 1
                    checksum &+= bar.close.micros &+ bar.volume
                }
            } else {
                var stream = MarketData(conninfo: url).bars(symbol: symbol, timeframe: timeframe, range: range, adjustment: adjustment)
                if let chunk = options["--chunk"].flatMap(Int.init) { stream.chunkSize = chunk }
                for try await bar in stream {
                    count += 1
                    checksum &+= bar.close.micros &+ bar.volume
                }
            }
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            exit(1)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("bars \(count) checksum \(checksum) seconds \(String(format: "%.3f", seconds))")
    }
}
