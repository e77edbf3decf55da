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

    struct SeriesGaps: Encodable {
        var symbol: String
        var timeframe: String
        var calendar: String
        var from: String?
        var through: String?
        var expectedSessions: Int
        var presentSessions: Int
        var missing: [Range]
        var nonSession: [Range]
        var skipped: String?

        struct Range: Encodable { var from: String; var through: String; var count: Int }

        enum CodingKeys: String, CodingKey {
            case symbol, timeframe, calendar, from, through, missing, skipped
            case expectedSessions = "expected_sessions", presentSessions = "present_sessions", nonSession = "non_session"
        }
    }

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
        let store = GapsStore(connection: connection)
        var results: [SeriesGaps] = []
        do {
            for (symbolText, tfText) in try store.series() {
                guard let symbol = try? Symbol(canonicalizing: symbolText), let tf = Timeframe(parsing: tfText) else { continue }
                if let wanted, !wanted.contains(symbol.value) { continue }
                if let wantedTimeframe, wantedTimeframe != tf { continue }
                let calendar = FreshnessReporter.calendar(for: symbol, named: settings.config.override(for: symbol).calendar)
                var entry = SeriesGaps(symbol: symbol.value, timeframe: tf.rawValue, calendar: calendar.name, expectedSessions: 0,
                                       presentSessions: 0, missing: [], nonSession: [])
                guard tf == .d1 || tf.isIntraday else {
                    entry.skipped = "\(tf.rawValue) series are not checked"
                    results.append(entry)
                    continue
                }
                let times = try store.barTimes(symbol: symbol.value, timeframe: tf.rawValue, intraday: tf.isIntraday,
                                               since: sinceDate.map { $0.daysSinceEpoch * UnixTime.secondsPerDay })
                var days: [CivilDate] = []
                days.reserveCapacity(times.count)
                for t in times {
                    let day = tf.isIntraday ? (calendar.session(containing: t)?.date ?? UnixTime.civilDate(ofSeconds: t))
                                            : UnixTime.civilDate(ofSeconds: t)
                    if days.last != day { days.append(day) }
                }
                guard let first = days.first, let last = days.last else { continue }
                let report = Gaps.find(present: days, from: first, through: last, calendar: calendar)
                entry.from = first.description
                entry.through = last.description
                entry.expectedSessions = report.expectedSessions
                entry.presentSessions = report.presentSessions
                entry.missing = report.missing.map { .init(from: $0.from.description, through: $0.through.description, count: $0.count) }
                entry.nonSession = report.nonSession.map { .init(from: $0.from.description, through: $0.through.description, count: $0.count) }
                results.append(entry)
            }
        } catch {
            throw CLIError(message: "\(error)\n(database: \(target.redactedDescription))", exitCode: ExitCode(ExitCodes.failure))
        }
        let found = results.contains { !$0.missing.isEmpty || !$0.nonSession.isEmpty }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Terminal.standardOutput.write(String(decoding: try encoder.encode(["series": results]), as: UTF8.self) + "\n")
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
