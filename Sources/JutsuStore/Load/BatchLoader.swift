import JutsuCore
import Logging

/// Writes batches of bars atomically: bars, metadata, audit rows, rejects, corporate actions
/// and the run's counters commit together or not at all.
///
/// Per batch, under a transaction-level advisory lock per series:
/// - rows outside the series' stored range (from `data_metadata`) cannot collide and go straight
///   into `market_data` by binary COPY;
/// - rows inside it are compared with the stored rows (read back by COPY): absent ones are
///   inserted the same way, changed ones go through a staging table and an `UPDATE ...
///   IS DISTINCT FROM`, identical ones are counted unchanged and never rewritten.
/// If `data_metadata` ever disagrees with the bars (a unique violation on the direct path), the
/// batch is retried with every row compared.
public final class BatchLoader {
    public let connection: PGConnection
    public let runID: Int64
    /// `data_audit_log.operation`, e.g. `import`.
    public let operation: String
    /// Compare and count, but roll every batch back: what the load would do, with nothing written.
    public let dryRun: Bool
    /// What may happen to a stored bar that the batch has with other values.
    public let policy: LoadPolicy
    let partitions = PartitionCache()
    var stagingReady = false
    var seenKeysReady = false
    var encodeBuffer: [UInt8] = []

    public init(connection: PGConnection, runID: Int64, operation: String, dryRun: Bool = false,
                policy: LoadPolicy = LoadPolicy()) {
        self.policy = policy
        self.connection = connection
        self.runID = runID
        self.operation = operation
        self.dryRun = dryRun
    }

    /// The counts of one committed batch, in total and per series.
    public struct Result: Sendable {
        public var counts = LoadCounts()
        public var perSeries: [SeriesKey: LoadCounts] = [:]
        /// Counts of the batch's bars (not of `batch.rejects`) per `batch.origins` entry.
        public var perOrigin: [LoadCounts] = []
    }

    /// `alsoInTransaction` runs inside the batch's transaction after the writes (not in a dry
    /// run): e.g. a migration's checkpoint, which then commits with the batch or not at all.
    public func load(_ batch: LoadBatch, alsoInTransaction: (() throws -> Void)? = nil) throws -> Result {
        if dryRun {
            try connection.execute("BEGIN READ ONLY")
            defer { _ = try? connection.execute("ROLLBACK") }
            return try write(batch, trustMetadata: true)
        }
        try partitions.ensure(for: batch.bars, on: connection)
        do {
            let started = ContinuousClock.now
            let result = try connection.transaction {
                let r = try write(batch, trustMetadata: true)
                try alsoInTransaction?()
                // Last: the run's row is shared by every loader of the run, and its row lock is
                // held until the commit; taken earlier, the other loader's batch waits for ours.
                try addRunCounts(r.counts)
                return r
            }
            connection.logger.debug("batch committed", metadata: [
                "run_id": "\(runID)", "rows": "\(batch.rowsRead)", "inserted": "\(result.counts.inserted)",
                "updated": "\(result.counts.updated)", "unchanged": "\(result.counts.unchanged)",
                "rejected": "\(result.counts.rejected)", "ms": "\((ContinuousClock.now - started).milliseconds)",
            ])
            return result
        } catch let error as StoreError where error.isUniqueViolation {
            connection.logger.warning("data_metadata disagrees with market_data; comparing every row of the batch",
                                      metadata: ["run_id": "\(runID)"])
            return try connection.transaction {
                let r = try write(batch, trustMetadata: false)
                try alsoInTransaction?()
                try addRunCounts(r.counts)
                return r
            }
        }
    }

    /// What the comparison decided for the batch's rows.
    struct Plan {
        var inserts: [Int] = []
        var updates: [Int] = []
        var result = Result()
        var rejects: [RejectRecord] = []
        var metadata: [MetadataKey: MetadataDelta] = [:]
        var recount: Set<MetadataKey> = []
    }

