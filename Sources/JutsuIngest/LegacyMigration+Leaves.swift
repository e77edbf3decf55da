import JutsuCore
import JutsuLegacy
import JutsuStore

extension LegacyMigration {
    /// Leaves made up front and the names of those this run created (to drop if they stay empty).
    struct UpFrontLeaves {
        var known = PartitionCache.Known()
        var createdHere: [String] = []
    }

    /// Creates every partition leaf the migration will write before any worker starts, in a
    /// few round trips: creating a leaf (`CREATE TABLE ... PARTITION OF`) locks its parent
    /// against the other worker's COPY until it commits, and one round trip per leaf per batch
    /// added up (~1.2 s for 143 leaves in the 1M-row benchmark). The times come from the
    /// legacy `timestamp` column alone (an index-only scan of the legacy table's
    /// `UNIQUE(symbol, timeframe, timestamp)`, ~0.2 s for 1M rows), converted as the reader
    /// converts them; a time that fails the validator's time rules (misaligned, future, weekend
    /// daily) makes no leaf. A row with a valid time may still be rejected for its prices, so a
    /// leaf made here can end up empty: `dropEmptyLeaves` removes those this run created once
    /// the bars are in. Series finished by an earlier run are skipped. A leaf missed here is
    /// still ensured per batch as before.
    func createLeaves(_ all: [LegacySeries], fileID: String) throws -> UpFrontLeaves {
        var finished = Set<String>()
        let done = try connection.execute("SELECT series FROM legacy_migration_progress WHERE file_id = $1 AND finished",
                                          [fileID], context: "migration progress")
        for i in 0..<done.rowCount { if let s = done.string(i, 0) { finished.insert(s) } }
        let reader = try LegacyReader(path: options.path)
        let one = Price(micros: 1_000_000)
        var plan = PartitionCache.Plan()
        for series in all where !finished.contains(series.id) {
            guard let symbol = series.symbol, let timeframe = series.timeframe else { continue }
            try reader.barTimes(of: series) { ts in
                let probe = Bar(symbol: symbol, timeframe: timeframe, ts: ts, open: one, high: one, low: one, close: one, volume: 0)
                if validator.check(probe) == nil { plan.add(timeframe, ts: ts) }
            }
        }
        let wanted = plan.leaves(withAtLeast: 1)
        guard !wanted.isEmpty else { return UpFrontLeaves() }
        let existing = try leafNames()
        let known = try PartitionCache.create(wanted, on: connection)
        return UpFrontLeaves(known: known, createdHere: known.allNames.filter { !existing.contains($0) }.sorted())
    }

    /// The names of the leaves of `market_data`.
    func leafNames() throws -> Set<String> {
        let r = try connection.execute("SELECT relid::regclass::text FROM pg_partition_tree('market_data') WHERE isleaf",
                                       context: "partition leaves")
        return Set((0..<r.rowCount).compactMap { r.string($0, 0) })
    }

    /// Drops the leaves of `names` that hold no row, each checked again under its lock, in one
    /// transaction. Run after every worker has finished.
    func dropEmptyLeaves(_ names: [String]) throws {
        // Names come from jutsu_ensure_partition (market_data_<tf>_<period>); anything else is left alone.
        let safe = names.filter { !$0.isEmpty && $0.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F } }
        guard !safe.isEmpty else { return }
        _ = try connection.execute("""
            DO $$
            DECLARE leaf text; has_rows boolean;
            BEGIN
                FOREACH leaf IN ARRAY ARRAY[\(safe.map { "'\($0)'" }.joined(separator: ","))]::text[] LOOP
                    IF to_regclass(leaf) IS NULL THEN CONTINUE; END IF;
                    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', leaf) INTO has_rows;
                    IF has_rows THEN CONTINUE; END IF;
                    EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', leaf);
                    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', leaf) INTO has_rows;
                    IF NOT has_rows THEN EXECUTE format('DROP TABLE %I', leaf); END IF;
                END LOOP;
            END $$
            """, context: "drop empty leaves")
    }
}
