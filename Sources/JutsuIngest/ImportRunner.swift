import Foundation
import JutsuCSV
import JutsuCore
import JutsuStore
import Logging

/// Runs an import: a parse thread (read, decompress, tokenize, validate) hands chunks to the
/// calling thread, which gathers them into batches and loads each in one transaction (libpq
/// binary COPY and merge). Parsing and the server's work overlap on two cores; memory is
/// bounded by the batch size, not the input.
public final class ImportRunner {
    public let options: ImportOptions
    let connection: PGConnection
    let logger: Logger
    let progress: (@Sendable (ImportProgress) -> Void)?
    /// Opens the extra connections of `options.workers` > 1; without it one loader runs.
    let connect: (@Sendable () throws -> PGConnection)?

    public init(connection: PGConnection, options: ImportOptions, logger: Logger,
                progress: (@Sendable (ImportProgress) -> Void)? = nil,
                connect: (@Sendable () throws -> PGConnection)? = nil) {
        self.connect = connect
        self.connection = connection
        self.options = options
        self.logger = logger
        self.progress = progress
    }

    /// What the parse thread hands to the loader.
    enum Message: Sendable {
        case opened(file: Int, dialect: Dialect)
        case chunk(file: Int, LoadBatch, volumeRounded: Int64, bytesConsumed: Int64, rowsRead: Int64,
                   removed: RowFilter.Removed, warnings: Int64)
        case failed(file: Int, message: String)
    }

    /// Rows the parse thread reads at a time. The loader joins chunks into transactions of
    /// `batchSize` rows, and the queue lets parsing run one transaction ahead.
    static let chunkRows = 8_192

    public func run() throws -> ImportSummary {
        let started = Date()
        // A zip archive stands for its data members, each an input of its own (`a.zip:b.csv`).
        let inputs = InputFiles.expand(self.options.files)
        var options = self.options
        options.files = inputs.map(\.name)
        var summary = ImportSummary(
            runID: nil, status: .succeeded, dryRun: options.dryRun, rows: LoadCounts(),
            files: options.files.map { ImportSummary.FileSummary(path: $0) }, durationSeconds: 0)

        let registry = RunRegistry(connection: connection)
        var runID: Int64 = options.runID ?? 0
        summary.runID = options.runID
        if !options.dryRun, options.runID == nil {
            try registry.abortAbandonedRuns()
            runID = try registry.start(command: "import", trigger: options.trigger, detailsJSON: detailsJSON())
            summary.runID = runID
        }
        // Loader threads: the first on this connection, the others on their own.
        let workerCount = connect == nil ? 1 : max(1, options.workers)
        var loaders = [BatchLoader(connection: connection, runID: runID, operation: options.operation,
                                   dryRun: options.dryRun, policy: options.policy)]
        for _ in 1..<workerCount {
            // A server out of connection slots still gets the import, with fewer workers.
            do {
                loaders.append(BatchLoader(connection: try connect!(), runID: runID, operation: options.operation,
                                           dryRun: options.dryRun, policy: options.policy))
            } catch {
                logger.warning("loader connection failed; continuing with fewer workers",
                               metadata: ["workers": "\(loaders.count)", "error": "\(error)"])
                break
            }
        }
        let chunkRows = min(options.batchSize, Self.chunkRows)
        // Rows per transaction of one worker: together the workers hold one batch's worth.
        let workerRows = max(1, options.batchSize / loaders.count)
        // Parsing is several times faster than loading: two chunks ahead keep the loaders fed.
        let queue = BoundedQueue<Message>(capacity: 2)
        let workers = LoadWorkers(loaders: loaders, replaceRanges: options.replaceRanges,
                                  dataSource: options.dataSource.value, onError: { queue.close() })
        let parseDone = DispatchSemaphore(value: 0)
        let sizes = inputs.map(\.size)
        let totalBytes = sizes.reduce(0, +)

        let parse = Thread { [options] in
            Self.parseFiles(options, chunkRows: chunkRows) { queue.push($0) }
            queue.close()
            parseDone.signal()
        }
        parse.name = "jutsu-parse"
        parse.stackSize = 8 << 20
        parse.start()

        var bytesDone: [Int64] = sizes.map { _ in 0 }
        var bytesDoneTotal: Int64 = 0
        // The transaction each worker is being given: chunks of one or several files.
        var pending = [PendingBatch?](repeating: nil, count: loaders.count)
        func flush(_ w: Int) {
            guard let gathered = pending[w] else { return }
            pending[w] = nil
            guard gathered.batch.rowsRead > 0 || !gathered.batch.corporateActions.isEmpty else { return }
            workers.submit(LoadWorkers.Item(batch: gathered.batch, files: gathered.files, rejectCounts: gathered.rejectCounts), to: w)
        }
        func flushAll() { for w in 0..<loaders.count { flush(w) } }
        while let message = queue.pop() {
            switch message {
            case .opened(let file, let dialect):
                summary.files[file].symbol = dialect.symbol?.value
                summary.files[file].timeframe = dialect.timeframe.rawValue
                summary.files[file].compressed = dialect.compressed
                summary.files[file].delimiter = String(UnicodeScalar(dialect.delimiter))
                summary.files[file].dateFormat = dialect.dateFormat.rawValue
                summary.files[file].ignoredColumns = dialect.ignoredColumns
                summary.files[file].columnsNotStored = dialect.ignoredByDesignColumns
                summary.files[file].warnings = dialect.warnings
            case .chunk(let file, let chunk, let rounded, let consumed, let rowsRead, let removed, let warnings):
                summary.skipped += removed.skipped
                summary.warned += warnings
                for (key, n) in removed.discarded { summary.discarded[key, default: 0] += n }
                let parts = loaders.count == 1 ? [chunk] : chunk.split(parts: loaders.count, route: workers.worker(for:))
                for (w, part) in parts.enumerated() where part.rowsRead > 0 || !part.corporateActions.isEmpty {
                    let ranges = PendingBatch.seriesRanges(part.bars)
                    if let p = pending[w], p.mustFlush(before: file, ranges) { flush(w) }
                    if pending[w] == nil { pending[w] = PendingBatch(capacity: workerRows + chunkRows, first: part) }
                    pending[w]!.add(part, file: file, ranges)
                    if pending[w]!.batch.rowsRead >= workerRows { flush(w) }
                }
                summary.files[file].volumeRounded += rounded
                bytesDoneTotal += consumed - bytesDone[file]
                bytesDone[file] = consumed
                progress?(ImportProgress(
                    file: options.files[file], rowsRead: rowsRead, bytesConsumed: bytesDoneTotal,
                    bytesTotal: totalBytes, elapsedSeconds: Date().timeIntervalSince(started)))
            case .failed(let file, let message):
                flushAll()   // rows read before the error are loaded; the error is reported
                summary.files[file].error = message
                summary.failureKind = .input
                summary.status = .failed
                summary.error = message
                logger.notice("input error", metadata: ["file": "\(options.files[file])", "error": "\(message)"])
            }
        }
        flushAll()
        parseDone.wait()
        let outcome = workers.finish()
        summary.rows += outcome.counts
        for (file, counts) in outcome.perFile { summary.files[file].rows += counts }
        for (key, counts) in outcome.perSeries { summary.series[key, default: LoadCounts()] += counts }
        summary.deleted = outcome.deleted
        let loadError = outcome.error
        if let loadError { for file in outcome.errorFiles { summary.files[file].error = "\(loadError)" } }

        if let loadError {
            summary.status = .failed
            summary.failureKind = .load
            summary.error = "\(loadError)"
        } else if summary.rows.read > 0,
                  Double(summary.rows.rejected) / Double(summary.rows.read) > options.maxRejectRatio {
            summary.status = .failed
            summary.failureKind = summary.failureKind ?? .rejects
            let ratio = Double(summary.rows.rejected) / Double(summary.rows.read)
            summary.error = summary.error ?? String(
                format: "%.1f%% of rows were rejected, above --max-reject-ratio %.1f%%", ratio * 100, options.maxRejectRatio * 100)
        }
        summary.durationSeconds = Date().timeIntervalSince(started)
        if !options.dryRun, options.runID == nil {
            try registry.finish(runID, status: summary.status.rawValue, error: summary.error)
        }
        return summary
    }

