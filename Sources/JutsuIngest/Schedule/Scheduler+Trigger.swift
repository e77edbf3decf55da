import Foundation
import JutsuPipeline
import Logging

/// Why `Scheduler.trigger` started nothing.
public enum TriggerRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// No scheduled pipeline has that name.
    case unknownPipeline(String)
    /// This instance runs the pipeline now (a scheduled fire or an earlier trigger).
    case running(pipeline: String, since: Int64)
    /// `stop()` was called: the process is shutting down.
    case stopping

    public var description: String {
        switch self {
        case .unknownPipeline(let name): "no scheduled pipeline named '\(name)'"
        case .running(let name, _): "pipeline '\(name)' is running now; a run never overlaps itself"
        case .stopping: "the service is stopping: no new runs"
        }
    }
}

/// How a triggered run ended (reported on its thread when it ends).
public enum TriggeredRunOutcome: Sendable {
    case finished(PipelineRunSummary)
    /// The run threw: `PipelineRunError.busy` when another process holds the pipeline's lock.
    case failed(any Error)
}

extension Scheduler {
    /// Starts a run of the pipeline now, on its own thread, as if a fire had come due (trigger
    /// `api`): ticks start no fire of the pipeline while it runs, and `waitForRuns` waits for
    /// it. Refused when the pipeline is unknown, already running here, or after `stop()`.
    /// Another process holding the pipeline's advisory lock makes the run end
    /// `.failed(PipelineRunError.busy)` without a run id.
    ///
    /// - Parameters:
    ///   - onRunStarted: called with the run id once its `ingest_runs` row exists.
    ///   - onEnd: called once when the run is over.
    public func trigger(pipeline name: String, now: Int64, onRunStarted: @escaping @Sendable (Int64) -> Void,
                        onEnd: @escaping @Sendable (TriggeredRunOutcome) -> Void) throws(TriggerRefusal) {
        guard let pipeline = pipelines.first(where: { $0.name == name }) else { throw .unknownPipeline(name) }
        runningLock.lock()
        if stopping {
            runningLock.unlock()
            throw .stopping
        }
        if let since = running[name] {
            runningLock.unlock()
            throw .running(pipeline: name, since: since)
        }
        running[name] = now
        runs.enter()
        runningLock.unlock()

        var runRequest = PipelineRunRequest(now: clock(), trigger: "api")
        runRequest.onRunStarted = onRunStarted
        let request = runRequest
        let thread = Thread { [self] in
            defer {
                runningLock.lock()
                running[name] = nil
                runningLock.unlock()
                runs.leave()
            }
            logger.info("triggered run started", metadata: ["pipeline": "\(name)"])
            let outcome: TriggeredRunOutcome
            do {
                let summary = try run(pipeline.spec, request)
                var metadata: Logger.Metadata = ["pipeline": "\(name)", "status": "\(summary.status.rawValue)"]
                if let runID = summary.runID { metadata["run_id"] = "\(runID)" }
                if let error = summary.error { metadata["error"] = "\(error)" }
                logger.log(level: summary.status == .succeeded ? .info : .warning, "triggered run finished", metadata: metadata)
                outcome = .finished(summary)
            } catch {
                logger.warning("triggered run failed", metadata: ["pipeline": "\(name)", "error": "\(error)"])
                outcome = .failed(error)
            }
            onEnd(outcome)
        }
        thread.name = "jutsu-trigger-\(name)"
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// No triggered run starts after this (ticks are the caller's to stop).
    public func stop() {
        runningLock.lock()
        stopping = true
        runningLock.unlock()
    }

    /// Whether `stop()` was called.
    public var isStopping: Bool {
        runningLock.lock(); defer { runningLock.unlock() }
        return stopping
    }
}