    func write(_ batch: LoadBatch, trustMetadata: Bool) throws -> Result {
        let groups = Self.groupBySeries(batch.bars)
        let keys = groups.keys.sorted()
        try lockSeries(keys)
        let stored = trustMetadata ? try storedRanges(keys) : [:]
        var plan = Plan()
        plan.rejects = batch.rejects

        // Which rows need a look at what is stored.
        var lookups: [SeriesKey: ClosedRange<Int64>] = [:]
        var points: [SeriesKey: [(table: String, times: [Int64])]] = [:]
        for (key, indices) in groups {
            let range = trustMetadata ? stored[key] : Int64.min...Int64.max
            guard let range else { continue }
            var lo = Int64.max, hi = Int64.min
            var inRange = 0
            for i in indices where range.contains(batch.bars[i].ts) {
                lo = min(lo, batch.bars[i].ts)
                hi = max(hi, batch.bars[i].ts)
                inRange += 1
            }
            guard lo <= hi else { continue }
            // Few rows over a long stretch of stored bars: look those keys up one by one
            // instead of reading the stretch back (it may be the whole series).
            let span = (hi &- lo) / max(1, key.timeframe.stepSeconds) + 1
            if trustMetadata, inRange <= 100_000, span > Int64(inRange) * 32 {
                let wanted = indices.filter { range.contains(batch.bars[$0].ts) }
                points[key] = partitions.leaves(of: batch.bars, wanted).map { ($0.name ?? "market_data", $0.indices.map { batch.bars[$0].ts }) }
            } else {
                lookups[key] = lo...hi
            }
        }
        let existing = try connection.storedBars(in: lookups, at: points)

        let sourceNames = batch.sources.map(\.value)
        let multiOrigin = batch.origins.count > 1
        plan.result.perOrigin = Array(repeating: LoadCounts(), count: batch.origins.count)
        for (key, indices) in groups {
            var series = LoadCounts()
            // Each source's metadata change for the series, gathered here and merged once.
            var deltas = [MetadataDelta](repeating: MetadataDelta(), count: sourceNames.count)
            // Stored rows sorted by time (the index scans give them nearly so), found by binary search.
            var rows = existing[key] ?? []
            if !rows.isSorted(by: { $0.ts < $1.ts }) { rows.sort { $0.ts < $1.ts } }
            for i in indices {
                // Several files in the batch: what this row adds to the series, also to its file.
                let before = multiOrigin ? series : LoadCounts()
                defer { if multiOrigin { plan.result.perOrigin[batch.originIndex(ofRow: i)].add(series, minus: before) } }
                let bar = batch.bars[i]
                let s = batch.sourceIndex(ofRow: i)
                let source = sourceNames[s]
                series.read += 1
                deltas[s].watermark = max(deltas[s].watermark ?? bar.ts, bar.ts)
                guard let n = rows.index(ofTime: bar.ts) else {
                    plan.inserts.append(i)
                    series.inserted += 1
                    deltas[s].add(bar.ts)
                    continue
                }
                let old = rows[n]
                let changed = !old.hasSameValues(as: bar)
                // Bars stored before this run may be protected by the load policy (a row this
                // run wrote itself is always superseded by a later row of the same file).
                if changed, old.runID != runID, let refusal = policy.refusal(storedSource: old.dataSource, incoming: source) {
                    series.reject(refusal)
                    plan.rejects.append(.bar(bar, at: batch.origin(ofRow: i), line: batch.lines[i], reason: refusal,
                                             message: policy.message(refusal, key: key, ts: bar.ts, storedSource: old.dataSource, stored: old.bar(of: key))))
                    continue
                }
                if batch.supersedes[i] {
                    // An earlier row of this file had the same key; this later one wins, the
                    // earlier one is the duplicate. The earlier row's outcome stays counted.
                    series.reject(.duplicate)
                    // The superseded row's own line is not kept: record its stored values at the winner's line.
                    plan.rejects.append(.bar(old.bar(of: key), at: batch.origin(ofRow: i), line: batch.lines[i], reason: .duplicate,
                                             message: "duplicate key \(key) \(UnixTime.iso8601(bar.ts)): an earlier row of this file (these values) was superseded by line \(batch.lines[i])"))
                    if changed, old.runID != runID, !batch.supersededCountedElsewhere(i) {
                        series.unchanged -= 1
                        series.updated += 1
                    }
                } else if changed {
                    series.updated += 1
                } else {
                    series.unchanged += 1
                }
                if changed {
                    plan.updates.append(i)
                    if old.dataSource != source {
                        deltas[s].add(bar.ts)
                        plan.metadata[MetadataKey(key, old.dataSource), default: .init()].count -= 1
                        plan.recount.insert(MetadataKey(key, old.dataSource))
                    }
                }
            }
            // Every series read from a source gets its fetch time and watermark moved.
            for (s, delta) in deltas.enumerated() where delta.watermark != nil {
                plan.metadata[MetadataKey(key, sourceNames[s]), default: .init()].merge(delta)
            }
            plan.result.perSeries[key] = series
            plan.result.counts += series
            if !multiOrigin { plan.result.perOrigin[0] += series }
        }
        for reject in batch.rejects {
            plan.result.counts.read += 1
            plan.result.counts.reject(reject.reason)
            if let symbol = reject.symbol, let timeframe = reject.timeframe, let s = try? Symbol(canonicalizing: symbol) {
                let key = SeriesKey(symbol: s, timeframe: timeframe)
                plan.result.perSeries[key, default: LoadCounts()].read += 1
                plan.result.perSeries[key, default: LoadCounts()].reject(reject.reason)
            }
        }

        if dryRun { return plan.result }
        if policy.recordsKeys { try recordKeys(batch) }
        try insertBars(batch, plan.inserts)
        try updateBars(batch, plan.updates)
        try writeMetadata(plan)
        try writeAudit(batch, plan.result.perSeries)
        try writeRejects(plan.rejects)
        try writeCorporateActions(batch)
        return plan.result
    }

