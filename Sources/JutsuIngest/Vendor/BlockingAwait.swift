import Foundation

/// Runs `body` as a task and waits for it on the calling thread. For the pipeline's worker
/// threads (plain threads that also block in libpq), never for a thread of Swift's
/// cooperative pool, which the awaited work needs.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let slot = ResultSlot<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { slot.set(.success(try await body())) } catch { slot.set(.failure(error)) }
        done.signal()
    }
    done.wait()
    return try slot.get()
}

private final class ResultSlot<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, any Error>?

    func set(_ value: Result<T, any Error>) {
        lock.lock(); defer { lock.unlock() }
        result = value
    }

    func get() throws -> T {
        lock.lock(); defer { lock.unlock() }
        return try result!.get()
    }
}
