import JutsuCore

extension PartitionCache {
    /// The leaves that a set of bar times falls into, with how many times fell into each (and
    /// one time of each), gathered before a load so the leaves can be created up front.
    public struct Plan: Sendable {
        var leaves: [Leaf: (ts: Int64, times: Int)] = [:]
        var run: (leaf: Leaf, ts: Int64, times: Int)?

        public init() {}

        public mutating func add(_ timeframe: Timeframe, ts: Int64) {
            let leaf = PartitionCache.leaf(timeframe: timeframe, ts: ts)
            // Consecutive times mostly share a leaf: hash only when it changes.
            if let r = run, r.leaf == leaf {
                run!.times += 1
                return
            }
            flush()
            run = (leaf, ts, 1)
        }

        mutating func flush() {
            guard let r = run else { return }
            leaves[r.leaf, default: (r.ts, 0)].times += r.times
            run = nil
        }

        /// The leaves with at least `times` times in them, each with one of its times.
        public mutating func leaves(withAtLeast times: Int) -> [(timeframe: Timeframe, ts: Int64)] {
            flush()
            return leaves.filter { $0.value.times >= times }
                .sorted { ($0.key.timeframe.rawValue, $0.key.period) < ($1.key.timeframe.rawValue, $1.key.period) }
                .map { ($0.key.timeframe, $0.value.ts) }
        }
    }

    /// Leaf names known to exist, to seed the caches of several loaders.
    public struct Known: Sendable {
        var names: [Leaf: String] = [:]
        public init() {}
        public var count: Int { names.count }
        public var allNames: [String] { Array(names.values) }
    }

    /// Creates (if missing) the leaf of each (timeframe, time), `perStatement` leaves per round
    /// trip, each statement its own short transaction (so a long list never holds many catalog
    /// locks at once), and returns their names.
    public static func create(_ wanted: [(timeframe: Timeframe, ts: Int64)], on connection: PGConnection,
                              perStatement: Int = 64) throws -> Known {
        var known = Known()
        var start = 0
        while start < wanted.count {
            let chunk = wanted[start..<min(start + perStatement, wanted.count)]
            let timeframes = "{" + chunk.map(\.timeframe.rawValue).joined(separator: ",") + "}"
            let times = "{" + chunk.map { String($0.ts) }.joined(separator: ",") + "}"
            let result = try connection.execute("""
                SELECT jutsu_ensure_partition(tf, to_timestamp(t)) FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS u(tf, t, n) ORDER BY n
                """, [timeframes, times], context: "create partitions")
            for (i, w) in chunk.enumerated() {
                guard let name = result.string(i, 0) else { continue }
                known.names[leaf(timeframe: w.timeframe, ts: w.ts)] = name
            }
            start += perStatement
        }
        return known
    }

    /// Remembers leaves created elsewhere (`create(_:on:)`), so `ensure` finds them cached.
    public func adopt(_ known: Known) {
        names.merge(known.names) { current, _ in current }
    }
}