    static func groupBySeries(_ bars: [Bar]) -> [SeriesKey: [Int]] {
        var groups: [SeriesKey: [Int]] = [:]
        var lastKey: SeriesKey?
        var lastIndices: [Int] = []
        for (i, bar) in bars.enumerated() {
            let key = SeriesKey(bar)
            if key != lastKey {
                if let lastKey { groups[lastKey, default: []].append(contentsOf: lastIndices) }
                lastKey = key
                lastIndices.removeAll(keepingCapacity: true)
            }
            lastIndices.append(i)
        }
        if let lastKey { groups[lastKey, default: []].append(contentsOf: lastIndices) }
        return groups
    }

    /// Serializes writers of the same series (any process, any host sharing the database).
    /// Locks are taken in a fixed order so two batches never deadlock.
    func lockSeries(_ keys: [SeriesKey]) throws {
        guard !keys.isEmpty else { return }
        let names = keys.map { "\($0.symbol.value)/\($0.timeframe.rawValue)" }
        try connection.execute("""
            SELECT count(pg_advisory_xact_lock(k)) FROM (
              SELECT DISTINCT hashtextextended(n, 7) AS k FROM unnest($1::text[]) AS n ORDER BY 1) AS locks
            """, [CopyText.arrayLiteral(names)], context: "lock series")
    }

    /// The stored time range of each series, across sources, from `data_metadata`.
    func storedRanges(_ keys: [SeriesKey]) throws -> [SeriesKey: ClosedRange<Int64>] {
        guard !keys.isEmpty else { return [:] }
        let result = try connection.execute("""
            SELECT symbol, timeframe, extract(epoch FROM min(first_bar_ts))::bigint, extract(epoch FROM max(last_bar_ts))::bigint
            FROM data_metadata
            WHERE (symbol, timeframe) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND bar_count > 0
            GROUP BY symbol, timeframe
            """, [CopyText.arrayLiteral(keys.map(\.symbol.value)), CopyText.arrayLiteral(keys.map(\.timeframe.rawValue))],
            context: "stored ranges")
        var out: [SeriesKey: ClosedRange<Int64>] = [:]
        for row in 0..<result.rowCount {
            guard let symbol = result.string(row, 0).flatMap({ try? Symbol(canonicalizing: $0) }),
                  let timeframe = result.string(row, 1).flatMap(Timeframe.init(parsing:)),
                  let lo = result.int64(row, 2), let hi = result.int64(row, 3), lo <= hi else { continue }
            out[SeriesKey(symbol: symbol, timeframe: timeframe)] = lo...hi
        }
        return out
    }
}

extension Array where Element == StoredBar {
    /// Position of the row at `ts` in rows sorted by time.
    func index(ofTime ts: Int64) -> Int? {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if self[mid].ts < ts { lo = mid + 1 } else { hi = mid }
        }
        return lo < count && self[lo].ts == ts ? lo : nil
    }

    func isSorted(by less: (StoredBar, StoredBar) -> Bool) -> Bool {
        var i = 1
        while i < count {
            if less(self[i], self[i - 1]) { return false }
            i += 1
        }
        return true
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}

/// `data_metadata` row key.
struct MetadataKey: Hashable {
    var series: SeriesKey
    var source: String
    init(_ series: SeriesKey, _ source: String) {
        self.series = series
        self.source = source
    }
}

/// Change to one `data_metadata` row within a batch.
struct MetadataDelta {
    var count: Int64 = 0
    var first: Int64?
    var last: Int64?
    var watermark: Int64?

    mutating func add(_ ts: Int64) {
        count += 1
        first = min(first ?? ts, ts)
        last = max(last ?? ts, ts)
    }

    mutating func merge(_ other: MetadataDelta) {
        count += other.count
        if let f = other.first { first = min(first ?? f, f) }
        if let l = other.last { last = max(last ?? l, l) }
        if let w = other.watermark { watermark = max(watermark ?? w, w) }
    }
}