    /// The parse thread: every file in turn, chunk by chunk, each handed to `emit` (which
    /// returns false to stop). Never touches the database. A file may be a zip archive's member
    /// (`archive.zip:member.csv`, see `InputFiles.expand`): one opener keeps its archive open
    /// while its members are read in turn.
    static func parseFiles(_ options: ImportOptions, chunkRows: Int, emit: (Message) -> Bool) {
        var assembler = BatchAssembler(options: options)
        let opener = InputOpener()
        for (index, path) in options.files.enumerated() {
            assembler.startFile()
            let reader: BarFileReader
            do {
                reader = try opener.reader(for: path, options: options.csv)
            } catch {
                guard emit(.failed(file: index, message: "\(error)")) else { return }
                continue
            }
            guard emit(.opened(file: index, dialect: reader.dialect)) else { return }
            do {
                while let parsed = try reader.nextBatch(maxRows: chunkRows) {
                    var chunk = assembler.assemble(parsed, origin: path, fileSymbol: reader.dialect.symbol,
                                                   fileTimeframe: reader.dialect.timeframe)
                    let removed = options.filter?.apply(to: &chunk) ?? RowFilter.Removed()
                    guard emit(.chunk(file: index, chunk, volumeRounded: Int64(parsed.roundedVolumes),
                                      bytesConsumed: reader.bytesConsumed, rowsRead: reader.rowsRead,
                                      removed: removed, warnings: assembler.takeWarnings())) else { return }
                }
            } catch {
                guard emit(.failed(file: index, message: "\(error)")) else { return }
            }
        }
    }

    /// The files as given (an archive, not its members).
    func detailsJSON() -> String {
        let details: [String: Any] = [
            "files": options.files, "data_source": options.dataSource.value,
            "pid": Int(ProcessInfo.processInfo.processIdentifier), "host": ProcessInfo.processInfo.hostName,
        ]
        return (try? JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
