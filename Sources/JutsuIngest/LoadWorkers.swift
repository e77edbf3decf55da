import Foundation
import JutsuCore
import JutsuStore

/// The loader threads of an import: each has its own connection and owns a fixed share of the
/// series (by hash), so two backends share the server's work while every series is still
/// written in input order by one of them. Each transaction holds whole series of one worker;
/// per series the guarantees are those of a single loader.
final class LoadWorkers: @unchecked Sendable {
    struct Item: Sendable {
        var batch: LoadBatch
        /// Input file index of each `batch.origins` entry.
        var files: [Int]
        /// Rejects found before the loader, per file (counted once the batch commits).
        var rejectCounts: [Int: LoadCounts]
    }

    struct Outcome {
        var counts = LoadCounts()
        var perFile: [Int: LoadCounts] = [:]
        var perSeries: [SeriesKey: LoadCounts] = [:]
        var deleted: [SeriesKey: Int64] = [:]
        var error: (any Error)?
        var errorFiles: [Int] = []
    }

    private let lock = NSLock()
    private var outcome = Outcome()
    private let queues: [BoundedQueue<Item>]
    private let loaders: [BatchLoader]
    private let group = DispatchGroup()
    private let replaceRanges: [SeriesKey: ClosedRange<Int64>]
    private let dataSource: String
    /// Called once, from a worker, when a load fails (the import stops reading).
    private let onError: @Sendable () -> Void

    var count: Int { loaders.count }

    init(loaders: [BatchLoader], replaceRanges: [SeriesKey: ClosedRange<Int64>], dataSource: String,
         onError: @escaping @Sendable () -> Void) {
        self.loaders = loaders
        self.queues = loaders.map { _ in BoundedQueue<Item>(capacity: 1) }
        self.replaceRanges = replaceRanges
        self.dataSource = dataSource
        self.onError = onError
        for w in loaders.indices {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                work(w)
            }
            thread.name = "jutsu-load-\(w)"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// The worker that owns a series.
    func worker(for bar: Bar) -> Int {
        loaders.count == 1 ? 0 : Int(UInt(bitPattern: SeriesKey(bar).hashValue) % UInt(loaders.count))
    }

    var failed: Bool {
        lock.lock(); defer { lock.unlock() }
        return outcome.error != nil
    }

    /// Hands a batch to its worker, waiting until the worker takes it (it finished the one
    /// before): per worker one batch is loading and one is being gathered, never more.
    func submit(_ item: Item, to worker: Int) {
        guard !failed else { return }
        queues[worker].handOff(item)
    }

    /// Waits for every worker to drain its queue; replace-range deletes run last, on the
    /// connection that recorded the series' keys.
    func finish() -> Outcome {
        for q in queues { q.close() }
        group.wait()
        lock.lock(); defer { lock.unlock() }
        return outcome
    }

    private func work(_ w: Int) {
        let loader = loaders[w]
        var mine = Set<SeriesKey>()
        while let item = queues[w].pop() {
            do {
                let result = try loader.load(item.batch)
                mine.formUnion(result.perSeries.keys)
                lock.lock()
                outcome.counts += result.counts
                for (o, file) in item.files.enumerated() where o < result.perOrigin.count {
                    outcome.perFile[file, default: LoadCounts()] += result.perOrigin[o]
                }
                for (file, counts) in item.rejectCounts { outcome.perFile[file, default: LoadCounts()] += counts }
                for (key, counts) in result.perSeries { outcome.perSeries[key, default: LoadCounts()] += counts }
                lock.unlock()
            } catch {
                fail(error, files: item.files)
                return
            }
        }
        guard !failed else { return }
        for (key, range) in replaceRanges.sorted(by: { $0.key < $1.key }) where mine.contains(key) {
            do {
                let n = try loader.deleteUnread(key, in: range, dataSource: dataSource)
                lock.lock(); outcome.deleted[key] = n; lock.unlock()
            } catch {
                fail(error, files: [])
                return
            }
        }
    }

    private func fail(_ error: any Error, files: [Int]) {
        lock.lock()
        let first = outcome.error == nil
        if first {
            outcome.error = error
            outcome.errorFiles = files
        }
        lock.unlock()
        if first {
            for q in queues { q.close() }
            onError()
        }
    }
}
