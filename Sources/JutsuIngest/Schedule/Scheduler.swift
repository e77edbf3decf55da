import Foundation
import JutsuPipeline
import JutsuStore
import Logging

/// Runs scheduled pipelines: each `tick(now:)` finds the fires that are due, claims them in
/// `scheduled_runs` (exactly once across every instance on the database) and starts the claimed
/// ones on their own threads, which heartbeat the claim and record the outcome.
///
/// - A fire is due at its cron time plus its jitter (`ScheduledPipeline.jitter`).
/// - Catch-up: on the first tick, the newest fire before now (within
///   `catchUpHorizon`) runs once when nobody ran it, however many fires were missed; with
///   `catch_up: false` only fires after start-up run. A pipeline added by `reload(pipelines:)`,
///   or whose schedule it changed, is treated as at start-up on its next tick.
/// - A run never overlaps itself: this instance starts no fire of a pipeline it is running,
///   the claim refuses a fire while another fire of the pipeline holds a live lease, and the
///   run takes the pipeline's advisory lock (a fire that still finds it held is `skipped`).
///   A fire that had to wait runs when the pipeline is free, once.
/// - An instance that dies leaves its claim until the lease passes; the next tick of any
///   instance then takes the fire over (attempts + 1), or closes it `skipped` when a later
///   fire of the pipeline already exists.
/// - A run the database went away under (restart, lost connection) is run again within its
///   fire once the database is back, while this instance holds the claim (`ScheduledRun`).
public final class Scheduler: @unchecked Sendable {
    /// Runs one pipeline run; default: `PipelineRunner`.
    public typealias Run = @Sendable (PipelineSpec, PipelineRunRequest) throws -> PipelineRunSummary

    /// A fire this instance claimed and started.
    public struct StartedFire: Sendable, Equatable {
        public var pipeline: String
        public var fireAt: Int64
        /// 1, or more when the fire was taken over from an instance whose lease passed.
        public var attempt: Int
        /// Started by start-up catch-up.
        public var catchUp: Bool
    }

    public let instance: String
    public let configuration: SchedulerConfiguration
    /// The scheduled pipelines (replaced by `reload(pipelines:)`).
    public var pipelines: [ScheduledPipeline] {
        // Not the tick lock: a tick can wait on the database for seconds, and the admin API
        // reads this from its request handlers.
        pipelinesLock.lock(); defer { pipelinesLock.unlock() }
        return scheduled
    }
    private var scheduled: [ScheduledPipeline]
    let connect: @Sendable () throws -> PGConnection
    let clock: @Sendable () -> Int64
    let sleep: @Sendable (Double) -> Void
    let run: Run
    let logger: Logger

    /// Guards `scheduled` (written only by `reload`, under `tickLock` too).
    private let pipelinesLock = NSLock()
    /// Serialises ticks and reloads; guards `tickConnection` and `handled`.
    private let tickLock = NSLock()
    private var tickConnection: PGConnection?
    /// Per pipeline, the newest fire this instance has dealt with (claimed, or found claimed).
    /// Absent until the first tick: that tick is the start-up, which decides catch-up.
    private var handled: [String: Int64] = [:]
    /// Guards `running` and `stopping`.
    let runningLock = NSLock()
    var running: [String: Int64] = [:]
    /// Set by `stop()`: no new triggered runs (Scheduler+Trigger.swift).
    var stopping = false
    let runs = DispatchGroup()

    /// - Parameters:
    ///   - pipelines: specs; those without a `schedule` are ignored.
    ///   - clock: UTC seconds now (tests pass simulated time); leases and outcomes use it.
    ///   - sleep: waits between retries (real seconds).
    public init(pipelines: [PipelineSpec], instance: String, configuration: SchedulerConfiguration = SchedulerConfiguration(),
                logger: Logger, clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
                sleep: @escaping @Sendable (Double) -> Void = { Thread.sleep(forTimeInterval: $0) },
                connect: @escaping @Sendable () throws -> PGConnection, run: Run? = nil) throws(SchedulerError) {
        self.scheduled = try Self.scheduled(pipelines)
        self.instance = instance
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.sleep = sleep
        self.connect = connect
        self.run = run ?? { spec, request in
            try PipelineRunner(spec: spec, request: request, logger: logger, connect: connect).run()
        }
    }

    private static func scheduled(_ specs: [PipelineSpec]) throws(SchedulerError) -> [ScheduledPipeline] {
        var out: [ScheduledPipeline] = []
        for spec in specs where spec.schedule != nil { out.append(try ScheduledPipeline(spec)) }
        return out
    }

    /// What `reload(pipelines:)` changed, by pipeline name (sorted).
    public struct Reload: Sendable, Equatable {
        public var added: [String] = []
        public var removed: [String] = []
        /// The schedule changed: treated as at start-up (catch-up rules) on the next tick.
        public var rescheduled: [String] = []
        /// Something else in the spec changed: the next fire runs the new spec.
        public var changed: [String] = []
        public var unchanged: [String] = []
    }

