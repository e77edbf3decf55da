import JutsuCore
import JutsuStore

/// The transaction being gathered by the loader thread: chunks of one or several files (a
/// vendor drop of one small file per symbol loads in full-size transactions), up to the batch
/// size.
struct PendingBatch {
    var batch: LoadBatch
    /// The input file index of each `batch.origins` entry.
    var files: [Int] = []
    /// Rejects found before the loader (parse, validation, duplicates within a file), per file:
    /// added to the file's counts when the batch commits.
    var rejectCounts: [Int: LoadCounts] = [:]
    /// Time range of each series in the batch and the file it came from. A chunk of another file
    /// whose range overlaps one of these goes into the next transaction instead, so a key that
    /// two files hold is loaded in file order (the later file updates it), never twice in one
    /// transaction.
    private var ranges: [SeriesKey: (lo: Int64, hi: Int64, file: Int)] = [:]

    /// Files per transaction at most (origin indices are 16-bit).
    static let maxFiles = 4_096

    init(capacity: Int, first chunk: LoadBatch) {
        batch = LoadBatch(origin: chunk.origin, dataSource: chunk.dataSource)
        // Sized once: growing by doubling would hold up to twice the batch.
        batch.reserveCapacity(capacity)
    }

    /// Per series, the lowest and highest time of `bars` (one pass, per run of equal series).
    static func seriesRanges(_ bars: [Bar]) -> [SeriesKey: (lo: Int64, hi: Int64)] {
        var out: [SeriesKey: (lo: Int64, hi: Int64)] = [:]
        forEachSeriesRun(bars) { key, lo, hi, _ in
            if let r = out[key] { out[key] = (min(r.lo, lo), max(r.hi, hi)) } else { out[key] = (lo, hi) }
        }
        return out
    }

    /// Calls `body` once per run of consecutive bars of one series with its lowest and highest
    /// time and its length: per-series work without a dictionary lookup per bar.
    static func forEachSeriesRun(_ bars: [Bar], _ body: (SeriesKey, Int64, Int64, Int) -> Void) {
        var i = 0
        while i < bars.count {
            let key = SeriesKey(bars[i])
            var lo = bars[i].ts, hi = bars[i].ts
            var j = i + 1
            while j < bars.count, bars[j].symbol == key.symbol, bars[j].timeframe == key.timeframe {
                lo = min(lo, bars[j].ts)
                hi = max(hi, bars[j].ts)
                j += 1
            }
            body(key, lo, hi, j - i)
            i = j
        }
    }

    /// Whether a chunk of `file` with these ranges must wait for the next transaction.
    func mustFlush(before file: Int, _ chunkRanges: [SeriesKey: (lo: Int64, hi: Int64)]) -> Bool {
        if files.last != file, files.count >= Self.maxFiles { return true }
        for (key, r) in chunkRanges {
            if let held = ranges[key], held.file != file, r.lo <= held.hi, held.lo <= r.hi { return true }
        }
        return false
    }

    mutating func add(_ chunk: LoadBatch, file: Int, _ chunkRanges: [SeriesKey: (lo: Int64, hi: Int64)]) {
        let rejectsBefore = batch.rejects.count
        BatchAssembler.merge(chunk, into: &batch)
        if batch.origins.count > files.count { files.append(file) }
        for reject in batch.rejects[rejectsBefore...] {
            rejectCounts[file, default: LoadCounts()].read += 1
            rejectCounts[file, default: LoadCounts()].reject(reject.reason)
        }
        for (key, r) in chunkRanges {
            if let held = ranges[key] {
                ranges[key] = (min(held.lo, r.lo), max(held.hi, r.hi), file)
            } else {
                ranges[key] = (r.lo, r.hi, file)
            }
        }
    }
}
