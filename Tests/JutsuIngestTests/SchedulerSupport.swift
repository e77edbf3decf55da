import Foundation
import JutsuCore
@testable import JutsuIngest
import JutsuPipeline
import JutsuStore
import JutsuTestSupport
import Logging

/// Simulated UTC time shared by the schedulers of a test.
final class SimulatedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64

    init(_ start: Int64) { value = start }

    var now: Int64 {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }

    var read: @Sendable () -> Int64 { { [self] in now } }
}

/// Invocations of a scheduler's run closure, with how many ran at once.
final class RunLog: @unchecked Sendable {
    struct Invocation: Equatable {
        var pipeline: String
        var now: Int64
        var symbols: [String]?
    }

    private let lock = NSLock()
    private var storage: [Invocation] = []
    private var active: [String: Int] = [:]
    private var maxActive = 0

    /// The most runs of one pipeline that were in the closure at once.
    var maxConcurrentPerPipeline: Int {
        lock.lock(); defer { lock.unlock() }
        return maxActive
    }
    /// Decides each invocation's summary (default: every series succeeded); may block.
    let body: @Sendable (Invocation, Int) throws -> PipelineRunSummary

    init(body: @escaping @Sendable (Invocation, Int) throws -> PipelineRunSummary = { inv, _ in RunLog.summary(inv.pipeline) }) {
        self.body = body
    }

    var invocations: [Invocation] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }

    func count(_ pipeline: String) -> Int { invocations.filter { $0.pipeline == pipeline }.count }

    var run: Scheduler.Run {
        { [self] spec, request in
            let invocation = Invocation(pipeline: spec.name, now: request.now, symbols: request.symbols?.map(\.value))
            lock.lock()
            storage.append(invocation)
            let index = storage.count - 1
            active[spec.name, default: 0] += 1
            maxActive = max(maxActive, active[spec.name]!)
            lock.unlock()
            defer {
                lock.lock()
                active[spec.name]! -= 1
                lock.unlock()
            }
            return try body(invocation, index)
        }
    }

    /// A summary of a run in which the `ok` series succeeded and the `failed` ones failed.
    static func summary(_ pipeline: String, ok: [String] = ["AAPL"], failed: [String] = [], runID: Int64? = nil) -> PipelineRunSummary {
        let plan = PipelinePlan(pipeline: pipeline, sourceKind: "csv", dataSource: "csv", files: [], unmatched: [], series: [],
                                fileErrors: [:], unattributedRejects: 0)
        var summary = PipelineRunSummary(pipeline: pipeline, dryRun: false, plan: plan)
        func series(_ symbol: String, _ status: PipelineRunSummary.Series.Status) -> PipelineRunSummary.Series {
            PipelineRunSummary.Series(symbol: symbol, timeframe: "1d", status: status, basis: "incremental", from: nil, to: nil,
                                      watermark: nil, rows: .init(LoadCounts(), discarded: 0),
                                      error: status == .failed ? "HTTP 503" : nil)
        }
        summary.series = ok.map { series($0, .succeeded) } + failed.map { series($0, .failed) }
        summary.status = failed.isEmpty ? .succeeded : ok.isEmpty ? .failed : .partial
        summary.runID = runID
        return summary
    }
}

enum SchedulerFixtures {
    /// UTC seconds of a UTC date and time.
    static func utc(_ y: Int, _ m: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0) -> Int64 {
        UnixTime.seconds(date: CivilDate(year: y, month: m, day: d)!, hour: h, minute: mi, second: s)
    }

    static func spec(_ name: String, cron: String, timezone: String = "UTC", catchUp: Bool = true,
                     jitter: Int64 = 0) throws -> PipelineSpec {
        PipelineSpec(name: name, source: SourceSpec(kind: .csv, name: "csv", paths: ["in/*.csv"]), symbols: .fromSource,
                     timeframe: .d1, schedule: ScheduleSpec(cron: try CronExpression(parsing: cron), timezone: timezone,
                                                            catchUp: catchUp, jitterSeconds: jitter),
                     file: "/nonexistent/\(name).yaml")
    }

    static func scheduler(_ specs: [PipelineSpec], _ db: TestDatabase, instance: String, clock: SimulatedClock, log: RunLog,
                          configuration: SchedulerConfiguration = SchedulerConfiguration(retryBackoff: 0.01)) throws -> Scheduler {
        try Scheduler(pipelines: specs, instance: instance, configuration: configuration, logger: Logger(label: "test"),
                      clock: clock.read, sleep: { _ in }, connect: { try db.connect() }, run: log.run)
    }

    /// `scheduled_runs` rows as `pipeline@fire_at status attempts`, in order.
    static func rows(_ db: TestDatabase) throws -> [String] {
        let r = try db.connect().execute("""
            SELECT pipeline || '@' || extract(epoch FROM fire_at)::bigint || ' ' || status || ' ' || attempts
            FROM scheduled_runs ORDER BY pipeline, fire_at
            """)
        return (0..<r.rowCount).map { r.string($0, 0) ?? "" }
    }
}
