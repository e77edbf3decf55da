import Foundation

/// Runs `body` as a task whose jobs all run on the calling thread, and returns its result.
///
/// For the pipeline's worker threads, which also block in libpq: the task does not need
/// Swift's cooperative pool (two threads on a two-core machine), which blocking callers (a
/// synchronous `run()` called from async code, the tests) may be holding. Its continuations
/// (the HTTP client's transfer threads, `Task.sleep`) enqueue back onto this thread, which
/// runs them until the task is done.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let executor = CallerThreadExecutor()
    let slot = ResultSlot<T>()
    Task(executorPreference: executor) {
        do { slot.set(.success(try await body())) } catch { slot.set(.failure(error)) }
        executor.finish()
    }
    executor.run()
    return try slot.get()
}

/// A task executor served by the thread that calls `run()`, until `finish()`.
final class CallerThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var finished = false

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    func finish() {
        condition.lock()
        finished = true
        condition.signal()
        condition.unlock()
    }

    /// Runs jobs as they come until `finish()` was called and no job is left.
    func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !finished { condition.wait() }
            if jobs.isEmpty && finished {
                condition.unlock()
                return
            }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
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
