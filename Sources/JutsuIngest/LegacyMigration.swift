import Foundation
import JutsuCore
import JutsuLegacy
import JutsuStore

/// What `migrate-sqlite` should do.
public struct LegacyMigrationOptions: Sendable {
    public var path: String
    public var dryRun = false
    /// Canonical symbols / timeframes to migrate (nil: all). Rows of no series go only with no filter.
    public var symbols: Set<String>?
    public var timeframes: Set<Timeframe>?
    public var load = true
    public var verify = true
    /// Rows per transaction (bars and rejects of one series; its rows of several data sources
    /// are written as one sub-batch per source in that transaction).
    public var batchSize = 25_000
    /// Series migrated at once, each worker with its own SQLite handle and connection.
    public var workers = 2
    /// UTC seconds for `future_timestamp`.
    public var now: Int64

    public init(path: String, now: Int64) {
        self.path = path
        self.now = now
    }
}

/// `migrate-sqlite`: moves the legacy `market_data` table through the same validation,
/// duplicate rule and `BatchLoader` as every other source, series by series in rowid order,
/// checkpointing each batch with its transaction, and verifies every series.
///
/// Series are independent: `workers` threads each take the next series (largest first), with
/// their own SQLite handle and connection, so reading and converting on one overlaps the
/// server's work for the other. A series is verified right after it is loaded: its legacy
/// digest is gathered while it is read (no second read of the file), the stored one computed by
/// the server (`storedDigest`).
public final class LegacyMigration: @unchecked Sendable {
    public let options: LegacyMigrationOptions
    let connection: PGConnection
    /// Opens the connections of workers beyond the first (which uses `connection`).
    let connect: (@Sendable () throws -> PGConnection)?
    let onProgress: (@Sendable (MigrationProgress) -> Void)?
    let validator: BarValidator
    public static let command = "migrate-sqlite"
    public static let fallbackSource = DataSourceName("legacy")!

    private let lock = NSLock()
    private var rowsRead: Int64 = 0
    private var rowsTotal: Int64 = 0
    private var seriesDone = 0
    private var seriesTotal = 0
    private let started = ContinuousClock.now
    private var stopped = false

    public init(options: LegacyMigrationOptions, connection: PGConnection,
                connect: (@Sendable () throws -> PGConnection)? = nil,
                progress: (@Sendable (MigrationProgress) -> Void)? = nil) throws {
        self.options = options
        self.connection = connection
        self.connect = connect
        self.onProgress = progress
        validator = BarValidator(now: options.now)
        // Opened here so an unreadable or foreign file fails before anything starts.
        _ = try LegacyReader(path: options.path)
    }

