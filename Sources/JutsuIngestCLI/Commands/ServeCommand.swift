import ArgumentParser
import Dispatch
import Foundation
import JutsuAdmin
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuStore
import Logging

/// `jutsu-ingest serve`: the unattended process around the `Scheduler` (docs/operations.md,
/// "Running the service"). One thread ticks the scheduler; runs go on their own threads; signals
/// arrive through dispatch sources and wake the tick loop.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the scheduled pipelines of a directory until stopped (SIGTERM/SIGINT; SIGHUP reloads).",
        discussion: """
            Migrates the database, loads every pipeline with a `schedule` from --pipelines (invalid \
            files are reported and skipped), then ticks every --tick seconds: due fires are claimed \
            in scheduled_runs (exactly once across every instance on the database) and run. \
            SIGHUP reloads the directory (running runs continue). SIGTERM or SIGINT: no new runs, \
            wait up to --shutdown-timeout for the running ones. Exit codes: 0 stopped cleanly; 1 \
            runs were still going at the shutdown deadline (their claims lapse with their lease), or \
            the database could not be reached at start-up, or --bind could not be listened on; 2 no \
            scheduled pipeline, or bad flags, or an unusable admin token file. \
            The admin HTTP API (docs/operations.md, "Admin API") listens on --bind; POST endpoints need \
            the bearer token from JUTSU_ADMIN_TOKEN or the file named by JUTSU_ADMIN_TOKEN_FILE.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Directory of pipeline files; those with a `schedule` are run.")
    var pipelines: String = "pipelines"

    @Option(help: "This instance's name in scheduled_runs. Default: host:pid.")
    var instance: String?

    @Option(help: "Seconds between ticks (a fire starts at most this late).")
    var tick: Double = 5

    @Option(name: .customLong("shutdown-timeout"), help: "Seconds to wait for running runs after SIGTERM or SIGINT.")
    var shutdownTimeout: Double = 60

    @Option(help: "Seconds a claim in scheduled_runs stays this instance's without a heartbeat (heartbeat every third); after that another instance takes the fire over.")
    var lease: Int64 = SchedulerConfiguration().lease

    @Option(help: "Admin HTTP API address HOST:PORT (port 0: any free port), or `none` for no API.")
    var bind: String = AdminBind.default.description

    func validate() throws {
        guard lease >= 1, lease <= 86_400 else { throw ValidationError("--lease must be between 1 and 86400 seconds") }
        guard AdminBind(parsing: bind) != nil else { throw ValidationError("--bind '\(bind)': expected HOST:PORT or none") }
        guard tick >= 0.1, tick <= 3600 else { throw ValidationError("--tick must be between 0.1 and 3600 seconds") }
        guard shutdownTimeout >= 0 else { throw ValidationError("--shutdown-timeout must not be negative") }
    }

    func run() throws {
        let logger = global.makeLogger(defaultLevel: .info)
        // Signals first: one that arrives during start-up is not lost.
        let signals = ServeSignals()
        // libpq waits forever for an unreachable host by default; a tick must come back.
        setenv("PGCONNECT_TIMEOUT", "10", 0)
        let instanceID = instance ?? "\(ProcessInfo.processInfo.hostName):\(getpid())"

        let catalog = PipelineCatalog(directory: pipelines, logger: logger)
        let specs = catalog.load()
        guard !specs.isEmpty else {
            throw CLIError(message: "no valid pipeline with a schedule in \(pipelines)/", exitCode: ExitCode(ExitCodes.usage))
        }

        let token: AdminToken?
        do {
            token = try AdminToken.load(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.usage))
        }

        let (first, target) = try global.connect(logger: logger)   // migrates
        _ = first
        let conninfo = target.conninfo
        let scheduler: Scheduler
        do {
            scheduler = try Scheduler(pipelines: specs, instance: instanceID,
                                      configuration: SchedulerConfiguration(lease: lease), logger: logger) {
                try PGConnection(conninfo: conninfo, logger: logger)
            }
        } catch {
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.usage))
        }
        logger.notice("serve started", metadata: [
            "instance": "\(instanceID)", "pipelines": "\(pipelines)", "tick": "\(tick)", "lease": "\(lease)", "database": "\(target.redactedDescription)",
        ])
        Self.logSchedule(scheduler, tick: tick, logger: logger)

        let pulse = SchedulerPulse(tickSeconds: tick)
        let admin = try startAdmin(scheduler: scheduler, pulse: pulse, token: token, conninfo: conninfo, logger: logger)
        let stopSignal = loop(scheduler, catalog: catalog, signals: signals, pulse: pulse, admin: admin, logger: logger)
        scheduler.stop()   // the admin API refuses triggers from now on
        try shutDown(scheduler, signal: stopSignal, signals: signals, logger: logger) {
            guard let admin else { return }
            if !admin.process.shutDown(timeout: 10) { logger.warning("admin API did not stop within 10 s") }
        }
    }

    /// Ticks until SIGTERM or SIGINT; returns the signal.
    private func loop(_ scheduler: Scheduler, catalog: PipelineCatalog, signals: ServeSignals, pulse: SchedulerPulse,
                      admin: RunningAdmin?, logger: Logger) -> Int32 {
        var nextTick = Monotonic.now
        var failures = 0
        while true {
            for event in signals.wait(until: nextTick) {
                switch event {
                case .stop(let signal):
                    return signal
                case .reload:
                    logger.notice("SIGHUP: reloading pipelines", metadata: ["pipelines": "\(pipelines)"])
                    do {
                        let change = try scheduler.reload(pipelines: catalog.load())
                        logger.notice("pipelines reloaded", metadata: [
                            "added": "\(change.added)", "removed": "\(change.removed)",
                            "rescheduled": "\(change.rescheduled)", "changed": "\(change.changed)",
                        ])
                        if scheduler.pipelines.isEmpty { logger.warning("no scheduled pipeline left: nothing will run") }
                        admin?.update(freshnessInputs(logger: logger))
                        Self.logSchedule(scheduler, tick: tick, logger: logger)
                    } catch {
                        logger.error("reload failed; the previous pipelines stay", metadata: ["error": "\(error)"])
                    }
                    nextTick = Monotonic.now   // new pipelines' catch-up at once
                }
            }
            guard Monotonic.now >= nextTick else { continue }
            let started = Monotonic.now
            do {
                let fires = try scheduler.tick(now: Int64(Date().timeIntervalSince1970))
                if failures > 0 { logger.notice("database reachable again", metadata: ["failed_ticks": "\(failures)"]) }
                failures = 0
                for fire in fires {
                    logger.info("scheduled run started", metadata: [
                        "pipeline": "\(fire.pipeline)", "fire_at": "\(UnixTime.iso8601(fire.fireAt))",
                        "attempt": "\(fire.attempt)", "catch_up": "\(fire.catchUp)",
                    ])
                }
                nextTick = started + tick
                pulse.beat(nextIn: tick)
            } catch {
                // Never fatal: back off (doubling, up to a minute or one tick) and try again.
                failures += 1
                let delay = min(max(tick, 60), tick * Double(1 << min(failures - 1, 16)))
                logger.error("tick failed; retrying", metadata: [
                    "error": "\(error)", "failed_ticks": "\(failures)", "retry_in_seconds": "\(delay)",
                ])
                nextTick = Monotonic.now + delay
                pulse.beat(nextIn: delay)
            }
        }
    }

    /// Waits for the running runs up to --shutdown-timeout; exit 1 when some are still going.
    private func shutDown(_ scheduler: Scheduler, signal: Int32, signals: ServeSignals, logger: Logger,
                          stopAdmin: () -> Void) throws {
        let name = signal == SIGINT ? "SIGINT" : "SIGTERM"
        let running = scheduler.runningPipelines
        logger.notice("\(name): stopping, no new runs", metadata: [
            "running": "\(running.keys.sorted())", "shutdown_timeout": "\(shutdownTimeout)",
        ])
        let deadline = Monotonic.now + shutdownTimeout
        var forced = false
        while !scheduler.waitForRuns(timeout: min(0.2, max(0, deadline - Monotonic.now))) {
            if Monotonic.now >= deadline { break }
            if signals.poll().contains(where: { if case .stop = $0 { true } else { false } }) {
                forced = true   // a second SIGTERM/SIGINT: stop now
                break
            }
        }
        let left = scheduler.runningPipelines
        if left.isEmpty {
            stopAdmin()
            logger.notice("stopped")
            return
        }
        logger.error(forced ? "stopped by a second signal with runs still going" : "shutdown timeout: runs still going", metadata: [
            "running": "\(left.keys.sorted())",
            "note": "their open batches roll back; their claims lapse with their lease",
        ])
        // The run threads are still inside libpq: leave without running exit handlers under them.
        fflush(nil)
        _exit(ExitCodes.failure)
    }

    /// One line per scheduled pipeline: cron, zone, next fire in UTC and in the schedule's zone;
    /// a warning when fires come closer together than a tick (a tick claims only the newest due
    /// fire, so the ones in between would not run).
    static func logSchedule(_ scheduler: Scheduler, tick: Double, logger: Logger) {
        let now = Int64(Date().timeIntervalSince1970)
        for pipeline in scheduler.pipelines {
            var metadata: Logger.Metadata = [
                "pipeline": "\(pipeline.name)", "cron": "\(pipeline.schedule.cron)", "timezone": "\(pipeline.schedule.timezone)",
                "catch_up": "\(pipeline.schedule.catchUp)",
            ]
            if let next = pipeline.schedule.cron.nextFire(after: now, zone: pipeline.zone) {
                metadata["next_fire_utc"] = "\(UnixTime.iso8601(next))"
                metadata["next_fire_local"] = "\(localTime(next, zone: pipeline.zone, name: pipeline.schedule.timezone))"
                let jitter = pipeline.jitter(fireAt: next)
                if jitter > 0 { metadata["jitter_seconds"] = "\(jitter)" }
                if let after = pipeline.schedule.cron.nextFire(after: next, zone: pipeline.zone), Double(after - next) <= tick {
                    logger.warning("fires come closer together than --tick: some will not run", metadata: [
                        "pipeline": "\(pipeline.name)", "cron": "\(pipeline.schedule.cron)", "tick": "\(tick)",
                        "seconds_between_fires": "\(after - next)"])
                }
            } else {
                metadata["next_fire_utc"] = "never"
            }
            logger.info("scheduled", metadata: metadata)
        }
    }

    /// `2024-05-01T08:00:00-04:00 America/New_York`.
    static func localTime(_ seconds: Int64, zone: any ZoneRule, name: String) -> String {
        let offset = Int64(zone.offsetSeconds(atUTC: seconds))
        var text = UnixTime.iso8601(seconds + offset)
        if text.hasSuffix("Z") { text.removeLast() }
        let magnitude = abs(offset)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return text + (offset < 0 ? "-" : "+") + two(magnitude / 3600) + ":" + two(magnitude % 3600 / 60) + " " + name
    }
}

/// Seconds on a monotonic clock.
enum Monotonic {
    static var now: Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}

/// SIGTERM, SIGINT and SIGHUP as events, through dispatch sources (the default actions are
/// ignored while `serve` runs).
final class ServeSignals: @unchecked Sendable {
    enum Event: Equatable {
        case stop(Int32)
        case reload
    }

    private let lock = NSLock()
    private var pending: [Event] = []
    private let wake = DispatchSemaphore(value: 0)
    private let queue = DispatchQueue(label: "jutsu-serve-signals")
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in post(number == SIGHUP ? .reload : .stop(number)) }
            source.resume()
            sources.append(source)
        }
    }

    private func post(_ event: Event) {
        lock.lock()
        pending.append(event)
        lock.unlock()
        wake.signal()
    }

    /// The events received so far (maybe none), without waiting.
    func poll() -> [Event] {
        lock.lock(); defer { lock.unlock() }
        let events = pending
        pending = []
        return events
    }

    /// Waits until the monotonic time `deadline` or a signal, then returns the events received.
    func wait(until deadline: Double) -> [Event] {
        let seconds = deadline - Monotonic.now
        if seconds > 0 { _ = wake.wait(timeout: .now() + seconds) }
        return poll()
    }
}

/// The pipelines directory as `serve` sees it: the scheduled pipelines that load. A file that
/// loaded before and is now invalid keeps its previous version (reported); a removed file's
/// pipeline goes.
final class PipelineCatalog {
    let directory: String
    let logger: Logger
    private var lastGood: [String: PipelineSpec] = [:]

    init(directory: String, logger: Logger) {
        self.directory = directory
        self.logger = logger
    }

    func load() -> [PipelineSpec] {
        let report = PipelineLoader.lint(paths: [directory])
        var fresh: [PipelineSpec] = []
        var kept: [PipelineSpec] = []
        var good: [String: PipelineSpec] = [:]
        for result in report.results {
            switch result.result {
            case .success(let spec):
                good[result.file] = spec
                fresh.append(spec)
            case .failure(let diagnostics):
                for diagnostic in diagnostics.diagnostics {
                    logger.error("invalid pipeline file skipped: \(diagnostic)")
                }
                if let previous = lastGood[result.file] {
                    logger.warning("keeping the previous version of \(result.file)", metadata: ["pipeline": "\(previous.name)"])
                    good[result.file] = previous
                    kept.append(previous)
                }
            }
        }
        lastGood = good
        var names = Set<String>()
        var specs: [PipelineSpec] = []
        for spec in fresh + kept where names.insert(spec.name).inserted {
            guard spec.schedule != nil else {
                logger.info("pipeline has no schedule: not run by serve", metadata: ["pipeline": "\(spec.name)", "file": "\(spec.file)"])
                continue
            }
            do {
                _ = try ScheduledPipeline(spec)
                specs.append(spec)
            } catch {
                logger.error("pipeline skipped: \(spec.file): \(error)")
            }
        }
        return specs
    }
}
