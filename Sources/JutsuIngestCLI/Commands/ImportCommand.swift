import ArgumentParser
import Foundation
import JutsuCSV
import JutsuCore
import JutsuIngest
import JutsuStore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import CSV, gzip CSV or zip files of bars.",
        discussion: """
            The dialect (delimiter, header, date format, gzip) is detected from each file; flags \
            override it. A zip archive (detected by content) is read member by member, each an \
            input of its own named archive.zip:member.csv. The symbol comes from a symbol column, \
            --symbol, or the file name (AAPL.csv, pipeline_inputs__AAPL.csv, 4063-T-1d-....csv; \
            a zip member's own name); the timeframe from \
            --timeframe, the file name or the spacing of the timestamps. Every row read is counted \
            as inserted, updated, unchanged or rejected; rejects are kept in rejected_bars.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "CSV, .csv.gz or .zip files (gzip and zip are detected by content, not name).")
    var files: [String]

    @OptionGroup var reader: ReaderFlags

    @Option(help: "data_source recorded with each bar (lower-case letters, digits, _ and -).")
    var source: String = "csv"

    @Flag(name: .customLong("dry-run"), help: "Parse, validate and compare with the database; write nothing.")
    var dryRun = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(name: .customLong("batch-size"), help: "Rows per atomic batch.")
    var batchSize: Int = ImportOptions.defaultBatchSize

    @Option(help: "Loader connections; each owns a share of the series (1 = one backend).")
    var workers: Int = ImportOptions.defaultWorkers

    @Option(name: .customLong("price-scale"),
            help: "Multiply every price by this factor (0.0001 for QuantConnect LEAN equity deci-cents, 0.01 for cents).")
    var priceScale: String?

    @Flag(help: "Every warning is an error: a file whose symbol, timeframe or other reading the file does not prove stops the run before anything is written.")
    var strict = false

    @Option(name: .customLong("max-reject-ratio"), help: "Fail the run (exit 1) when more than this share of rows is rejected.")
    var maxRejectRatio: Double = 0.10

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard (1...16).contains(workers) else { throw ValidationError("--workers must be between 1 and 16") }
        guard (0...1).contains(maxRejectRatio) else { throw ValidationError("--max-reject-ratio must be between 0 and 1") }
        guard DataSourceName(source) != nil else {
            throw ValidationError("--source '\(source)': use 1-32 lower-case letters, digits, '_' or '-'")
        }
    }

    func csvOptions() throws -> CSVOptions {
        try reader.csvOptions()
    }

    func run() throws {
        let logger = global.makeLogger()
        var options = ImportOptions(
            files: files, csv: try csvOptions(), dataSource: DataSourceName(source)!, dryRun: dryRun,
            batchSize: batchSize, maxRejectRatio: maxRejectRatio, now: Int64(Date().timeIntervalSince1970))
        options.trigger = "cli"
        options.workers = workers
        if let priceScale {
            guard case .success(let factor) = Price.parse(priceScale), factor.micros > 0 else {
                throw CLIError(message: "--price-scale '\(priceScale)': a positive decimal with at most six places (e.g. 0.0001)",
                               exitCode: ExitCode(ExitCodes.usage))
            }
            options.priceScale = factor
            options.csv.priceScaleGiven = true
        }
        for file in files where !FileManager.default.isReadableFile(atPath: file) {
            throw CLIError(message: "\(file): no such file or not readable", exitCode: ExitCode(ExitCodes.usage))
        }
        if strict {
            // Every file's reading first, so a warning stops the run before anything is written.
            let opener = InputOpener()
            for file in InputFiles.expand(files).map(\.name) {
                let dialect: Dialect
                do { dialect = try opener.reader(for: file, options: options.csv).dialect } catch {
                    throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.usage))
                }
                if let warning = dialect.warnings.first {
                    throw CLIError(message: "\(file): \(warning) (--strict)", exitCode: ExitCode(ExitCodes.usage))
                }
            }
        }
        let (connection, target) = try global.connect(logger: logger)
        let conninfo = target.conninfo
        let bar: ProgressBar? = (Terminal.standardError.isTTY && format == .text) ? ProgressBar(terminal: .standardError) : nil
        var onProgress: (@Sendable (ImportProgress) -> Void)?
        if let bar { onProgress = { bar.update($0) } }
        let runner = ImportRunner(connection: connection, options: options, logger: logger, progress: onProgress) {
            try PGConnection(conninfo: conninfo, logger: logger)
        }
        let summary: ImportSummary
        do {
            summary = try runner.run()
        } catch {
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
        }
        bar?.finish()
        for file in summary.files {
            for warning in file.warnings { Terminal.standardError.write("warning: \(file.path): \(warning)\n") }
        }
        switch format {
        case .json: Terminal.standardOutput.write(summary.json() + "\n")
        case .text: Terminal.standardOutput.write(SummaryTable.render(summary))
        }
        if summary.status == .failed {
            throw ExitCode(summary.failureKind == .input ? ExitCodes.usage : ExitCodes.failure)
        }
    }
}
