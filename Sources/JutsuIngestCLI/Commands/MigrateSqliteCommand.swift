import ArgumentParser
import Foundation
import JutsuCore
import JutsuIngest
import JutsuStore

struct MigrateSqliteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-sqlite",
        abstract: "Moves a legacy SQLite database (the old MVP's market_data) into the partitioned schema, verified and resumable.",
        discussion: """
            Rows go through the same validation, duplicate rule and loader as `import`, in one \
            ingest_runs row (command migrate-sqlite); rejects are recorded at sqlite:market_data:ROWID. \
            Progress is checkpointed per series with each batch: a killed run resumes where it stopped; \
            a finished one changes nothing. Verification (on by default) compares per series the row \
            count, first/last bar and a checksum of the normalized values; exit 1 on any difference. \
            See docs/migrate-sqlite.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The legacy SQLite file.")
    var file: String

    @Flag(help: "Report what would move and what would be rejected; write nothing.")
    var dryRun = false

    @Option(help: "Output format: text or json.")
    var format: ImportCommand.OutputFormat = .text

    @Option(help: "Only these symbols (comma-separated).")
    var symbols: String?

    @Option(help: "Only these timeframes (comma-separated, e.g. 1d,1h).")
    var timeframes: String?

    @Flag(inversion: .prefixedNo, help: "Verify every migrated series afterwards (default on).")
    var verify = true

    @Flag(help: "Only verify (nothing is loaded).")
    var verifyOnly = false

    @Option(help: "Rows per transaction.")
    var batchSize = 25_000

    @Option(help: "Series migrated at once, each with its own connection (1 = one at a time).")
    var workers = 2

    func run() throws {
        let logger = global.makeLogger()
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw CLIError(message: "\(file): no such file or not readable", exitCode: ExitCode(ExitCodes.usage))
        }
        var options = LegacyMigrationOptions(path: file, now: Int64(Date().timeIntervalSince1970))
        options.dryRun = dryRun
        options.batchSize = max(1, batchSize)
        options.workers = max(1, workers)
        options.load = !verifyOnly
        options.verify = verify || verifyOnly
        if let symbols {
            var set = Set<String>()
            for s in symbols.split(separator: ",") {
                do { set.insert(try Symbol(canonicalizing: String(s)).value) } catch {
                    throw CLIError(message: "--symbols: \(error)", exitCode: ExitCode(ExitCodes.usage))
                }
            }
            options.symbols = set
        }
        if let timeframes {
            var set = Set<Timeframe>()
            for t in timeframes.split(separator: ",") {
                guard let tf = Timeframe(parsing: t) else {
                    throw CLIError(message: "--timeframes: '\(t)' is not a timeframe", exitCode: ExitCode(ExitCodes.usage))
                }
                set.insert(tf)
            }
            options.timeframes = set
        }
        let (connection, target) = try global.connect(logger: logger)
        let conninfo = target.conninfo
        let bar: ProgressBar? = (Terminal.standardError.isTTY && format == .text) ? ProgressBar(terminal: .standardError) : nil
        var onProgress: (@Sendable (MigrationProgress) -> Void)?
        if let bar { onProgress = { bar.update($0) } }
        let summary: LegacyMigrationSummary
        do {
            let migration: LegacyMigration
            do {
                migration = try LegacyMigration(options: options, connection: connection, connect: {
                    try PGConnection(conninfo: conninfo, logger: logger)
                }, progress: onProgress)
            } catch {
                throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.usage))
            }
            summary = try migration.run()
            bar?.finish()
        } catch let error as CLIError {
            bar?.finish()
            throw error
        } catch {
            bar?.finish()
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
        }
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            Terminal.standardOutput.write(String(decoding: try encoder.encode(summary), as: UTF8.self) + "\n")
        case .text:
            Terminal.standardOutput.write(Self.render(summary))
        }
        if summary.verificationFailed { throw ExitCode(ExitCodes.failure) }
    }

    static func render(_ s: LegacyMigrationSummary) -> String {
        var out = ""
        if !(s.verification != nil && s.counts.read == 0 && s.runID == nil && !s.dryRun) {
            out += "\(s.dryRun ? "dry run: would migrate" : "migrated") \(s.file) (legacy schema \(s.schema)): \(s.series) series"
            if s.seriesAlreadyDone > 0 { out += ", \(s.seriesAlreadyDone) already done" }
            if s.seriesResumed > 0 { out += ", \(s.seriesResumed) resumed" }
            if let run = s.runID { out += " (run \(run))" }
            out += "\n"
            let c = s.counts
            out += TextTable.render(header: ["read", "inserted", "updated", "unchanged", "rejected"],
                                    rows: [[c.read, c.inserted, c.updated, c.unchanged, c.rejected].map(String.init)], leftColumns: 0)
            if !c.rejectsByReason.isEmpty {
                out += "\nrejected by reason:\n"
                out += TextTable.render(header: ["reason", "rows"],
                                        rows: c.rejectsByReason.sorted { $0.key < $1.key }.map { [$0.key, String($0.value)] }, leftColumns: 1)
            }
        }
        if let h = s.history {
            if h.alreadyDone {
                out += "\nlegacy data_metadata and data_audit_log: carried over by an earlier run\n"
            } else {
                out += "\nlegacy history: \(h.metadataRows) data_metadata rows\(s.dryRun ? " would be" : "") merged, "
                    + "\(h.auditRows) data_audit_log rows\(s.dryRun ? " would be" : "") kept (migrated_from sqlite:data_audit_log:ROWID)"
                    + (h.skipped > 0 ? ", \(h.skipped) metadata rows of no series skipped" : "") + "\n"
            }
        }
        if let v = s.verification {
            let bad = v.filter { !$0.ok }
            out += "\nverification: \(v.count) series, \(bad.isEmpty ? "all match" : "\(bad.count) differ")\n"
            for series in bad {
                out += "  \(series.symbol) \(series.timeframe):\n"
                for d in series.differences { out += "    \(d)\n" }
            }
        }
        return out
    }
}
