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
        let connection: PGConnection
        do {
            connection = try scheduler.connect()
            guard try SchedulerStore(connection: connection).start(pipeline: name, fireAt: fireAt, instance: instance,
                                                                   leaseUntil: clock() + lease) else {
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
            let store = SchedulerStore(connection: connection)
            if !(try store.finish(pipeline: name, fireAt: fireAt, instance: instance, status: outcome.status,
                                  runID: outcome.runID, error: outcome.error, now: clock())) {
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

    /// The run, then re-runs restricted to the series still failing.
    func runWithRetries() -> Outcome {
        var request = PipelineRunRequest(now: scheduler.clock(), trigger: "schedule")
        let first: PipelineRunSummary
        do {
            first = try scheduler.run(pipeline.spec, request)
        } catch let error as PipelineRunError {
            if case .busy = error { return Outcome(status: "skipped", error: error.description) }
            return Outcome(status: "failed", error: error.description)
        } catch {
            return Outcome(status: "failed", error: "\(error)")
        }
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
