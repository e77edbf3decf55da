import ArgumentParser
import Foundation
import JutsuStore

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List recent runs (imports, pipeline runs): status, counts, duration and error.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Only the runs of this pipeline.")
    var pipeline: String?

    @Option(help: "Only runs with this status: running, succeeded, partial, failed or aborted.")
    var status: String?

    @Option(help: "How many runs, newest first.")
    var limit: Int = 20

    @Option(help: "Output format: text or json.")
    var format: ImportCommand.OutputFormat = .text

    func validate() throws {
        guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
        if let status, !["running", "succeeded", "partial", "failed", "aborted"].contains(status) {
            throw ValidationError("--status '\(status)': use running, succeeded, partial, failed or aborted")
        }
    }

    func run() throws {
        let logger = global.makeLogger()
        let (connection, target) = try global.connect(logger: logger, migrate: false)
        let entries: [RunHistory.Entry]
        do {
            entries = try RunHistory(connection: connection).recent(pipeline: pipeline, status: status, limit: limit)
        } catch {
            throw CLIError(message: "\(error)\n(database: \(target.redactedDescription))", exitCode: ExitCode(ExitCodes.failure))
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            Terminal.standardOutput.write(String(decoding: try encoder.encode(entries), as: UTF8.self) + "\n")
        case .text:
            let rows = entries.map { e in
                [String(e.runID), e.pipeline ?? "(\(e.command))", e.trigger, e.status, e.startedAt,
                 e.durationSeconds.map { String(format: "%.2f", $0) } ?? "-",
                 "\(e.read)", "\(e.inserted)", "\(e.updated)", "\(e.unchanged)", "\(e.rejected)", "\(e.discarded)",
                 e.error.map { String($0.prefix(80)) } ?? ""]
            }
            Terminal.standardOutput.write(TextTable.render(
                header: ["run", "pipeline", "trigger", "status", "started", "seconds", "read", "inserted", "updated",
                         "unchanged", "rejected", "discarded", "error"],
                rows: rows, leftColumns: 5, alsoLeft: [12]))
        }
    }
}
