import JutsuCore

/// Creates the leaf partitions of `market_data` that a batch needs, before the batch's
/// transaction, and remembers which exist so steady-state batches cost no round trip.
public final class PartitionCache {
    private var known: Set<Leaf> = []

    struct Leaf: Hashable {
        var timeframe: Timeframe
        /// Start of the leaf's range: a month for intraday, a year otherwise (as year*12+month).
        var period: Int64
    }

    public init() {}

    static func leaf(timeframe: Timeframe, ts: Int64) -> Leaf {
        let date = UnixTime.civilDate(ofSeconds: ts)
        let period = timeframe.isIntraday ? Int64(date.year) * 12 + Int64(date.month - 1) : Int64(date.year) * 12
        return Leaf(timeframe: timeframe, period: period)
    }

    /// Ensures every leaf that `bars` fall into exists. Runs in autocommit (each call its own
    /// short transaction), so partition creation never holds locks for the length of a batch.
    public func ensure(for bars: [Bar], on connection: PGConnection) throws {
        var missing: [Leaf: Int64] = [:]
        var last: Leaf?
        for bar in bars {
            let leaf = Self.leaf(timeframe: bar.timeframe, ts: bar.ts)
            if leaf == last { continue }
            last = leaf
            if !known.contains(leaf), missing[leaf] == nil { missing[leaf] = bar.ts }
        }
        for (leaf, ts) in missing.sorted(by: { ($0.key.timeframe.rawValue, $0.key.period) < ($1.key.timeframe.rawValue, $1.key.period) }) {
            try connection.execute("SELECT jutsu_ensure_partition($1, to_timestamp($2))",
                                   [leaf.timeframe.rawValue, String(ts)], context: "create partition")
            known.insert(leaf)
        }
    }
}
