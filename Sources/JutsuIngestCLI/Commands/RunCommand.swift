import ArgumentParser
import Foundation
import JutsuCore
import JutsuIngest
import JutsuStore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a pipeline: source -> validate -> normalize -> load, series in parallel.",
        discussion: """
            Each series reads its window (see `plan`); a series whose rejects exceed \
            validate.max_reject_ratio stores none of its rows (its rejects are kept). Exit codes: 0 \
            every series succeeded; 3 some failed (partial); 1 all failed or a database error; 2 \
            invalid pipeline or unreadable input; 4 another run of the pipeline is in progress \
            (without --wait).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var target: PipelineArgument
    @OptionGroup var window: RunWindowOptions

    @Flag(name: .customLong("dry-run"), help: "Read, validate and compare with the database; write nothing.")
    var dryRun = false

    @Flag(help: "If another run of this pipeline is in progress, wait for it instead of exiting (code 4).")
    var wait = false

    @Option(help: "Output format: text or json.")
    var format: ImportCommand.OutputFormat = .text

    func run() throws {
        let spec = try target.load()
        let logger = global.makeLogger()
        let (first, dbTarget) = try global.connect(logger: logger)
        _ = first
        let conninfo = dbTarget.conninfo
        let request = try window.request(dryRun: dryRun, wait: wait)
        let runner = PipelineRunner(spec: spec, request: request, logger: logger) {
            try PGConnection(conninfo: conninfo, logger: logger)
        }
        let summary: PipelineRunSummary
        do {
            summary = try runner.run()
        } catch let error as PipelineRunError {
            if case .busy = error { throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.busy)) }
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.usage))
        } catch {
            throw CLIError(message: "\(error)\n(database: \(dbTarget.redactedDescription))", exitCode: ExitCode(ExitCodes.failure))
        }
        switch format {
        case .json: Terminal.standardOutput.write(summary.json() + "\n")
        case .text: Terminal.standardOutput.write(Self.render(summary))
        }
        switch summary.status {
        case .succeeded: return
        case .partial: throw ExitCode(ExitCodes.partial)
        case .failed: throw ExitCode(summary.failureKind == .input ? ExitCodes.usage : ExitCodes.failure)
        }
    }

    static func render(_ s: PipelineRunSummary) -> String {
        var rows = s.series.map { x in
            [x.symbol, x.timeframe, x.status.rawValue, x.basis,
             (x.from.map(UnixTime.iso8601) ?? "(start)") + " .. " + (x.to.map(UnixTime.iso8601) ?? "-"),
             "\(x.rows.read)", "\(x.rows.inserted)", "\(x.rows.updated)", "\(x.rows.unchanged)", "\(x.rows.rejected)", "\(x.rows.discarded)"]
        }
        let t = s.totals
        rows.append(["total", "", "", "", "", "\(t.read)", "\(t.inserted)", "\(t.updated)", "\(t.unchanged)", "\(t.rejected)", "\(t.discarded)"])
        var out = TextTable.render(
            header: ["symbol", "tf", "status", "basis", "range", "read", "inserted", "updated", "unchanged", "rejected", "discarded"],
            rows: rows, leftColumns: 5, totalRow: true)
        if !s.rows.rejectsByReason.isEmpty {
            out += "rejects by reason: " + s.rows.rejectsByReason.sorted { $0.key < $1.key }
                .map { "\($0.key) \($0.value)" }.joined(separator: ", ") + " (details in rejected_bars)\n"
        }
        if s.skipped > 0 { out += "\(s.skipped) rows outside the selection or before the window (not read)\n" }
        if s.warned > 0 { out += "\(s.warned) rows stored with warnings\n" }
        for x in s.series where x.error != nil { out += "\(x.symbol) \(x.timeframe): \(x.error!)\n" }
        for (file, error) in s.fileErrors.sorted(by: { $0.key < $1.key }) {
            out += error.hasPrefix(file) ? "error: \(error)\n" : "\(file): error: \(error)\n"   // CSV errors name their file
        }
        let run = s.runID.map { "run \($0)" } ?? "dry run"
        out += String(format: "pipeline %@: %@ %@ in %.2f s", s.pipeline, run, s.status.rawValue, s.durationSeconds)
        out += s.dryRun ? " (nothing written)\n" : "\n"
        if let error = s.error, s.status != .succeeded { out += "error: \(error)\n" }
        return out
    }
}
