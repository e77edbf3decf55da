import Foundation
import JutsuStore

/// Verifies migrated series on a thread and connection of its own, in the order they finish, so
/// a worker goes on to its next series while the server digests the last one. At the end of a
/// migration the two largest series finish together; verifying both on the workers held both
/// while the rest of the file waited (~1 s each when the rows were still read back). A series
/// is handed over only after all of its batches committed, with its legacy digest (a few
/// numbers).
final class LegacyVerifier: @unchecked Sendable {
    struct Item: Sendable {
        var id: String
        var key: SeriesKey
        var legacy: SeriesDigest
        /// Every row of the series in the file, bars and rejects alike.
        var legacyRows: Int64
    }

    private let queue = BoundedQueue<Item>(capacity: 1 << 16)
    private let lock = NSLock()
    private var results: [String: SeriesVerification] = [:]
    private var error: (any Error)?
    private var cancelled = false
    private let done = DispatchSemaphore(value: 0)

    init(connection: PGConnection,
         verify: @escaping @Sendable (Item, PGConnection) throws -> SeriesVerification) {
        let thread = Thread { [self] in
            defer { done.signal() }
            while let item = queue.pop() {
                lock.lock(); let stop = cancelled; lock.unlock()
                if stop { continue }   // drain without verifying: the migration failed
                do {
                    let v = try verify(item, connection)
                    lock.lock(); results[item.id] = v; lock.unlock()
                } catch {
                    lock.lock(); self.error = error; lock.unlock()
                    queue.close()
                    return
                }
            }
        }
        thread.name = "jutsu-migrate-verify"
        thread.stackSize = 8 << 20
        thread.start()
    }

    private var failure: (any Error)? {
        lock.lock(); defer { lock.unlock() }
        return error
    }

    /// Queues a loaded series; throws the error of an earlier verification.
    func submit(_ item: Item) throws {
        if let failure { throw failure }
        queue.push(item)
    }

    /// Waits for every series handed over; their verifications by series id. May be called
    /// again (and after `cancel`).
    func finish() throws -> [String: SeriesVerification] {
        queue.close()
        done.wait()
        done.signal()
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
        return results
    }

    /// Stops after the current series and waits for the thread (the migration failed); nothing
    /// once `finish` returned.
    func cancel() {
        lock.lock(); cancelled = true; lock.unlock()
        _ = try? finish()
    }
}
