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
    /// Rows per transaction (bars and rejects of one series, one data source).
    public var batchSize = 50_000
    /// UTC seconds for `future_timestamp`.
    public var now: Int64

    public init(path: String, now: Int64) {
        self.path = path
        self.now = now
    }
}

/// One side of a series' verification.
public struct SeriesDigest: Sendable, Equatable, Encodable {
    public var rows: Int64 = 0
    public var first: Int64?
    public var last: Int64?
    /// Wrapping sum of a 64-bit hash of `symbol|timeframe|ts|open|high|low|close|volume`
    /// (ts in epoch seconds, prices with six decimals): independent of row order.
    public var checksum: UInt64 = 0

    mutating func add(ts: Int64, hash: UInt64) {
        rows += 1
        first = min(first ?? ts, ts)
        last = max(last ?? ts, ts)
        checksum &+= hash
    }

    enum CodingKeys: String, CodingKey { case rows, first, last, checksum }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(first.map(UnixTime.iso8601), forKey: .first)
        try c.encode(last.map(UnixTime.iso8601), forKey: .last)
        try c.encode(String(checksum, radix: 16), forKey: .checksum)
    }

    /// 64-bit FNV-1a of the normalized row text, finished with a SplitMix64 mix.
    static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        return h ^ (h >> 31)
    }

    static func rowText(symbol: String, timeframe: String, ts: Int64, prices: [String], volume: String) -> String {
        "\(symbol)|\(timeframe)|\(ts)|\(prices.joined(separator: "|"))|\(volume)"
    }
}

/// The verification of one series: legacy rows after normalization, validation and duplicate
/// resolution, against the rows stored.
public struct SeriesVerification: Sendable, Encodable {
    public var symbol: String
    public var timeframe: String
    public var legacy: SeriesDigest
    public var stored: SeriesDigest
    public var differences: [String]
    public var ok: Bool { differences.isEmpty }

    enum CodingKeys: String, CodingKey { case symbol, timeframe, legacy, stored, differences, ok }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(timeframe, forKey: .timeframe)
        try c.encode(legacy, forKey: .legacy)
        try c.encode(stored, forKey: .stored)
        try c.encode(differences, forKey: .differences)
        try c.encode(ok, forKey: .ok)
    }
}

public struct LegacyMigrationSummary: Sendable, Encodable {
    public var file: String
    public var fileID: String
    public var runID: Int64?
    public var dryRun: Bool
    public var series = 0
    /// Series already finished by an earlier run of the same file (nothing read again).
    public var seriesAlreadyDone = 0
    /// Series resumed from a checkpoint of an earlier, interrupted run.
    public var seriesResumed = 0
    public var counts = LoadCounts()
    public var verification: [SeriesVerification]?
    public var verificationFailed: Bool { verification?.contains { !$0.ok } ?? false }

    enum CodingKeys: String, CodingKey {
        case file, fileID = "file_id", runID = "run_id", dryRun = "dry_run", series
        case seriesAlreadyDone = "series_already_done", seriesResumed = "series_resumed"
        case read, inserted, updated, unchanged, rejected, rejectsByReason = "rejects_by_reason"
        case verification, verified
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(fileID, forKey: .fileID)
        try c.encode(runID, forKey: .runID)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(series, forKey: .series)
        try c.encode(seriesAlreadyDone, forKey: .seriesAlreadyDone)
        try c.encode(seriesResumed, forKey: .seriesResumed)
        try c.encode(counts.read, forKey: .read)
        try c.encode(counts.inserted, forKey: .inserted)
        try c.encode(counts.updated, forKey: .updated)
        try c.encode(counts.unchanged, forKey: .unchanged)
        try c.encode(counts.rejected, forKey: .rejected)
        try c.encode(counts.rejectsByReason, forKey: .rejectsByReason)
        try c.encode(verification, forKey: .verification)
        try c.encode(verification.map { _ in !verificationFailed }, forKey: .verified)
    }
}

/// `migrate-sqlite`: moves the legacy `market_data` table through the same validation,
/// duplicate rule and `BatchLoader` as every other source, one series at a time in rowid
/// order, checkpointing each batch with its transaction; then verifies every series.
public final class LegacyMigration {
    public let options: LegacyMigrationOptions
    let connection: PGConnection
    let reader: LegacyReader
    let validator: BarValidator
    public static let command = "migrate-sqlite"
    public static let fallbackSource = DataSourceName("legacy")!

