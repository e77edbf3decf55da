import Foundation
import JutsuCore
@testable import JutsuIngest
import JutsuPipeline
import JutsuStore
import JutsuTestSupport
import Logging
import Testing

/// The scheduler on a real server over simulated time: exactly-once fires across instances,
/// takeover after a lease, catch-up, no overlap, DST, retries, and a real pipeline run.
@Suite struct SchedulerTests {
    typealias F = SchedulerFixtures

    /// Ticks both schedulers at the same instant from two threads, then waits for their runs.
    static func tickBoth(_ a: Scheduler, _ b: Scheduler, at now: Int64) throws -> Int {
        let started = ClaimCounter()
        let errors = ClaimCounter()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do { started.add(try (i == 0 ? a : b).tick(now: now).count) } catch { errors.add(1) }
        }
        a.waitForRuns()
        b.waitForRuns()
        #expect(errors.value == 0)
        return started.value
    }

    @Test func twoInstancesOverThirtySimulatedMinutesRunEveryFireExactlyOnce() throws {
        let db = try TestDatabase("schedtwo")
        // Start-up at 11:59 (no catch-up), then ticks every 15 s until 12:29:45.
        let start = F.utc(2024, 5, 1, 11, 59)
        let noon = F.utc(2024, 5, 1, 12)
        let clock = SimulatedClock(start)
        let log = RunLog()
        let specs = [try F.spec("minutely", cron: "* * * * *", catchUp: false),
                     try F.spec("jittered", cron: "*/5 * * * *", catchUp: false, jitter: 40)]
        let a = try F.scheduler(specs, db, instance: "a", clock: clock, log: log)
        let b = try F.scheduler(specs, db, instance: "b", clock: clock, log: log)
        var started = 0
        for step in Int64(0)..<124 {
            clock.now = start + step * 15
            started += try Self.tickBoth(a, b, at: clock.now)
        }
        // 12:00 ... 12:29 every minute; 12:00 ... 12:25 every five minutes.
        #expect(log.count("minutely") == 30)
        #expect(log.count("jittered") == 6)
        #expect(started == 36)
        #expect(log.maxConcurrentPerPipeline == 1)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE pipeline = 'minutely' AND status = 'succeeded'") == 30)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE pipeline = 'jittered' AND status = 'succeeded'") == 6)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE attempts <> 1") == 0)
        // A jittered fire runs no earlier than its delay, the same on both instances.
        let jittered = try ScheduledPipeline(specs[1])
        let fires = try db.connect().execute(
            "SELECT extract(epoch FROM fire_at)::bigint FROM scheduled_runs WHERE pipeline = 'jittered' ORDER BY fire_at")
        let runTimes = log.invocations.filter { $0.pipeline == "jittered" }.map(\.now).sorted()
        for row in 0..<fires.rowCount {
            let fire = try #require(fires.int64(row, 0))
            #expect(fire == noon + Int64(row) * 300)
            #expect(runTimes[row] >= fire + jittered.jitter(fireAt: fire))
            #expect(runTimes[row] <= fire + 40 + 15)
        }
    }

    @Test func aDeadInstancesClaimIsTakenOverOnlyAfterItsLease() throws {
        let db = try TestDatabase("schedtakeover")
        let noon = F.utc(2024, 5, 1, 12)
        let clock = SimulatedClock(noon + 30)
        let log = RunLog()
        // "dead" claimed the noon fire and never came back.
        #expect(try SchedulerStore(connection: try db.connect())
                .claim(pipeline: "hourly", fireAt: noon, instance: "dead", lease: 60, now: noon) == .claimed(attempt: 1))
        let live = try F.scheduler([try F.spec("hourly", cron: "0 * * * *")], db, instance: "live", clock: clock, log: log)
        for now in [noon + 30, noon + 59, noon + 60] {
            clock.now = now
            #expect(try live.tick(now: now).isEmpty)
        }
        clock.now = noon + 61
        #expect(try live.tick(now: noon + 61) == [.init(pipeline: "hourly", fireAt: noon, attempt: 2, catchUp: false)])
        live.waitForRuns()
        clock.now = noon + 120
        #expect(try live.tick(now: noon + 120).isEmpty)
        #expect(log.count("hourly") == 1)
        #expect(try F.rows(db) == ["hourly@\(noon) succeeded 2"])
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE instance = 'live'") == 1)
    }

    @Test func aDeadClaimOfAnOlderFireIsSupersededNotRunLate() throws {
        let db = try TestDatabase("schedsupersede")
        let eleven = F.utc(2024, 5, 1, 11)
        let noon = F.utc(2024, 5, 1, 12)
        _ = try SchedulerStore(connection: try db.connect())
            .claim(pipeline: "hourly", fireAt: eleven, instance: "dead", lease: 60, now: eleven)
        let clock = SimulatedClock(noon + 30)
        let log = RunLog()
        let live = try F.scheduler([try F.spec("hourly", cron: "0 * * * *")], db, instance: "live", clock: clock, log: log)
        #expect(try live.tick(now: noon + 30) == [.init(pipeline: "hourly", fireAt: noon, attempt: 1, catchUp: true)])
        live.waitForRuns()
        clock.now = noon + 90
        #expect(try live.tick(now: noon + 90).isEmpty)
        #expect(log.count("hourly") == 1)
        #expect(try F.rows(db) == ["hourly@\(eleven) skipped 1", "hourly@\(noon) succeeded 1"])
    }

    @Test func catchUpRunsTheNewestMissedFireOnce() throws {
        let db = try TestDatabase("schedcatchup")
        let morning = F.utc(2024, 5, 1, 10)
        // The last recorded fire was at 10:00; the instance comes back at 12:35.
        let store = SchedulerStore(connection: try db.connect())
        _ = try store.claim(pipeline: "tenly", fireAt: morning, instance: "old", lease: 60, now: morning)
        try store.finish(pipeline: "tenly", fireAt: morning, instance: "old", status: "succeeded", runID: nil, error: nil, now: morning + 5)
        let back = F.utc(2024, 5, 1, 12, 35)
        let clock = SimulatedClock(back)
        let log = RunLog()
        let specs = [try F.spec("tenly", cron: "*/10 * * * *"),
                     try F.spec("nocatchup", cron: "*/10 * * * *", catchUp: false),
                     try F.spec("daily", cron: "0 0 * * *")]   // missed 12 h ago: past the horizon
        let scheduler = try F.scheduler(specs, db, instance: "a", clock: clock, log: log,
                                        configuration: SchedulerConfiguration(catchUpHorizon: 3_600))
        let first = try scheduler.tick(now: back)
        #expect(first == [.init(pipeline: "tenly", fireAt: back - 300, attempt: 1, catchUp: true)])
        scheduler.waitForRuns()
        for minute in Int64(36)...40 {
            clock.now = F.utc(2024, 5, 1, 12) + minute * 60
            try scheduler.tick(now: clock.now)
            scheduler.waitForRuns()
        }
        #expect(log.count("tenly") == 2)
        #expect(log.count("nocatchup") == 1)
        #expect(log.count("daily") == 0)
        let forty = F.utc(2024, 5, 1, 12, 40)
        #expect(try F.rows(db) == ["nocatchup@\(forty) succeeded 1", "tenly@\(morning) succeeded 1",
                                   "tenly@\(back - 300) succeeded 1", "tenly@\(forty) succeeded 1"])
    }

    @Test func aRunNeverOverlapsItself() throws {
        let db = try TestDatabase("schedoverlap")
        let noon = F.utc(2024, 5, 1, 12)
        let clock = SimulatedClock(noon)
        let gate = DispatchSemaphore(value: 0)
        let log = RunLog { invocation, index in
            if index == 0 { gate.wait() }   // the first run is slow
            return RunLog.summary(invocation.pipeline)
        }
        let specs = [try F.spec("minutely", cron: "* * * * *")]
        // A lease longer than the test's simulated minutes: no heartbeat timing is relied on.
        let configuration = SchedulerConfiguration(lease: 600, retryBackoff: 0.01)
        let a = try F.scheduler(specs, db, instance: "a", clock: clock, log: log, configuration: configuration)
        let b = try F.scheduler(specs, db, instance: "b", clock: clock, log: log, configuration: configuration)
        #expect(try a.tick(now: noon).count == 1)
        // Three minutes later the first run still runs: neither instance starts another.
        for now in [noon + 60, noon + 120, noon + 190] {
            clock.now = now
            #expect(try a.tick(now: now).isEmpty)
            #expect(try b.tick(now: now).isEmpty)
        }
        #expect(a.runningPipelines == ["minutely": noon])
        gate.signal()
        a.waitForRuns()
        // Once it is done, the newest due fire runs, once (12:01 and 12:02 are not run late).
        clock.now = noon + 200
        #expect(try Self.tickBoth(a, b, at: noon + 200) == 1)
        #expect(log.count("minutely") == 2)
        #expect(log.maxConcurrentPerPipeline == 1)
        #expect(try F.rows(db) == ["minutely@\(noon) succeeded 1", "minutely@\(noon + 180) succeeded 1"])
    }

    @Test func dstFiresOnceAtTheEndOfTheGapAndOnceInTheRepeatedHour() throws {
        let db = try TestDatabase("scheddst")
        let log = RunLog()
        let gap = try F.spec("gap", cron: "30 2 * * *", timezone: "America/New_York", catchUp: false)
        let repeated = try F.spec("repeat", cron: "30 1 * * *", timezone: "America/New_York", catchUp: false)
        // Every minute of four hours around each change.
        for (spec, from) in [(gap, F.utc(2024, 3, 10, 5)), (repeated, F.utc(2024, 11, 3, 4))] {
            let clock = SimulatedClock(from)
            let scheduler = try F.scheduler([spec], db, instance: spec.name, clock: clock, log: log)
            for minute in Int64(0)..<(4 * 60) {
                clock.now = from + minute * 60
                try scheduler.tick(now: clock.now)
                scheduler.waitForRuns()
            }
        }
        // 2024-03-10 02:30 EST does not exist: 03:00 EDT (07:00Z). 2024-11-03 01:30: EDT (05:30Z) only.
        #expect(try F.rows(db) == ["gap@\(F.utc(2024, 3, 10, 7)) succeeded 1", "repeat@\(F.utc(2024, 11, 3, 5, 30)) succeeded 1"])
        #expect(log.invocations.map(\.now) == [F.utc(2024, 3, 10, 7), F.utc(2024, 11, 3, 5, 30)])
    }

    @Test func failedSeriesAreRetriedWithinTheRunWithBackoff() throws {
        let db = try TestDatabase("schedretry")
        let noon = F.utc(2024, 5, 1, 12)
        let clock = SimulatedClock(noon)
        // BAD fails twice, then recovers; WORSE never does.
        let log = RunLog { invocation, index in
            switch invocation.pipeline {
            case "recovers": RunLog.summary(invocation.pipeline, ok: index < 2 ? ["AAPL"] : ["BAD"], failed: index < 2 ? ["BAD"] : [],
                                            runID: 41)
            default: RunLog.summary(invocation.pipeline, ok: invocation.symbols == nil ? ["AAPL"] : [], failed: ["WORSE"])
            }
        }
        let waits = ClaimCounter()
        let configuration = SchedulerConfiguration(retries: 2, retryBackoff: 1)
        for name in ["recovers", "stuck"] {
            let scheduler = try Scheduler(
                pipelines: [try F.spec(name, cron: "0 * * * *")], instance: name, configuration: configuration,
                logger: Logger(label: "test"), clock: clock.read, sleep: { waits.add(Int($0)) }, connect: { try db.connect() },
                run: log.run)
            try scheduler.tick(now: noon)
            scheduler.waitForRuns()
        }
        #expect(log.invocations.map(\.symbols) == [nil, ["BAD"], ["BAD"], nil, ["WORSE"], ["WORSE"]])
        #expect(waits.value == 2 * (1 + 2))   // 1 s, then 2 s, for each pipeline
        #expect(try F.rows(db) == ["recovers@\(noon) succeeded 1", "stuck@\(noon) partial 1"])
        #expect(try db.scalar("SELECT run_id FROM scheduled_runs WHERE pipeline = 'recovers'") == 41)
        let error = try db.connect().execute("SELECT error FROM scheduled_runs WHERE pipeline = 'stuck'").string(0, 0)
        #expect(error?.contains("1 series still failing after 2 retries (WORSE)") == true)
    }

    @Test func reloadCatchesUpAddedAndRescheduledPipelinesOnceAndStopsRemovedOnes() throws {
        let db = try TestDatabase("schedreload")
        let noon = F.utc(2024, 5, 1, 12)
        let clock = SimulatedClock(noon + 30)
        let log = RunLog()
        let hourly = try F.spec("hourly", cron: "0 * * * *")
        let scheduler = try F.scheduler([hourly], db, instance: "a", clock: clock, log: log)
        #expect(try scheduler.tick(now: noon + 30).count == 1)   // start-up catch-up of 12:00
        scheduler.waitForRuns()

        // 12:10: a pipeline is added (its 12:00 fire was missed: caught up once), one without
        // catch-up is added (only later fires), and `hourly` is unchanged (not run again).
        clock.now = noon + 600
        let added = try F.spec("added", cron: "0 * * * *")
        let quiet = try F.spec("quiet", cron: "0 * * * *", catchUp: false)
        #expect(try scheduler.reload(pipelines: [hourly, added, quiet])
                == Scheduler.Reload(added: ["added", "quiet"], unchanged: ["hourly"]))
        #expect(try scheduler.tick(now: noon + 600) == [.init(pipeline: "added", fireAt: noon, attempt: 1, catchUp: true)])
        scheduler.waitForRuns()
        #expect(try scheduler.tick(now: noon + 660).isEmpty)
        // Reloading the same set again changes nothing and catches nothing up twice.
        #expect(try scheduler.reload(pipelines: [hourly, added, quiet]).unchanged == ["added", "hourly", "quiet"])
        #expect(try scheduler.tick(now: noon + 720).isEmpty)

        // 12:20: `hourly` now fires at :15 (treated as at start-up: 12:15 is caught up),
        // `quiet` is removed.
        let moved = try F.spec("hourly", cron: "15 * * * *")
        #expect(try scheduler.reload(pipelines: [moved, added])
                == Scheduler.Reload(removed: ["quiet"], rescheduled: ["hourly"], unchanged: ["added"]))
        clock.now = noon + 1_200
        #expect(try scheduler.tick(now: noon + 1_200) == [.init(pipeline: "hourly", fireAt: noon + 900, attempt: 1, catchUp: true)])
        scheduler.waitForRuns()

        // 13:00 and 13:15: `added` and `hourly` fire; `quiet` does not.
        for now in [noon + 3_600, noon + 4_500] {
            clock.now = now
            try scheduler.tick(now: now)
            scheduler.waitForRuns()
        }
        #expect(scheduler.pipelines.map(\.name) == ["hourly", "added"])
        #expect(try F.rows(db) == ["added@\(noon) succeeded 1", "added@\(noon + 3_600) succeeded 1",
                                   "hourly@\(noon) succeeded 1", "hourly@\(noon + 900) succeeded 1",
                                   "hourly@\(noon + 4_500) succeeded 1"])
        #expect(log.count("quiet") == 0)
    }

    @Test func aScheduledTickRunsTheRealPipeline() throws {
        let dir = try PipelineRunTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("schedreal")
        var spec = PipelineRunTests.spec(dir)
        spec.schedule = ScheduleSpec(cron: try CronExpression(parsing: "15 18 * * *"), timezone: "America/New_York")
        let now = Int64(Date().timeIntervalSince1970)
        let scheduler = try Scheduler(pipelines: [spec], instance: "real", logger: Logger(label: "test"),
                                      connect: { try db.connect() })
        // Start-up catch-up: the last 18:15 New York time (within a day) has not run.
        let started = try scheduler.tick(now: now)
        #expect(started.count == 1 && started.first?.catchUp == true)
        scheduler.waitForRuns()
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 254)
        #expect(try db.scalar("""
            SELECT count(*) FROM scheduled_runs s JOIN ingest_runs r USING (run_id)
            WHERE s.status = 'succeeded' AND r.status = 'succeeded' AND r.trigger = 'schedule' AND r.pipeline = 'zipline'
            """) == 1)
        #expect(try scheduler.tick(now: now + 1).isEmpty)
    }
}

/// A counter several threads add to.
final class ClaimCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var total = 0

    func add(_ n: Int) {
        lock.lock(); total += n; lock.unlock()
    }

    var value: Int {
        lock.lock(); defer { lock.unlock() }
        return total
    }
}
