import ArgumentParser
import JutsuCSV
import JutsuCore

/// The reader overrides shared by `import` and `guess` (`--symbol`, `--timeframe`,
/// `--delimiter`, `--date-format`, `--timezone`), as typed, and their checking into `CSVOptions`.
struct ReaderFlags: ParsableArguments {
    @Option(help: "Symbol for files that carry none (e.g. AAPL, BRK.B).")
    var symbol: String?

    @Option(help: "Timeframe: 1m 5m 15m 30m 1h 1d 1w 1mo (aliases like 1D, daily accepted).")
    var timeframe: String?

    @Option(help: "Field delimiter: ',', ';', '|', 'tab' or '\\t'.")
    var delimiter: String?

    @Option(name: .customLong("date-format"),
            help: """
                iso-date, iso-datetime, mm/dd/yyyy, dd/mm/yyyy, yyyymmdd, yyyy.mm.dd, dd.mm.yyyy, dd-mon-yy, \
                dd-mon-yyyy, 'mon dd, yyyy', epoch-s, epoch-ms, epoch-us or epoch-ns.
                """)
    var dateFormat: String?

    @Option(help: "Time zone of naive timestamps (default America/New_York; UTC for a 'Gmt time' column).")
    var timezone: String?

    @Option(name: .customLong("bar-time"),
            help: "What an intraday timestamp marks: start (default, the stored convention) or end (Alpha Vantage, NinjaTrader exports).")
    var barTime: String?

    @Option(help: "Trading calendar of the bars: 24x7 (crypto), 24x5 (FX), XNYS or weekdays. Default: by symbol (BTCUSD, BTC-USD 24x7; EURUSD 24x5; else NYSE).")
    var calendar: String?

    func csvOptions() throws -> CSVOptions {
        var options = CSVOptions()
        if let symbol {
            do { options.symbol = try Symbol(canonicalizing: symbol) } catch {
                throw ValidationError("--symbol: \(error)")
            }
        }
        if let timeframe {
            guard let tf = Timeframe(parsing: timeframe) else {
                throw ValidationError("--timeframe '\(timeframe)': expected one of \(Timeframe.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            options.timeframe = tf
        }
        if let delimiter {
            let map: [String: UInt8] = [",": 0x2C, ";": 0x3B, "|": 0x7C, "tab": 0x09, "\\t": 0x09, "\t": 0x09]
            guard let byte = map[delimiter.lowercased()] else {
                throw ValidationError("--delimiter '\(delimiter)': use ',', ';', '|' or 'tab'")
            }
            options.delimiter = byte
        }
        if let dateFormat {
            guard let f = DateFormat(rawValue: dateFormat.lowercased()) else {
                throw ValidationError("--date-format '\(dateFormat)': use one of \(DateFormat.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))")
            }
            options.dateFormat = f
        }
        options.zone = timezone
        if let barTime {
            switch barTime.lowercased() {
            case "start": options.barTimeIsEnd = false
            case "end": options.barTimeIsEnd = true
            default: throw ValidationError("--bar-time '\(barTime)': use start or end")
            }
        }
        if let calendar {
            guard let name = SymbolCalendar.names.first(where: { $0.lowercased() == calendar.lowercased() })
                ?? ["crypto": "24x7", "fx": "24x5", "nyse": "XNYS"][calendar.lowercased()] else {
                throw ValidationError("--calendar '\(calendar)': use one of \(SymbolCalendar.names.joined(separator: ", "))")
            }
            options.calendar = name
        }
        return options
    }
}