    public init(options: LegacyMigrationOptions, connection: PGConnection) throws {
        self.options = options
        self.connection = connection
        reader = try LegacyReader(path: options.path)
        validator = BarValidator(now: options.now)
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

    public func run() throws -> LegacyMigrationSummary {
        let fileID = try Self.fileIdentity(options.path)
        var summary = LegacyMigrationSummary(file: options.path, fileID: fileID, dryRun: options.dryRun)
        let all = try reader.series().filter(selected)
        summary.series = all.count
        if options.load {
            let registry = RunRegistry(connection: connection)
            var runID: Int64 = 0
            if !options.dryRun {
                try registry.abortAbandonedRuns()
                runID = try registry.start(command: Self.command,
                                           detailsJSON: #"{"file": \#(jsonString(options.path)), "file_id": "\#(fileID)"}"#)
                summary.runID = runID
            }
            let loader = BatchLoader(connection: connection, runID: runID, operation: "migrate", dryRun: options.dryRun)
            do {
                for series in all { try migrate(series, fileID: fileID, loader: loader, summary: &summary) }
            } catch {
                if !options.dryRun { try? registry.finish(runID, status: "failed", error: "\(error)") }
                throw error
            }
            if options.verify && !options.dryRun { summary.verification = try verify(all) }
            if !options.dryRun {
                let failed = summary.verificationFailed
                try registry.finish(runID, status: failed ? "failed" : "succeeded",
                                    error: failed ? "verification found differences" : nil)
            }
        } else if options.verify {
            summary.verification = try verify(all)
        }
        return summary
    }

    struct Pending {
        var bar: Bar
        var rowid: Int64
        var supersedes: Bool
        var alive = true
    }

    func migrate(_ series: LegacySeries, fileID: String, loader: BatchLoader,
                 summary: inout LegacyMigrationSummary) throws {
        var after: Int64 = 0
        if !options.dryRun {
            let p = try connection.execute("SELECT last_rowid, finished FROM legacy_migration_progress WHERE file_id = $1 AND series = $2",
                                           [fileID, series.id])
            if p.rowCount == 1 {
                if p.bool(0, 1) == true {
                    summary.seriesAlreadyDone += 1
                    return
                }
                after = p.int64(0, 0) ?? 0
            }
        }
        // Keys loaded by batches before this one (so a later row of the same key supersedes
        // it): on resume, rebuilt from the rows already done.
        var seen = Set<Int64>()
        if after > 0 {
            summary.seriesResumed += 1
            try reader.rows(of: series, through: after) { row in
                if case .bar(let bar, _, _) = row, validator.check(bar) == nil { seen.insert(bar.ts) }
            }
        }
        var pending: [Pending] = []
        var pendingAt: [Int64: Int] = [:]
        var rejects: [RejectRecord] = []
        var source = Self.fallbackSource
        var lastRowid = after

        func flush(finished: Bool) throws {
            var batch = LoadBatch(origin: LegacyReader.origin, dataSource: source)
            batch.reserveCapacity(pending.count)
            for p in pending where p.alive { batch.append(p.bar, line: p.rowid, supersedes: p.supersedes) }
            batch.rejects = rejects
            let rows = Int64(batch.rowsRead)
            let checkpoint = {
                try self.connection.execute("""
                    INSERT INTO legacy_migration_progress (file_id, series, last_rowid, rows_read, finished, run_id)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (file_id, series) DO UPDATE SET last_rowid = excluded.last_rowid,
                        rows_read = legacy_migration_progress.rows_read + excluded.rows_read,
                        finished = excluded.finished, run_id = excluded.run_id, updated_at = now()
                    """, [fileID, series.id, String(lastRowid), String(rows), finished ? "true" : "false", String(loader.runID)],
                    context: "migration checkpoint")
            }
            if rows > 0 {
                var result = try loader.load(batch, alsoInTransaction: { _ = try checkpoint() })
                if options.dryRun {
                    // Nothing was stored by earlier batches: a row superseding one of them was
                    // counted inserted; a real run counts it a `duplicate` (the earlier row stays
                    // counted inserted, as the loader does within one run).
                    let superseding = Int64(batch.supersedes.filter { $0 }.count)
                    result.counts.inserted -= superseding
                    result.counts.reject(.duplicate, count: superseding)
                }
                summary.counts += result.counts
            } else if !options.dryRun {
                _ = try checkpoint()
            }
            for p in pending where p.alive { seen.insert(p.bar.ts) }
            pending.removeAll(keepingCapacity: true)
            pendingAt.removeAll(keepingCapacity: true)
            rejects.removeAll(keepingCapacity: true)
        }

        try reader.rows(of: series, after: after) { row in
            switch row {
            case .reject(let r):
                rejects.append(RejectRecord(location: r.location, symbol: r.symbol, timeframe: r.timeframe,
                                            rawText: r.rawText, reason: r.reason, message: r.message))
                lastRowid = r.rowid
            case .bar(let bar, let rawSource, let rowid):
                if let (reason, message) = validator.check(bar) {
                    rejects.append(.bar(bar, at: LegacyReader.origin, line: rowid, reason: reason, message: message))
                } else {
                    let rowSource = rawSource.flatMap { DataSourceName($0.lowercased()) } ?? Self.fallbackSource
                    if rowSource != source {
                        if !pending.isEmpty { try flush(finished: false) }
                        source = rowSource
                    }
                    var supersedes = seen.contains(bar.ts)
                    if let earlier = pendingAt[bar.ts] {
                        // Same key earlier in this batch: that row is the duplicate, this one wins.
                        pending[earlier].alive = false
                        supersedes = pending[earlier].supersedes
                        rejects.append(.duplicate(pending[earlier].bar, at: LegacyReader.origin,
                                                  line: pending[earlier].rowid, winnerLine: rowid))
                    }
                    pendingAt[bar.ts] = pending.count
                    pending.append(Pending(bar: bar, rowid: rowid, supersedes: supersedes))
                }
                lastRowid = rowid
            }
            if pending.count + rejects.count >= options.batchSize { try flush(finished: false) }
        }
        try flush(finished: true)
    }

    /// Per series: the legacy side (normalized, validated, duplicates resolved: the last row of a
    /// key wins) against the stored rows (one COPY per series).
    public func verify(_ all: [LegacySeries]) throws -> [SeriesVerification] {
        var out: [SeriesVerification] = []
        for series in all {
            guard let symbol = series.symbol, let timeframe = series.timeframe else { continue }
            var latest: [Int64: UInt64] = [:]
            try reader.rows(of: series) { row in
                guard case .bar(let bar, _, _) = row, validator.check(bar) == nil else { return }
                latest[bar.ts] = SeriesDigest.hash(SeriesDigest.rowText(
                    symbol: symbol.value, timeframe: timeframe.rawValue, ts: bar.ts,
                    prices: [bar.open, bar.high, bar.low, bar.close].map(\.description), volume: String(bar.volume)))
            }
            var legacy = SeriesDigest()
            for (ts, h) in latest { legacy.add(ts: ts, hash: h) }
            var stored = SeriesDigest()
            // Symbols and timeframes are canonical (A-Z 0-9 . ^ =), safe inside the literal.
            try connection.copyOut("""
                COPY (SELECT symbol, timeframe, extract(epoch FROM ts)::bigint, open, high, low, close, volume
                      FROM market_data WHERE symbol = '\(symbol.value)' AND timeframe = '\(timeframe.rawValue)') TO STDOUT
                """, context: "verify \(series.id)") { bytes in
                var text = String(decoding: bytes, as: UTF8.self)
                if text.hasSuffix("\n") { text.removeLast() }
                let f = text.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
                guard f.count == 8, let ts = Int64(f[2]) else { return }
                stored.add(ts: ts, hash: SeriesDigest.hash(SeriesDigest.rowText(
                    symbol: f[0], timeframe: f[1], ts: ts, prices: Array(f[3...6]), volume: f[7])))
            }
            var differences: [String] = []
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
            out.append(SeriesVerification(symbol: symbol.value, timeframe: timeframe.rawValue, legacy: legacy,
                                          stored: stored, differences: differences))
        }
        return out
    }
}

private func jsonString(_ s: String) -> String {
    let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self)
}
