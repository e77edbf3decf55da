import ArgumentParser
import Foundation
import JutsuCore
import JutsuIngest
import JutsuStore

struct GapsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gaps",
        abstract: "Sessions missing inside each series' stored range, and bars on days that are not sessions.",
        discussion: """
            Checked against each series' trading calendar (NYSE, 24x7, 24x5, weekdays; see \
            `freshness`), so holidays and special closures are never gaps. Consecutive missing \
            sessions are one range. Daily and intraday series (intraday: sessions without any bar); \
            weekly and monthly series are not checked. --fail-on-gaps: exit 1 when any is found.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only these symbols (comma-separated).")
    var symbols: String?

    @Option(help: "Only this timeframe.")
    var timeframe: String?

    @Option(help: "Only look from this date (YYYY-MM-DD).")
    var since: String?

    @Option(help: "Output format: text or json.")
    var format: ImportCommand.OutputFormat = .text

    @Flag(name: .customLong("fail-on-gaps"), help: "Exit 1 when a gap or a bar on a closed day is found.")
    var failOnGaps = false

    @Option(help: "Directory with freshness.yaml (calendars of series).")
    var pipelines: String = "pipelines"

    func run() throws {
        let logger = global.makeLogger()
        let settings = try FreshnessSettings.load(directory: pipelines)
        var sinceDate: CivilDate?
        if let since {
            guard let d = CivilDate(parsing: since) else {
                throw CLIError(message: "--since '\(since)': expected YYYY-MM-DD", exitCode: ExitCode(ExitCodes.usage))
            }
            sinceDate = d
        }
        let wantedTimeframe = try timeframe.map { text -> Timeframe in
            guard let tf = Timeframe(parsing: text) else { throw CLIError(message: "--timeframe '\(text)' is not a timeframe", exitCode: ExitCode(ExitCodes.usage)) }
            return tf
        }
        let wanted = symbols.map { Set($0.split(separator: ",").compactMap { try? Symbol(canonicalizing: String($0)).value }) }
        let (connection, target) = try global.connect(logger: logger, migrate: false)
        let results: [GapsReport.SeriesGaps]
        do {
            results = try GapsReport.find(store: GapsStore(connection: connection), config: settings.config, symbols: wanted,
                                          timeframe: wantedTimeframe, since: sinceDate)
        } catch {
            throw CLIError(message: "\(error)\n(database: \(target.redactedDescription))", exitCode: ExitCode(ExitCodes.failure))
        }
        let found = results.contains { !$0.missing.isEmpty || !$0.nonSession.isEmpty }
        switch format {
        case .json:
            Terminal.standardOutput.write(String(decoding: try GapsReport.json(results), as: UTF8.self) + "\n")
        case .text:
            var out = TextTable.render(
                header: ["symbol", "tf", "calendar", "from", "through", "sessions", "present", "missing", "closed-day bars"],
                rows: results.map { r in
                    [r.symbol, r.timeframe, r.calendar, r.from ?? "-", r.through ?? "-", "\(r.expectedSessions)", "\(r.presentSessions)",
                     "\(r.missing.reduce(0) { $0 + $1.count })", "\(r.nonSession.reduce(0) { $0 + $1.count })"]
                }, leftColumns: 5)
            for r in results {
                for m in r.missing {
                    out += "\(r.symbol) \(r.timeframe): missing \(m.from == m.through ? m.from : "\(m.from) .. \(m.through)") (\(m.count) session\(m.count == 1 ? "" : "s"))\n"
                }
                for n in r.nonSession {
                    out += "\(r.symbol) \(r.timeframe): bars on closed day\(n.count == 1 ? "" : "s") \(n.from == n.through ? n.from : "\(n.from) .. \(n.through)")\n"
                }
                if let skipped = r.skipped { out += "\(r.symbol) \(r.timeframe): \(skipped)\n" }
            }
            Terminal.standardOutput.write(out)
        }
        if failOnGaps, found { throw ExitCode(ExitCodes.failure) }
    }
}