    /// Size and a hash of the first MiB: the same file (copied or moved) resumes its progress.
    public static func fileIdentity(_ path: String) throws -> String {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        let head = try handle.read(upToCount: 1 << 20) ?? Data()
        let size = try handle.seekToEnd()
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in head { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return "\(size)-\(String(h, radix: 16))"
    }

    func selected(_ series: LegacySeries) -> Bool {
        if options.symbols == nil && options.timeframes == nil { return true }
        guard let symbol = series.symbol, let timeframe = series.timeframe else { return false }
        if let s = options.symbols, !s.contains(symbol.value) { return false }
        if let t = options.timeframes, !t.contains(timeframe) { return false }
        return true
    }

    /// What one series came to.
    struct SeriesOutcome {
        var counts = LoadCounts()
        var alreadyDone = false
        var resumed = false
        var verification: SeriesVerification?
    }

    /// A worker's own handles (SQLite and libpq connections serve one thread at a time).
    final class Worker {
        let reader: LegacyReader
        let connection: PGConnection
        let loader: BatchLoader?
        /// Writes the loader's batches on a thread of its own, overlapping the reading.
        let pipe: LoadPipe?
        init(reader: LegacyReader, connection: PGConnection, loader: BatchLoader?) {
            self.reader = reader
            self.connection = connection
            self.loader = loader
            pipe = loader.map(LoadPipe.init)
        }
        deinit { pipe?.close() }
    }

    struct Stopped: Error {}

    public func run() throws -> LegacyMigrationSummary {
        let fileID = try Self.fileIdentity(options.path)
        var summary = LegacyMigrationSummary(file: options.path, fileID: fileID, dryRun: options.dryRun)
        let reader = try LegacyReader(path: options.path)
        summary.schema = reader.schema.version
        let all = try reader.series().filter(selected)
        summary.series = all.count
        rowsTotal = all.reduce(0) { $0 + $1.rows }
        seriesTotal = all.count
        var runID: Int64 = 0
        let registry = RunRegistry(connection: connection)
        if options.load && !options.dryRun {
            try registry.abortAbandonedRuns()
            runID = try registry.start(command: Self.command,
                                       detailsJSON: #"{"file": \#(jsonString(options.path)), "file_id": "\#(fileID)"}"#)
            summary.runID = runID
        }
        let verify = options.verify && !options.dryRun
        var outcomes: [String: SeriesOutcome]
        // Loading with several workers: series are verified on a connection of their own while
        // the workers go on (verify-only verifies on the workers, which have nothing else to do).
        let verifier: LegacyVerifier? = if verify, options.load, options.workers > 1, let c = try? connect?() {
            LegacyVerifier(connection: c) { [self] item, c in
                try verification(item.key, legacy: item.legacy, legacyRows: item.legacyRows, fileID: fileID, connection: c)
            }
        } else { nil }
        defer { verifier?.cancel() }
        do {
            outcomes = try forEachSeries(all, runID: runID) { worker, series in
                var outcome = SeriesOutcome()
                var legacyHashes: KeyedHashes?
                if let loader = worker.loader {
                    legacyHashes = try self.migrate(series, fileID: fileID, worker: worker, loader: loader, outcome: &outcome)
                }
                if verify, let key = series.key {
                    if legacyHashes == nil { legacyHashes = try self.legacyHashes(series, reader: worker.reader) }
                    let legacy = SeriesDigest(legacyHashes ?? KeyedHashes())
                    if let verifier {
                        try verifier.submit(.init(id: series.id, key: key, legacy: legacy, legacyRows: series.rows))
                    } else {
                        outcome.verification = try self.verification(key, legacy: legacy, legacyRows: series.rows, fileID: fileID,
                                                                     connection: worker.connection)
                    }
                }
                return outcome
            }
            for (id, v) in try verifier?.finish() ?? [:] { outcomes[id]?.verification = v }
        } catch {
            if options.load && !options.dryRun { try? registry.finish(runID, status: "failed", error: "\(error)") }
            throw error
        }
        if options.load && options.symbols == nil && options.timeframes == nil {
            do {
                summary.history = try carryOverHistory(fileID: fileID, runID: runID, reader: try LegacyReader(path: options.path))
            } catch {
                // The bars are in and checkpointed; the run says why the history is not.
                if !options.dryRun { try? registry.finish(runID, status: "failed", error: "\(error)") }
                throw error
            }
        }
        var verifications: [SeriesVerification] = []
        for series in all {
            guard let o = outcomes[series.id] else { continue }
            summary.counts += o.counts
            if o.alreadyDone { summary.seriesAlreadyDone += 1 }
            if o.resumed { summary.seriesResumed += 1 }
            if let v = o.verification { verifications.append(v) }
        }
        if verify { summary.verification = verifications }
        summary.elapsedSeconds = Self.seconds(ContinuousClock.now - started)
        if options.load && !options.dryRun {
            let failed = summary.verificationFailed
            try registry.finish(runID, status: failed ? "failed" : "succeeded",
                                error: failed ? "verification found differences" : nil)
        }
        return summary
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// Runs `work` for every series on up to `options.workers` threads (largest series first),
    /// each with its own SQLite handle and connection; the first error stops the others at their
    /// next batch and is rethrown.
    func forEachSeries(_ all: [LegacySeries], runID: Int64,
                       _ work: @escaping (Worker, LegacySeries) throws -> SeriesOutcome) throws -> [String: SeriesOutcome] {
        let order = all.sorted { ($0.rows, $1.id) > ($1.rows, $0.id) }
        var connections = [connection]
        if let connect {
            for _ in 1..<max(1, min(options.workers, order.count)) {
                // Fewer workers when the server refuses a connection: the migration still runs.
                guard let c = try? connect() else { break }
                connections.append(c)
            }
        }
        /// State shared by the worker threads (guarded by the migration's lock).
        final class Shared: @unchecked Sendable {
            var next = 0
            var outcomes: [String: SeriesOutcome] = [:]
            var firstError: (any Error)?
            let work: (Worker, LegacySeries) throws -> SeriesOutcome
            init(_ work: @escaping (Worker, LegacySeries) throws -> SeriesOutcome) { self.work = work }
        }
        let shared = Shared(work)
        let group = DispatchGroup()
        for c in connections {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                do {
                    let loader = options.load ? BatchLoader(connection: c, runID: runID, operation: "migrate", dryRun: options.dryRun) : nil
                    let worker = Worker(reader: try LegacyReader(path: options.path), connection: c, loader: loader)
                    while true {
                        lock.lock()
                        if stopped || shared.next >= order.count { lock.unlock(); return }
                        let series = order[shared.next]
                        shared.next += 1
                        lock.unlock()
                        let outcome = try shared.work(worker, series)
                        lock.lock()
                        shared.outcomes[series.id] = outcome
                        seriesDone += 1
                        lock.unlock()
                    }
                } catch {
                    lock.lock()
                    if shared.firstError == nil || shared.firstError is Stopped { shared.firstError = error }
                    stopped = true
                    lock.unlock()
                }
            }
            thread.name = "jutsu-migrate"
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        if let error = shared.firstError { throw error }
        return shared.outcomes
    }

    func reportRows(_ n: Int64) throws {
        lock.lock()
        rowsRead += n
        let stop = stopped
        let p = MigrationProgress(rowsRead: rowsRead, rowsTotal: rowsTotal, seriesDone: seriesDone, seriesTotal: seriesTotal,
                                  elapsedSeconds: Self.seconds(ContinuousClock.now - started))
        lock.unlock()
        if stop { throw Stopped() }
        onProgress?(p)
    }

    struct Pending {
        var bar: Bar
        var rowid: Int64
        var hash: UInt64
        var source: Int
        var supersedes: Bool
        var alive = true
    }

    /// Loads one series; returns its legacy key -> hash map (the legacy side of verification),
    /// or nil when the series was finished by an earlier run (nothing read).
    func migrate(_ series: LegacySeries, fileID: String, worker: Worker, loader: BatchLoader,
                 outcome: inout SeriesOutcome) throws -> KeyedHashes? {
        let connection = worker.connection
        let reader = worker.reader
        guard let pipe = worker.pipe else { return nil }
        var after: Int64 = 0
        if !options.dryRun {
            let p = try connection.execute("SELECT last_rowid, finished FROM legacy_migration_progress WHERE file_id = $1 AND series = $2",
                                           [fileID, series.id])
            if p.rowCount == 1 {
                if p.bool(0, 1) == true {
                    outcome.alreadyDone = true
                    try reportRows(series.rows)
                    return nil
                }
                after = p.int64(0, 0) ?? 0
            }
        }
        let seed = series.key.map(SeriesDigest.seed) ?? 0
        // Keys loaded before the current batch with the hash of the row that holds them (the
        // later row of a key wins); on resume, rebuilt from the rows already done.
        var seen = KeyedHashes(capacity: Int(series.rows))
        // Resumed: keys stored by the interrupted run whose rows this run has not replaced. A
        // later row of such a key is a `duplicate` that moves no count of this run.
        var priorKeys = Set<Int64>()
        if after > 0 {
            outcome.resumed = true
            var n: Int64 = 0
            try reader.rows(of: series, through: after) { row in
                n += 1
                if case .bar(let bar, _, _) = row, validator.check(bar) == nil {
                    seen[bar.ts] = SeriesDigest.hash(bar, seed: seed)
                }
            }
            priorKeys = seen.allKeys
            try reportRows(n)
        }
        var pending: [Pending] = []
        var pendingAt: [Int64: Int] = [:]
        var rejects: [RejectRecord] = []
        var sources: [DataSourceName] = []
        var lastRowid = after
        var unreported: Int64 = 0
        var lastRaw: (text: String?, source: DataSourceName) = (nil, Self.fallbackSource)

        func flush(finished: Bool) throws {
            // One batch, each row with its data source (a series switches vendors now and then).
            var batch = LoadBatch(origin: LegacyReader.origin, dataSource: sources.first ?? Self.fallbackSource)
            batch.reserveCapacity(pending.count)
            for p in pending where p.alive {
                if p.supersedes, priorKeys.contains(p.bar.ts) { batch.supersededElsewhere.insert(batch.bars.count) }
                batch.append(p.bar, line: p.rowid, supersedes: p.supersedes, source: sources[p.source])
            }
            batch.rejects = rejects
            let rows = Int64(batch.rowsRead)
            let checkpointRowid = lastRowid
            let checkpoint = {
                try connection.execute("""
                    INSERT INTO legacy_migration_progress (file_id, series, last_rowid, rows_read, finished, run_id)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (file_id, series) DO UPDATE SET last_rowid = excluded.last_rowid,
                        rows_read = legacy_migration_progress.rows_read + excluded.rows_read,
                        finished = excluded.finished, run_id = excluded.run_id, updated_at = now()
                    """, [fileID, series.id, String(checkpointRowid), String(rows), finished ? "true" : "false", String(loader.runID)],
                    context: "migration checkpoint")
            }
            if batch.rowsRead > 0 {
                // Dry run: nothing was stored by earlier batches, so a row superseding one of
                // them is counted inserted by the loader; a real run counts it a `duplicate` (the
                // earlier row stays counted inserted, as the loader does within one run).
                let superseding = options.dryRun ? Int64(batch.supersedes.filter { $0 }.count) : 0
                try pipe.submit(LoadPipe.Item(batch: batch, alsoInTransaction: { _ = try checkpoint() },
                                              dryRunSuperseding: superseding))
            } else if !options.dryRun {
                outcome.counts += try pipe.drain()   // the connection is the pipe's until then
                _ = try checkpoint()
            }
            for p in pending where p.alive {
                seen[p.bar.ts] = p.hash
                if !priorKeys.isEmpty { priorKeys.remove(p.bar.ts) }
            }
            pending.removeAll(keepingCapacity: true)
            pendingAt.removeAll(keepingCapacity: true)
            rejects.removeAll(keepingCapacity: true)
            sources.removeAll(keepingCapacity: true)
            try reportRows(unreported)
            unreported = 0
        }

        func read() throws {
            try reader.rows(of: series, after: after) { row in
                unreported += 1
                switch row {
                case .reject(let r):
                    rejects.append(RejectRecord(location: r.location, symbol: r.symbol, timeframe: r.timeframe,
                                                rawText: r.rawText, reason: r.reason, message: r.message))
                    lastRowid = r.rowid
                case .bar(let bar, let rawSource, let rowid):
                    if let (reason, message) = validator.check(bar) {
                        rejects.append(.bar(bar, at: LegacyReader.origin, line: rowid, reason: reason, message: message))
                    } else {
                        if rawSource != lastRaw.text {
                            lastRaw = (rawSource, rawSource.flatMap { DataSourceName($0.lowercased()) } ?? Self.fallbackSource)
                        }
                        let source = lastRaw.source
                        let s: Int
                        if let last = sources.last, last == source { s = sources.count - 1 } else if let i = sources.firstIndex(of: source) {
                            s = i
                        } else {
                            sources.append(source)
                            s = sources.count - 1
                        }
                        var supersedes = seen[bar.ts] != nil
                        if supersedes || pendingAt[bar.ts] != nil {
                            try checkDistinctLegacyKeys(series, bar: bar, rowid: rowid, reader: reader)
                        }
                        if let earlier = pendingAt[bar.ts] {
                            // Same key earlier in this batch: that row is the duplicate, this one wins.
                            pending[earlier].alive = false
                            supersedes = pending[earlier].supersedes
                            rejects.append(.duplicate(pending[earlier].bar, at: LegacyReader.origin,
                                                      line: pending[earlier].rowid, winnerLine: rowid))
                        }
                        pendingAt[bar.ts] = pending.count
                        pending.append(Pending(bar: bar, rowid: rowid, hash: SeriesDigest.hash(bar, seed: seed), source: s,
                                               supersedes: supersedes))
                    }
                    lastRowid = rowid
                }
                if pending.count + rejects.count >= options.batchSize { try flush(finished: false) }
            }
            try flush(finished: true)
        }
        // The pipe's thread may still be writing when reading fails: wait for it, so the
        // connection is free for the run's bookkeeping.
        do { try read() } catch {
            _ = try? pipe.drain()
            throw error
        }
        outcome.counts += try pipe.drain()
        return series.key == nil ? KeyedHashes() : seen
    }

    /// Two rows of one raw (symbol, timeframe) pair of a file whose unique key made every
    /// timestamp distinct can never be duplicates: when they denote different instants yet key to
    /// one session (`05:00` and `06:00` UTC of a date, epochs read in the wrong zone), the
    /// timestamps are not read as the file means them, and the series stops with both rows named
    /// (nothing of it after its last checkpoint is written). The same instant written twice
    /// (`2024-01-02` and `2024-01-02 00:00:00`) is a duplicate as before. Intraday keys are the
    /// instants themselves, so only daily and longer bars can meet this way.
    func checkDistinctLegacyKeys(_ series: LegacySeries, bar: Bar, rowid: Int64, reader: LegacyReader) throws {
        guard reader.schema.bars.uniqueKey, series.rawPairs.count == 1, !bar.timeframe.isIntraday else { return }
        let found = try reader.collision(in: series, key: bar.ts, before: rowid)
        guard let earlier = found.earlier,
              let a = LegacyConversion.writtenInstant(earlier.timestamp), let b = LegacyConversion.writtenInstant(found.current),
              a != b else { return }
        throw LegacyKeyCollision(
            series: "\(bar.symbol.value) \(bar.timeframe.rawValue)", key: UnixTime.iso8601(bar.ts),
            rows: [(earlier.rowid, earlier.timestamp.display), (rowid, found.current.display)])
    }

    /// The legacy side of a series' verification: rows normalized and validated, the last row of
    /// a key winning.
    func legacyHashes(_ series: LegacySeries, reader: LegacyReader) throws -> KeyedHashes {
        guard let key = series.key else { return KeyedHashes() }
        let seed = SeriesDigest.seed(key)
        var latest = KeyedHashes(capacity: Int(series.rows))
        var n: Int64 = 0
        try reader.rows(of: series) { row in
            n += 1
            guard case .bar(let bar, _, _) = row, validator.check(bar) == nil else { return }
            latest[bar.ts] = SeriesDigest.hash(bar, seed: seed)
        }
        if !options.load { try reportRows(n) }
        return latest
    }

    /// Compares a series' legacy digest with the one the server computes over the rows stored.
    ///
    /// Every legacy row is accounted for: the file's rows of the series are the bars stored plus
    /// the rows rejected (invalid, duplicates, unreadable) by the migrations of this file, so a
    /// row kept or lost silently is a difference even when the stored bars match.
    func verification(_ key: SeriesKey, legacy: SeriesDigest, legacyRows: Int64, fileID: String,
                      connection: PGConnection) throws -> SeriesVerification {
        let stored = try connection.storedDigest(of: key)
        let rejected = try connection.execute("""
            SELECT count(*) FROM rejected_bars r JOIN ingest_runs i ON i.run_id = r.run_id
            WHERE i.command = $1 AND i.details->>'file_id' = $2 AND r.symbol = $3 AND r.timeframe = $4
              AND r.source_location LIKE $5
            """, [Self.command, fileID, key.symbol.value, key.timeframe.rawValue, LegacyReader.origin + ":%"],
            context: "verification: rejected rows").int64(0, 0) ?? 0
        var differences: [String] = []
        if legacyRows != stored.rows + rejected {
            differences.append("rows not accounted for: legacy \(legacyRows), stored \(stored.rows) + rejected \(rejected)")
        }
        if legacy.rows != stored.rows { differences.append("row count: legacy \(legacy.rows), stored \(stored.rows)") }
        if legacy.first != stored.first {
            differences.append("first bar: legacy \(legacy.first.map(UnixTime.iso8601) ?? "none"), stored \(stored.first.map(UnixTime.iso8601) ?? "none")")
        }
        if legacy.last != stored.last {
            differences.append("last bar: legacy \(legacy.last.map(UnixTime.iso8601) ?? "none"), stored \(stored.last.map(UnixTime.iso8601) ?? "none")")
        }
        if legacy.checksum != stored.checksum {
            differences.append("checksum: legacy \(String(legacy.checksum, radix: 16)), stored \(String(stored.checksum, radix: 16))")
        }
        return SeriesVerification(symbol: key.symbol.value, timeframe: key.timeframe.rawValue, legacy: legacy,
                                  stored: stored, legacyRows: legacyRows, rejected: rejected, differences: differences)
    }
}

/// Distinct legacy keys that normalize onto one stored key: a conversion error, not a duplicate.
public struct LegacyKeyCollision: Error, CustomStringConvertible, Sendable {
    public var series: String
    public var key: String
    public var rows: [(rowid: Int64, timestamp: String)]

    public var description: String {
        "legacy rows " + rows.map { "\(LegacyReader.origin):\($0.rowid) ('\($0.timestamp)')" }.joined(separator: " and ")
            + " of \(series) both become the bar \(key): the file's unique key (symbol, timeframe, timestamp) makes them "
            + "two bars, so their timestamps are not read as the file means them; the series stopped "
            + "(nothing of it after its last checkpoint was written). See docs/migrate-sqlite.md \"Timestamps\""
    }
}

extension LegacySeries {
    /// The canonical series, when the raw pair maps to one.
    var key: SeriesKey? {
        guard let symbol, let timeframe else { return nil }
        return SeriesKey(symbol: symbol, timeframe: timeframe)
    }
}

private func jsonString(_ s: String) -> String {
    let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
}
