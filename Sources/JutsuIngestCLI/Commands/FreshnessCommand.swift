import ArgumentParser
import Foundation
import JutsuAuth
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuStore

struct FreshnessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freshness",
        abstract: "Which series are current, which are behind and by how much, on each series' trading calendar.",
        discussion: """
            Per series (from data_metadata, never a scan of bars): the newest stored bar, the newest \
            bar that should exist at --at (the last completed session or intraday interval, after \
            the source's publication delay), the lag in bars and a class: fresh, aging (behind, \
            within the tier's threshold), stale, missing. Tiers and thresholds: each pipeline's \
            `freshness`, overridden by pipelines/freshness.yaml (docs/freshness.md). Exit 1 when a \
            series is at or beyond --fail-on. \
            A pipeline of --pipelines with a schwab source whose login (refresh token) is missing, \
            expired or ends within 2 days adds a warning (`warnings` in JSON), naming the `auth` \
            command to run; warnings do not change the exit code.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only series of this tier: critical, standard or low.")
    var tier: String?

    @Option(help: "Only these symbols (comma-separated).")
    var symbols: String?

    @Option(help: "Only this timeframe.")
    var timeframe: String?

    @Option(help: "Judge as of this instant (ISO 8601, e.g. 2024-01-16T15:21:00Z or 2024-01-16T10:21:00-05:00); default now.")
    var at: String?

    @Option(help: "table, json or prometheus.")
    var format: Format = .table

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a series is at or beyond this class: aging, stale or missing.")
    var failOn: FreshnessStatus?

    @Option(help: "Directory of pipeline files (tiers) and freshness.yaml.")
    var pipelines: String = "pipelines"

    @Flag(help: "Record the result: open and close stale episodes (RTO) and store each series' policy for the SQL views.")
    var record = false

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json, prometheus }

    func validate() throws {
        if let tier, FreshnessTier(rawValue: tier) == nil { throw ValidationError("--tier '\(tier)': use critical, standard or low") }
        if let timeframe, Timeframe(parsing: timeframe) == nil { throw ValidationError("--timeframe '\(timeframe)' is not a timeframe") }
        if let failOn, failOn == .fresh { throw ValidationError("--fail-on: use aging, stale or missing") }
        if let at, InstantText.parse(at) == nil {
            throw ValidationError("--at '\(at)': expected ISO 8601 like 2024-01-16T15:21:00Z, 2024-01-16T10:21:00-05:00 or 2024-01-16")
        }
    }

    func run() throws {
        let logger = global.makeLogger()
        let instant = at.flatMap(InstantText.parse) ?? Int64(Date().timeIntervalSince1970)
        let settings = try FreshnessSettings.load(directory: pipelines)
        let (connection, target) = try global.connect(logger: logger, migrate: record)
        var rows: [FreshnessRow]
        do {
            rows = FreshnessReporter.evaluate(try FreshnessStore(connection: connection).snapshots(), config: settings.config,
                                              pipelines: settings.pipelineTiers, at: instant)
        } catch {
            throw CLIError(message: "\(error)\n(database: \(target.redactedDescription))", exitCode: ExitCode(ExitCodes.failure))
        }
        if let tier { rows.removeAll { $0.tier.rawValue != tier } }
        if let timeframe, let tf = Timeframe(parsing: timeframe) { rows.removeAll { $0.timeframe != tf.rawValue } }
        if let symbols {
            let wanted = Set(symbols.split(separator: ",").compactMap { try? Symbol(canonicalizing: String($0)).value })
            rows.removeAll { !wanted.contains($0.symbol) }
        }
        if record {
            let store = FreshnessStore(connection: connection)
            do {
                try store.writePolicies(rows.map {
                    .init(symbol: $0.symbol, timeframe: $0.timeframe, tier: $0.tier.rawValue, calendar: $0.calendar,
                          staleAfterSeconds: $0.staleAfterSeconds, publicationDelaySeconds: $0.publicationDelaySeconds,
                          rtoSeconds: $0.rtoSeconds)
                })
                try store.record(rows.map {
                    .init(symbol: $0.symbol, timeframe: $0.timeframe, stale: $0.status == .stale || $0.status == .missing,
                          tier: $0.tier.rawValue, rtoSeconds: $0.rtoSeconds)
                }, at: instant)
            } catch {
                throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
            }
        }
        let warnings = Self.schwabLoginWarnings(pipelines: pipelines, now: Date())
        switch format {
        case .json: Terminal.standardOutput.write(FreshnessReporter.json(rows, at: instant, warnings: warnings) + "\n")
        case .prometheus:
            Terminal.standardOutput.write(FreshnessReporter.prometheus(rows, at: instant))
            for warning in warnings { Terminal.standardError.write("warning: \(warning)\n") }
        case .table:
            Terminal.standardOutput.write(Self.table(rows, at: instant, colour: Terminal.standardOutput.isTTY))
            for warning in warnings { Terminal.standardOutput.write("warning: \(warning)\n") }
        }
        if let failOn, rows.contains(where: { $0.status.severity >= failOn.severity }) {
            throw ExitCode(ExitCodes.failure)
        }
    }

    /// One warning per pipeline of the directory whose Schwab login is missing, expired or ends
    /// within 2 days: the series would go stale for a reason no lag shows yet. Judged at the
    /// real time, not `--at`: the token lapses in real time.
    static func schwabLoginWarnings(pipelines: String, now: Date) -> [String] {
        SchwabPipelineSource.all(inDirectory: pipelines).compactMap { source in
            let status = SchwabTokenStatus.check(tokenFile: source.tokenFile, now: now)
            guard !status.isHealthy else { return nil }
            return "pipeline \(source.pipeline): " + status.message(tokenFile: source.tokenFile, now: now, command: source.authCommand)
        }
    }

    static func table(_ rows: [FreshnessRow], at: Int64, colour: Bool) -> String {
        func paint(_ s: FreshnessStatus) -> String {
            guard colour else { return s.rawValue }
            let code = switch s {
            case .fresh: "32"
            case .aging: "33"
            case .stale: "31"
            case .missing: "35"
            }
            return "\u{1B}[\(code)m\(s.rawValue)\u{1B}[0m"
        }
        func duration(_ s: Int64) -> String {
            s >= 86_400 ? String(format: "%.1fd", Double(s) / 86_400) : s >= 3_600 ? String(format: "%.1fh", Double(s) / 3_600)
                : s >= 60 ? "\(s / 60)m" : "\(s)s"
        }
        let table = TextTable.render(
            header: ["symbol", "tf", "tier", "calendar", "status", "newest bar", "expected bar", "lag bars", "lag", "age"],
            rows: rows.map { r in
                [r.symbol, r.timeframe, r.tier.rawValue, r.calendar, r.status.rawValue,
                 r.newestBar.map(UnixTime.iso8601) ?? "-", r.expectedBar.map(UnixTime.iso8601) ?? "-", "\(r.lagBars)",
                 duration(r.lagSeconds), r.ageSeconds.flatMap { $0 >= 0 ? duration($0) : nil } ?? "-"]
            }, leftColumns: 7)
        // Colour after alignment: escape codes have no width.
        var out = ""
        for (i, line) in table.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var text = String(line)
            if i >= 2, i - 2 < rows.count, colour {
                let status = rows[i - 2].status
                if let range = text.range(of: " \(status.rawValue) ") { text.replaceSubrange(range, with: " \(paint(status)) ") }
            }
            out += text + (i < table.split(separator: "\n", omittingEmptySubsequences: false).count - 1 ? "\n" : "")
        }
        let counts = Dictionary(grouping: rows, by: \.status).mapValues(\.count)
        out += "as of \(UnixTime.iso8601(at)): " + FreshnessStatus.allCases.reversed().map { "\(counts[$0] ?? 0) \($0.rawValue)" }
            .joined(separator: ", ") + "\n"
        return out
    }
}

extension FreshnessStatus: ExpressibleByArgument {}