    /// Replaces the scheduled pipelines (specs without a `schedule` are ignored), between ticks.
    ///
    /// A pipeline that is new, or whose schedule changed, is treated as at start-up on the next
    /// tick: its newest fire within the catch-up horizon that nobody ran runs once (with
    /// `catch_up: true`), else only its later fires run. The other pipelines keep their state.
    /// Runs in flight continue with the spec they started with, also those of removed pipelines.
    @discardableResult
    public func reload(pipelines specs: [PipelineSpec]) throws(SchedulerError) -> Reload {
        let next = try Self.scheduled(specs)
        tickLock.lock(); defer { tickLock.unlock() }
        var reload = Reload()
        let old = Dictionary(scheduled.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for pipeline in next {
            guard let before = old[pipeline.name] else {
                reload.added.append(pipeline.name)
                handled[pipeline.name] = nil
                continue
            }
            if before.schedule != pipeline.schedule {
                reload.rescheduled.append(pipeline.name)
                handled[pipeline.name] = nil
            } else if before.spec != pipeline.spec {
                reload.changed.append(pipeline.name)
            } else {
                reload.unchanged.append(pipeline.name)
            }
        }
        let names = Set(next.map(\.name))
        for name in old.keys where !names.contains(name) {
            reload.removed.append(name)
            handled[name] = nil
        }
        pipelinesLock.lock()
        scheduled = next
        pipelinesLock.unlock()
        reload.added.sort(); reload.removed.sort(); reload.rescheduled.sort(); reload.changed.sort(); reload.unchanged.sort()
        return reload
    }

    /// Claims and starts what is due at `now`; returns the fires started. Does not wait for them.
    @discardableResult
    public func tick(now: Int64) throws -> [StartedFire] {
        tickLock.lock(); defer { tickLock.unlock() }
        do {
            return try tickLocked(now: now)
        } catch {
            tickConnection = nil   // a broken connection is not reused
            throw error
        }
    }

    private func tickLocked(now: Int64) throws -> [StartedFire] {
        if tickConnection == nil { tickConnection = try connect() }
        let store = SchedulerStore(connection: tickConnection!)
        let pipelines = self.pipelines
        let names = pipelines.map(\.name)
        var started: [StartedFire] = []

        // Claims whose instance died: closed when superseded, else taken over while they are
        // still the pipeline's due fire (a newer due fire is claimed below and supersedes them).
        try store.skipSuperseded(pipelines: names, now: now)
        for expired in try store.expiredClaims(pipelines: names, now: now) where !isRunning(expired.pipeline) {
            guard let pipeline = pipelines.first(where: { $0.name == expired.pipeline }),
                  (pipeline.dueFire(at: now) ?? expired.fireAt) <= expired.fireAt,
                  case .claimed(let attempt) = try store.claim(pipeline: pipeline.name, fireAt: expired.fireAt, instance: instance,
                                                               lease: configuration.lease, now: now)
            else { continue }
            logger.notice("took over a scheduled run whose lease expired",
                          metadata: ["pipeline": "\(pipeline.name)", "fire_at": "\(expired.fireAt)", "attempt": "\(attempt)"])
            handled[pipeline.name] = max(handled[pipeline.name] ?? expired.fireAt, expired.fireAt)
            started.append(start(pipeline, fireAt: expired.fireAt, attempt: attempt, catchUp: false))
        }

        for pipeline in pipelines where !isRunning(pipeline.name) {
            guard let fire = pipeline.dueFire(at: now) else { continue }
            let startUp = handled[pipeline.name] == nil
            if let last = handled[pipeline.name], fire <= last { continue }
            if startUp, !pipeline.schedule.catchUp || now - fire > configuration.catchUpHorizon {
                // Only fires after start-up run.
                handled[pipeline.name] = fire
                continue
            }
            switch try store.claim(pipeline: pipeline.name, fireAt: fire, instance: instance, lease: configuration.lease, now: now) {
            case .claimed(let attempt):
                handled[pipeline.name] = fire
                started.append(start(pipeline, fireAt: fire, attempt: attempt, catchUp: startUp))
            case .taken:
                handled[pipeline.name] = fire
            case .busy(let other, let holder):
                // Tried again on the next tick, once the other fire is done.
                logger.debug("scheduled fire waits for a run in flight",
                             metadata: ["pipeline": "\(pipeline.name)", "fire_at": "\(fire)", "running": "\(other)",
                                        "instance": "\(holder)"])
            }
        }
        return started
    }

    /// Waits until every run this instance started has finished (tests, shutdown).
    public func waitForRuns() {
        runs.wait()
    }

    /// Waits up to `timeout` real seconds for every run this instance started; true when they
    /// all finished.
    public func waitForRuns(timeout: Double) -> Bool {
        runs.wait(timeout: .now() + max(0, timeout)) == .success
    }

    /// Pipelines this instance is running now.
    public var runningPipelines: [String: Int64] {
        runningLock.lock(); defer { runningLock.unlock() }
        return running
    }

    private func isRunning(_ pipeline: String) -> Bool {
        runningLock.lock(); defer { runningLock.unlock() }
        return running[pipeline] != nil
    }

    private func start(_ pipeline: ScheduledPipeline, fireAt: Int64, attempt: Int, catchUp: Bool) -> StartedFire {
        runningLock.lock()
        running[pipeline.name] = fireAt
        runningLock.unlock()
        runs.enter()
        let thread = Thread { [self] in
            defer {
                runningLock.lock()
                running[pipeline.name] = nil
                runningLock.unlock()
                runs.leave()
            }
            ScheduledRun(scheduler: self, pipeline: pipeline, fireAt: fireAt).execute()
        }
        thread.name = "jutsu-schedule-\(pipeline.name)"
        thread.stackSize = 8 << 20
        thread.start()
        return StartedFire(pipeline: pipeline.name, fireAt: fireAt, attempt: attempt, catchUp: catchUp)
    }
}
