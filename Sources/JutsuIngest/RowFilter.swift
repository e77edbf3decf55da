import JutsuCore
import JutsuStore

/// What a pipeline run reads of its files: the selected symbols, each series from its window
/// start on (incremental runs), and nothing but the rejects of series that failed their reject
/// ratio. Applied on the parse thread, after validation.
public struct RowFilter: Sendable {
    /// nil: every symbol.
    public var symbols: Set<Symbol>?
    /// First bar time read per series; series not listed start at `defaultStart` (nil: all).
    public var windowStart: [SeriesKey: Int64]
    public var defaultStart: Int64?
    /// Series none of whose valid rows are stored (their rejects are).
    public var discard: Set<SeriesKey>

    public init(symbols: Set<Symbol>? = nil, windowStart: [SeriesKey: Int64] = [:], defaultStart: Int64? = nil,
                discard: Set<SeriesKey> = []) {
        self.symbols = symbols
        self.windowStart = windowStart
        self.defaultStart = defaultStart
        self.discard = discard
    }

    public func start(of key: SeriesKey) -> Int64? { windowStart[key] ?? defaultStart }

    /// Rows the filter took out of a chunk.
    struct Removed {
        /// Outside the selection or before the window: not read, in the run's terms.
        var skipped: Int64 = 0
        /// Valid rows of discarded series, per series.
        var discarded: [SeriesKey: Int64] = [:]
    }

    func apply(to batch: inout LoadBatch) -> Removed {
        var removed = Removed()
        var keep = [Bool](repeating: false, count: batch.bars.count)
        for (i, bar) in batch.bars.enumerated() {
            let key = SeriesKey(bar)
            if let symbols, !symbols.contains(bar.symbol) { removed.skipped += 1; continue }
            if let start = start(of: key), bar.ts < start { removed.skipped += 1; continue }
            if discard.contains(key) { removed.discarded[key, default: 0] += 1; continue }
            keep[i] = true
        }
        batch.keepRows(keep)

        let before = batch.rejects.count
        batch.rejects.removeAll { reject in
            guard let text = reject.symbol, let symbol = try? Symbol(canonicalizing: text) else { return false }
            if let symbols, !symbols.contains(symbol) { return true }
            if let ts = reject.ts, let timeframe = reject.timeframe,
               let start = start(of: SeriesKey(symbol: symbol, timeframe: timeframe)), ts < start { return true }
            return false
        }
        removed.skipped += Int64(before - batch.rejects.count)
        batch.corporateActions.removeAll { action in symbols.map { !$0.contains(action.symbol) } ?? false }
        return removed
    }
}
