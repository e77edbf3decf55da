import Foundation
import JutsuCore
import JutsuPipeline
import JutsuStore
import Logging

/// One claimed fire, run to its end on the calling thread: marks the claim `running`, keeps its
/// lease alive from a heartbeat thread, runs the pipeline, re-runs the series that failed (up to
/// `retries` times, backing off), and records the outcome.
///
/// Series that still fail stay flagged in `pipeline_series_state` (the runner records
/// `consecutive_failures`), so the next fire reads them from their old watermark again.
///
/// When the database goes away under the fire (server restarted, connection lost), the run is
/// started again within the fire once the database is back (`databaseRetries`, backing off from
/// `databaseBackoff`), as long as this instance still holds the claim: it reads from the series'
/// watermarks again, so the batches committed before stay (unchanged) and the batch in flight,
/// rolled back, is loaded again. The broken run's `ingest_runs` row is closed `aborted` by the
/// next run. Starting the claim and recording the outcome reconnect the same way.
struct ScheduledRun {
    let scheduler: Scheduler
    let pipeline: ScheduledPipeline
    let fireAt: Int64

    /// The outcome written to `scheduled_runs`.
    struct Outcome: Equatable {
        var status: String
        var runID: Int64?
        var error: String?
    }

    func execute() {
        let name = pipeline.name
        let instance = scheduler.instance
        let lease = scheduler.configuration.lease
        let clock = scheduler.clock
        do {
            guard try withDatabase("start the scheduled run", { connection in
                try SchedulerStore(connection: connection).start(pipeline: name, fireAt: fireAt, instance: instance,
                                                                 leaseUntil: clock() + lease)
            }) else {
                scheduler.logger.warning("scheduled run lost its claim before it started",
                                         metadata: ["pipeline": "\(name)", "fire_at": "\(fireAt)"])
                return
            }
        } catch {
            // The claim's lease runs out and another tick takes the fire over.
            scheduler.logger.error("scheduled run could not start", metadata: ["pipeline": "\(name)", "error": "\(error)"])
            return
        }

        let heartbeat = Heartbeat(interval: scheduler.configuration.heartbeatInterval) { [scheduler, fireAt] in
            // Own connection: the run's connection is busy while it runs.
            let beat = try scheduler.connect()
            return {
                try SchedulerStore(connection: beat).heartbeat(pipeline: name, fireAt: fireAt, instance: instance,
                                                               leaseUntil: clock() + lease)
            }
        }
        let outcome = runWithRetries()
        heartbeat.stop()

        do {
            let recorded = try withDatabase("record the scheduled run") { connection in
                try SchedulerStore(connection: connection).finish(
                    pipeline: name, fireAt: fireAt, instance: instance, status: outcome.status,
                    runID: outcome.runID, error: outcome.error, now: clock())
            }
            if !recorded {
                scheduler.logger.warning("scheduled run finished after another instance took its claim over",
                                         metadata: ["pipeline": "\(name)", "fire_at": "\(fireAt)"])
            }
            var metadata: Logger.Metadata = ["pipeline": "\(name)", "fire_at": "\(UnixTime.iso8601(fireAt))",
                                             "status": "\(outcome.status)"]
            if let runID = outcome.runID { metadata["run_id"] = "\(runID)" }
            if let error = outcome.error { metadata["error"] = "\(error)" }
            scheduler.logger.log(level: outcome.status == "succeeded" ? .info : .warning, "scheduled run finished",
                                 metadata: metadata)
        } catch {
            scheduler.logger.error("scheduled run outcome not recorded", metadata: ["pipeline": "\(name)", "error": "\(error)"])
        }
    }

    /// `body` on a fresh connection; after a database outage, again (backing off) up to
    /// `databaseRetries` times. Other errors, and the outage after the last retry, are thrown.
    func withDatabase<R>(_ what: String, _ body: (PGConnection) throws -> R) throws -> R {
        var retry = 0
        while true {
            do {
                return try body(try scheduler.connect())
            } catch {
                guard DatabaseOutage.isOutage(error), retry < scheduler.configuration.databaseRetries else { throw error }
                let delay = scheduler.configuration.databaseBackoff(beforeRetry: retry)
                retry += 1
                scheduler.logger.warning("database unreachable; retrying", metadata: [
                    "pipeline": "\(pipeline.name)", "step": "\(what)", "error": "\(error)", "retry": "\(retry)",
                    "retry_in_seconds": "\(delay)"])
                scheduler.sleep(delay)
            }
        }
    }

