import Foundation
import JutsuStore

/// Writes one worker's batches on a thread of its own, in order, while the worker reads the
/// next batch: reading and converting on the client overlaps the server's work on the last
/// batch. The worker runs at most one batch ahead (hand-off); `drain()` waits for the batches
/// handed over, so the connection is free again (for checkpoints of finished series and
/// verification) and their counts are known.
final class LoadPipe: @unchecked Sendable {
    struct Item: @unchecked Sendable {
        var batch: LoadBatch
        /// Runs in the batch's transaction (the migration's checkpoint).
        var alsoInTransaction: (() throws -> Void)?
        /// Dry run: rows that supersede an earlier batch's row are counted `duplicate`, not
        /// `inserted` (nothing of the earlier batch was stored).
        var dryRunSuperseding: Int64 = 0
    }

    private let queue = BoundedQueue<Item>(capacity: 1)
    private let condition = NSCondition()
    private var submitted = 0
    private var completed = 0
    private var counts = LoadCounts()
    private var error: (any Error)?
    private let loader: BatchLoader

    init(loader: BatchLoader) {
        self.loader = loader
        let thread = Thread { [self] in
            while let item = queue.pop() {
                var failure: (any Error)?
                var result = LoadCounts()
                if self.failed == nil {
                    do {
                        result = try self.loader.load(item.batch, alsoInTransaction: item.alsoInTransaction).counts
                        if item.dryRunSuperseding > 0 {
                            result.inserted -= item.dryRunSuperseding
                            result.reject(.duplicate, count: item.dryRunSuperseding)
                        }
                    } catch { failure = error }
                }
                condition.lock()
                if let failure, error == nil { error = failure }
                counts += result
                completed += 1
                condition.broadcast()
                condition.unlock()
            }
        }
        thread.name = "jutsu-migrate-load"
        thread.stackSize = 8 << 20
        thread.start()
    }

    private var failed: (any Error)? {
        condition.lock(); defer { condition.unlock() }
        return error
    }

    /// Hands a batch over; throws the error of an earlier batch.
    func submit(_ item: Item) throws {
        if let error = failed { throw error }
        condition.lock()
        submitted += 1
        condition.unlock()
        queue.handOff(item)
    }

    /// Waits until every batch handed over is written; returns their counts (since the last
    /// drain) or throws the first failure.
    func drain() throws -> LoadCounts {
        condition.lock()
        defer { condition.unlock() }
        while completed < submitted { condition.wait() }
        if let error { throw error }
        let out = counts
        counts = LoadCounts()
        return out
    }

    /// Ends the thread (after the last batch).
    func close() { queue.close() }

    deinit { queue.close() }
}
