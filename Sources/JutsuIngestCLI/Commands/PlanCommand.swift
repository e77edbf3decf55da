import ArgumentParser
import Foundation
import JutsuCore
import JutsuIngest
import JutsuStore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what the next run of a pipeline would read, per series, without writing anything.",
        discussion: """
            For each series: the stored watermark and the exact window the next run reads \
            (incremental: from the watermark minus the lookback; the first time: from `start`, or \
            all history), with the rows and rejects of the files inside it. Only reads the database \
            (watermarks, lookback bars); does not migrate or lock.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: PipelineArgument
    @OptionGroup var window: RunWindowOptions

    @Option(help: "Output format: text or json.")
    var format: ImportCommand.OutputFormat = .text

    func run() throws {
        let spec = try target.load()
        let logger = global.makeLogger()
        let (connection, _) = try global.connect(logger: logger, migrate: false)
        let request = try window.request(dryRun: true, wait: false)
        let plan: PipelinePlan
        do {
            try connection.execute("BEGIN READ ONLY")
            defer { _ = try? connection.execute("ROLLBACK") }
            plan = try PipelinePlanner(spec: spec, request: request).plan(connection: connection)
        } catch {
            throw CLIError(message: "\(error)", exitCode: ExitCode(error is PipelineRunError ? ExitCodes.usage : ExitCodes.failure))
        }
        switch format {
        case .json: Terminal.standardOutput.write(plan.json() + "\n")
        case .text: Terminal.standardOutput.write(Self.render(plan))
        }
    }

    static func render(_ plan: PipelinePlan) -> String {
        let rows = plan.series.map { s in
            [s.symbol, s.timeframe, s.watermark.map(UnixTime.iso8601) ?? "-", s.basis, s.from.map(UnixTime.iso8601) ?? "(start)",
             s.to.map(UnixTime.iso8601) ?? "-", "\(s.rows)", "\(s.rejected)", "\(s.skipped)"]
        }
        var out = "pipeline \(plan.pipeline): source \(plan.sourceKind) (\(plan.files.count) files), data_source \(plan.dataSource)\n"
        out += TextTable.render(header: ["symbol", "tf", "watermark", "basis", "from", "to", "rows", "rejected", "before window"],
                                rows: rows, leftColumns: 6)
        for pattern in plan.unmatched { out += "no file matches \(pattern)\n" }
        for (file, error) in plan.fileErrors.sorted(by: { $0.key < $1.key }) { out += "\(file): error: \(error)\n" }
        return out
    }
}

/// The window flags `plan` and `run` share.
struct RunWindowOptions: ParsableArguments {
    @Option(help: "Only these symbols (comma-separated), within the pipeline's own selection.")
    var symbols: String?

    @Option(help: "Read every series from this date (YYYY-MM-DD), whatever its watermark.")
    var since: String?

    @Flag(name: .customLong("full-refresh"), help: "Read every series from `start` (or all history), ignoring watermarks.")
    var fullRefresh = false

    func request(dryRun: Bool, wait: Bool) throws -> PipelineRunRequest {
        var symbolList: [Symbol]?
        if let symbols {
            symbolList = try symbols.split(separator: ",").map { part in
                do { return try Symbol(canonicalizing: part.trimmingCharacters(in: .whitespaces)) } catch {
                    throw ValidationError("--symbols '\(part)': \(error)")
                }
            }
        }
        var sinceDate: CivilDate?
        if let since {
            guard let date = CivilDate(parsing: since) else {
                throw ValidationError("--since '\(since)': expected YYYY-MM-DD")
            }
            sinceDate = date
        }
        if fullRefresh, sinceDate != nil { throw ValidationError("--full-refresh and --since exclude each other") }
        return PipelineRunRequest(symbols: symbolList, since: sinceDate, fullRefresh: fullRefresh, dryRun: dryRun, wait: wait,
                                  now: Int64(Date().timeIntervalSince1970), trigger: "cli")
    }
}