    /// False when another instance holds the fire's claim now (this one's lease passed while the
    /// database was away and the fire was taken over). True when the database cannot tell yet.
    func stillHoldsClaim() -> Bool {
        do {
            return try SchedulerStore(connection: try scheduler.connect()).heartbeat(
                pipeline: pipeline.name, fireAt: fireAt, instance: scheduler.instance,
                leaseUntil: scheduler.clock() + scheduler.configuration.lease)
        } catch {
            return true
        }
    }

    /// The run (started again while the database goes away under it), then re-runs restricted to
    /// the series still failing.
    func runWithRetries() -> Outcome {
        var request = PipelineRunRequest(now: scheduler.clock(), trigger: "schedule")
        var outages = 0
        var completed: PipelineRunSummary?
        while completed == nil {
            do {
                completed = try scheduler.run(pipeline.spec, request)
            } catch let error as PipelineRunError {
                if case .busy = error { return Outcome(status: "skipped", error: error.description) }
                return Outcome(status: "failed", error: error.description)
            } catch {
                guard DatabaseOutage.isOutage(error), outages < scheduler.configuration.databaseRetries else {
                    return Outcome(status: "failed", error: "\(error)")
                }
                let delay = scheduler.configuration.databaseBackoff(beforeRetry: outages)
                outages += 1
                scheduler.logger.warning("database went away during the scheduled run; running it again", metadata: [
                    "pipeline": "\(pipeline.name)", "fire_at": "\(UnixTime.iso8601(fireAt))", "error": "\(error)",
                    "retry": "\(outages)", "retry_in_seconds": "\(delay)"])
                scheduler.sleep(delay)
                guard stillHoldsClaim() else {
                    return Outcome(status: "skipped", error: "the claim passed to another instance while the database was away")
                }
                request.now = scheduler.clock()
            }
        }
        let first = completed!
        var failing = Self.failedSymbols(first)
        guard first.status != .succeeded else { return Outcome(status: "succeeded", runID: first.runID) }
        guard !failing.isEmpty else { return Outcome(status: first.status.rawValue, runID: first.runID, error: first.error) }

        var lastError = first.error
        for attempt in 0..<scheduler.configuration.retries where !failing.isEmpty {
            scheduler.sleep(scheduler.configuration.backoff(beforeRetry: attempt))
            request.now = scheduler.clock()
            request.symbols = failing.compactMap { try? Symbol(canonicalizing: $0) }
            scheduler.logger.notice("retrying failed series", metadata: [
                "pipeline": "\(pipeline.name)", "series": "\(failing)", "retry": "\(attempt + 1)"])
            do {
                let again = try scheduler.run(pipeline.spec, request)
                failing = Self.failedSymbols(again)
                lastError = again.error ?? again.series.first { $0.status == .failed }?.error
            } catch {
                lastError = "\(error)"
            }
        }
        if failing.isEmpty { return Outcome(status: "succeeded", runID: first.runID) }
        let allFailed = failing.count >= Set(first.series.map(\.symbol)).count
        return Outcome(status: allFailed ? "failed" : "partial", runID: first.runID,
                       error: "\(failing.count) series still failing after \(scheduler.configuration.retries) retries "
                           + "(\(failing.joined(separator: ", ")))\(lastError.map { ": \($0)" } ?? "")")
    }

    static func failedSymbols(_ summary: PipelineRunSummary) -> [String] {
        Array(Set(summary.series.filter { $0.status == .failed }.map(\.symbol))).sorted()
    }
}

/// Calls `beat` every `interval` real seconds on its own thread until `stop()`.
final class Heartbeat: @unchecked Sendable {
    private let stopped = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)

    /// `open` makes the beat (e.g. opens its connection) on the heartbeat thread; a beat that
    /// throws or returns false (claim lost) ends the heartbeat.
    init(interval: Double, open: @escaping @Sendable () throws -> (() throws -> Bool)) {
        let thread = Thread { [stopped, done] in
            defer { done.signal() }
            var beat: (() throws -> Bool)?
            while stopped.wait(timeout: .now() + interval) == .timedOut {
                do {
                    if beat == nil { beat = try open() }
                    guard try beat!() else { return }
                } catch {
                    beat = nil
                }
            }
        }
        thread.name = "jutsu-heartbeat"
        thread.start()
    }

    func stop() {
        stopped.signal()
        done.wait()
    }
}
