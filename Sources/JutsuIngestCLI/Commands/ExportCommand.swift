import ArgumentParser
import Foundation
import JutsuCore
import JutsuMarketData

/// `jutsu-ingest export`: one series' bars as CSV or JSON lines, for engines in other languages.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Writes one series' bars (as stored, or back-adjusted) as CSV or JSON lines.",
        discussion: """
            Reads through the JutsuMarketData reader: rows stream from the server (binary COPY) \
            straight to the output, ascending by ts, in flat memory. Columns: symbol, timeframe, \
            ts (the bar's start, ISO 8601 UTC; daily bars at 00:00Z of their session date), open, \
            high, low, close (six decimals), volume. --adjusted: split- and dividend-adjusted \
            backwards from the newest bar (docs/contract.md, "Adjusted bars"); what each corporate \
            action contributed is reported on stderr. --check: first refuse (exit 1, nothing \
            written) when the series is stale at --at (default now) or has sessions without a bar \
            in the range. Exit codes: 0 written (also when the range holds no bars: a warning on \
            stderr); 1 database error or refused by --check; 2 usage error.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The symbol (any accepted spelling: BRK-B, BRK/B, brk.b).")
    var symbol: String

    @Option(help: "The timeframe: 1m 5m 15m 30m 1h 1d 1w 1mo.")
    var timeframe: String

    @Option(help: "First day (YYYY-MM-DD, UTC, inclusive). Default: the first bar.")
    var from: String?

    @Option(help: "Last day (YYYY-MM-DD, UTC, inclusive). Default: the last bar.")
    var to: String?

    @Flag(help: "Back-adjust prices and volumes for splits and dividends.")
    var adjusted = false

    @Option(help: "csv or jsonl.")
    var format: Format = .csv

    @Option(help: "Write to this file instead of stdout.")
    var output: String?

    @Flag(help: "Refuse (exit 1) when the series is stale or has gaps in the range.")
    var check = false

    @Option(help: "--check: judge freshness as of this day's end (YYYY-MM-DD, UTC) instead of now.")
    var at: String?

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, jsonl }

    func run() throws {
        guard let tf = Timeframe(parsing: timeframe) else {
            throw CLIError(message: "--timeframe '\(timeframe)' is not a timeframe (1m 5m 15m 30m 1h 1d 1w 1mo)", exitCode: ExitCode(ExitCodes.usage))
        }
        func day(_ text: String?, _ flag: String) throws -> CivilDate? {
            guard let text else { return nil }
            guard let d = CivilDate(parsing: text) else {
                throw CLIError(message: "\(flag) '\(text)': expected YYYY-MM-DD", exitCode: ExitCode(ExitCodes.usage))
            }
            return d
        }
        let first = try day(from, "--from"), last = try day(to, "--to"), atDay = try day(at, "--at")
        var range = BarRange.all
        if let first { range.from = BarRange(from: first, through: first).from }
        if let last { range.through = BarRange(from: last, through: last).through }
        guard range.from <= range.through else {
            throw CLIError(message: "--from is after --to", exitCode: ExitCode(ExitCodes.usage))
        }
        let logger = global.makeLogger()
        let target = try global.resolveTarget(logger: logger)
        func failed(_ error: MarketDataError) -> CLIError {
            let usage = error.code == .invalidRequest
            return CLIError(message: usage ? "\(error)" : "\(error)\n(database: \(target.redactedDescription))",
                            exitCode: ExitCode(usage ? ExitCodes.usage : ExitCodes.failure))
        }
        let reader: MarketDataConnection
        do {
            reader = try MarketDataConnection(conninfo: target.conninfo, applicationName: "jutsu-ingest export")
            // Open ends default to the stored range (so --check looks at the series' own span).
            if first == nil || last == nil, let stored = try reader.series(symbol: symbol, timeframe: tf) {
                if first == nil { range.from = stored.firstBar }
                if last == nil { range.through = stored.lastBar }
            }
            if check {
                let instant = atDay.map { BarRange(from: $0, through: $0).through } ?? Int64(Date().timeIntervalSince1970)
                try reader.check(symbol: symbol, timeframe: tf, range: range, at: instant)
            }
            if adjusted {
                for e in try reader.adjustmentSchedule(symbol: symbol, timeframe: tf).events {
                    Terminal.standardError.write("adjust: \(e.kind.rawValue) \(e.value) on \(e.exDate) (\(e.source)): \(e.note)\n")
                }
            }
        } catch {
            throw failed(error)
        }
        let out = try BarWriter(path: output, format: format)
        var count = 0
        do {
            try reader.forEachBar(symbol: symbol, timeframe: tf, range: range, adjustment: adjusted ? .backAdjusted : .none) { bar throws(MarketDataError) in
                count += 1
                try out.append(bar)
            }
            try out.finish()
        } catch {
            throw failed(error)
        }
        if count == 0 {
            Terminal.standardError.write("warning: no bars of \(symbol) \(tf.rawValue) in \(range)\n")
        }
    }
}

/// Formats bars as bytes (no Foundation formatting per row) and writes them in 64 KiB blocks.
final class BarWriter {
    let descriptor: Int32
    let format: ExportCommand.Format
    let path: String
    var buffer: [UInt8] = []

    init(path: String?, format: ExportCommand.Format) throws {
        self.format = format
        self.path = path ?? "stdout"
        if let path {
            descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else {
                throw CLIError(message: "--output '\(path)': \(String(cString: strerror(errno)))", exitCode: ExitCode(ExitCodes.usage))
            }
        } else {
            descriptor = 1
        }
        buffer.reserveCapacity(1 << 16 + 256)
        if format == .csv { buffer.append(contentsOf: Array("symbol,timeframe,ts,open,high,low,close,volume\n".utf8)) }
    }

    deinit { if descriptor != 1 { close(descriptor) } }

    func append(_ bar: Bar) throws(MarketDataError) {
        switch format {
        case .csv:
            buffer.append(contentsOf: bar.symbol.value.utf8)
            buffer.append(0x2C)
            buffer.append(contentsOf: bar.timeframe.rawValue.utf8)
            buffer.append(0x2C)
            UnixTime.appendISO8601(bar.ts, to: &buffer)
            buffer.append(0x2C)
            bar.open.appendText(to: &buffer)
            buffer.append(0x2C)
            bar.high.appendText(to: &buffer)
            buffer.append(0x2C)
            bar.low.appendText(to: &buffer)
            buffer.append(0x2C)
            bar.close.appendText(to: &buffer)
            buffer.append(0x2C)
            buffer.append(contentsOf: String(bar.volume).utf8)
            buffer.append(0x0A)
        case .jsonl:
            buffer.append(contentsOf: #"{"symbol":""#.utf8)
            buffer.append(contentsOf: bar.symbol.value.utf8)
            buffer.append(contentsOf: #"","timeframe":""#.utf8)
            buffer.append(contentsOf: bar.timeframe.rawValue.utf8)
            buffer.append(contentsOf: #"","ts":""#.utf8)
            UnixTime.appendISO8601(bar.ts, to: &buffer)
            buffer.append(contentsOf: #"","open":"#.utf8)
            bar.open.appendText(to: &buffer)
            buffer.append(contentsOf: #","high":"#.utf8)
            bar.high.appendText(to: &buffer)
            buffer.append(contentsOf: #","low":"#.utf8)
            bar.low.appendText(to: &buffer)
            buffer.append(contentsOf: #","close":"#.utf8)
            bar.close.appendText(to: &buffer)
            buffer.append(contentsOf: #","volume":"#.utf8)
            buffer.append(contentsOf: String(bar.volume).utf8)
            buffer.append(contentsOf: "}\n".utf8)
        }
        if buffer.count >= 1 << 16 { try flush() }
    }

    func finish() throws(MarketDataError) { try flush() }

    private func flush() throws(MarketDataError) {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else {
                // The consumer of the bars stopped taking them.
                throw MarketDataError(code: .cancelled, message: "writing \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
