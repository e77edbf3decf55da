import Foundation
import JutsuCore
import JutsuIngest
import JutsuStore
import Logging

/// The freshness of every series, evaluated at most every `maxAge` seconds and shared by every
/// request: 100 clients asking at once cost one evaluation, not 100.
///
/// Single-flight: one refresh at a time. Once a snapshot exists, readers never wait: a reader
/// that finds it older than `maxAge` starts a refresh in the background and gets the current
/// one (its `snapshotted_at` says how old it is). Only the first readers wait, for the first
/// snapshot. A refresh that fails keeps the previous snapshot; readers with none get the error.
public final class FreshnessCache: @unchecked Sendable {
    private let pool: ReadPool
    private let maxAge: Double
    private let logger: Logger
    private let lock = NSLock()
    private var currentInputs: FreshnessInputs
    private var generation = 0
    private var current: FreshnessSnapshot?
    private var refreshing = false
    private var waiters: [CheckedContinuation<FreshnessSnapshot, any Error>] = []
    /// Refreshes started so far (tests check the single flight).
    private(set) var refreshes = 0

    public init(pool: ReadPool, inputs: FreshnessInputs, maxAge: Double, logger: Logger) {
        self.pool = pool
        self.currentInputs = inputs
        self.maxAge = maxAge
        self.logger = logger
    }

    /// New tiers or `freshness.yaml` (SIGHUP): the next reader starts a refresh.
    public func update(_ inputs: FreshnessInputs) {
        lock.withLock {
            currentInputs = inputs
            generation += 1
        }
    }

    /// The tiers and settings snapshots are evaluated with.
    public var inputs: FreshnessInputs { lock.withLock { currentInputs } }

    /// The newest snapshot, if one was computed (never waits).
    public var latest: FreshnessSnapshot? { lock.withLock { current } }

    /// A snapshot no older than `maxAge` when possible (see the type's notes).
    public func snapshot() async throws -> FreshnessSnapshot {
        let now = Self.monotonic()
        let (found, start) = lock.withLock { () -> (FreshnessSnapshot?, Bool) in
            if let current, now - current.computedAt < maxAge, current.generation == generation { return (current, false) }
            let start = !refreshing
            refreshing = true
            return (current, start)
        }
        if start { startRefresh() }
        if let found { return found }
        return try await withCheckedThrowingContinuation { continuation in
            let (ready, start) = lock.withLock { () -> (FreshnessSnapshot?, Bool) in
                if let current { return (current, false) }
                waiters.append(continuation)
                let start = !refreshing
                refreshing = true
                return (nil, start)
            }
            if let ready { continuation.resume(returning: ready) }
            if start { startRefresh() }
        }
    }

    private func startRefresh() {
        lock.withLock { refreshes += 1 }
        Task.detached { [self] in await refresh() }
    }

    private func refresh() async {
        let (inputs, generation) = lock.withLock { (currentInputs, self.generation) }
        let result: Result<FreshnessSnapshot, any Error>
        do {
            // Read, evaluate and encode on the pool's thread: none of it on the cooperative pool.
            let snapshot = try await pool.read { connection in
                let snapshots = try FreshnessStore(connection: connection).snapshots()
                let at = Int64(Date().timeIntervalSince1970)
                let rows = FreshnessReporter.evaluate(snapshots, config: inputs.config, pipelines: inputs.pipelineTiers, at: at)
                return FreshnessSnapshot(rows: rows, at: at, warnings: inputs.warnings(), computedAt: Self.monotonic(),
                                         generation: generation)
            }
            result = .success(snapshot)
        } catch {
            logger.warning("freshness snapshot failed", metadata: ["error": "\(error)"])
            result = .failure(error)
        }
        let waiting = lock.withLock { () -> [CheckedContinuation<FreshnessSnapshot, any Error>] in
            if case .success(let snapshot) = result { current = snapshot }
            refreshing = false
            defer { waiters = [] }
            return waiters
        }
        for waiter in waiting { waiter.resume(with: result) }
    }

    static func monotonic() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
