import Foundation
import JutsuCSV
import JutsuCore
import JutsuHTTP
import JutsuPipeline
import JutsuStore
import JutsuVendors
import Logging

/// One HTTP source's part of a pipeline run: every series of the plan fetched from its window
/// start, validated as file rows are, and loaded in one transaction of its own, by up to
/// `concurrency` worker threads (each with its own connection), their first requests staggered.
///
/// A vendor failure fails that series only; its stored bars are untouched. A source failure
/// (credentials refused, not entitled) stops the source: every series not yet fetched fails with
/// it, so the fallback source gets them.
struct VendorStage {
    let spec: PipelineSpec
    let request: PipelineRunRequest
    let fetcher: any SeriesFetcher
    let client: HTTPClient
    let connect: @Sendable () throws -> PGConnection
    let logger: Logger
    /// Delay between the first requests of consecutive workers.
    var stagger: Double = 0.05

    /// What one series came to.
    struct Outcome: Sendable {
        var counts = LoadCounts()
        var discarded: Int64 = 0
        var deleted: Int64 = 0
        var skipped: Int64 = 0
        var warned: Int64 = 0
        var volumeRounded: Int64 = 0
        var requests = 0
        /// Newest key read (valid rows and rejects with a time).
        var newest: Int64?
        var rows: Int64 = 0
        var rejected: Int64 = 0
        var error: String?
    }

    func run(plan: PipelinePlan, runID: Int64?, options: ImportOptions) throws -> PipelineRunSummary {
        var summary = PipelineRunSummary(pipeline: spec.name, dryRun: request.dryRun, plan: plan)
        summary.source = spec.source.name
        let series = plan.series
        let outcomes = OutcomeBox(count: series.count)
        let next = ResultBox.Counter()
        let sourceFailure = FailureFlag()
        let workers = max(1, min(spec.concurrency, series.count))
        let group = DispatchGroup()
        for w in 0..<workers {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                var loader: BatchLoader?
                var started = false
                while let i = next.take(below: series.count) {
                    // Staggered first requests; a worker that finds nothing to do exits at once.
                    if !started, w > 0 { Thread.sleep(forTimeInterval: stagger * Double(w)) }
                    started = true
                    if let failure = sourceFailure.message {
                        outcomes.set(i, Outcome(error: failure))
                        continue
                    }
                    var outcome = Outcome()
                    do {
                        if loader == nil {
                            loader = BatchLoader(connection: try connect(), runID: runID ?? 0, operation: "run",
                                                 dryRun: request.dryRun, policy: options.policy)
                        }
                        outcome = try load(series[i], options: options, loader: loader!, sourceFailure: sourceFailure)
                    } catch {
                        outcome.error = "\(error)"
                        if error is StoreError { loader = nil }   // a broken connection is not reused
                    }
                    outcomes.set(i, outcome)
                }
            }
            thread.name = "jutsu-fetch-\(w)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()

        for (i, s) in series.enumerated() {
            guard let key = s.key else { continue }
            let outcome = outcomes.values[i] ?? Outcome(error: "not fetched")
            summary.plan.series[i].to = outcome.newest
            summary.plan.series[i].rows = outcome.rows
            summary.plan.series[i].rejected = outcome.rejected
            summary.rows += outcome.counts
            summary.perSeries[key, default: LoadCounts()] += outcome.counts
            summary.skipped += outcome.skipped
            summary.warned += outcome.warned
            if outcome.discarded > 0 {
                summary.discardedBySeries[key, default: 0] += outcome.discarded
                summary.discarded += outcome.discarded
            }
            if outcome.deleted > 0 {
                summary.deletedBySeries[key, default: 0] += outcome.deleted
                summary.deleted += outcome.deleted
            }
            if let error = outcome.error { summary.seriesErrors[key] = error }
        }
        summary.finishSeries(plan: summary.plan, discard: [])
        summary.http[spec.source.name] = HTTPCounts(client.counters(spec.source.name))
        return summary
    }

    /// Fetches, validates and loads one series.
    func load(_ series: PipelinePlan.Series, options: ImportOptions, loader: BatchLoader,
              sourceFailure: FailureFlag) throws -> Outcome {
        guard let key = series.key else { return Outcome(error: "'\(series.symbol)' is not a valid symbol") }
        let window = Self.window(from: series.from, timeframe: key.timeframe, now: request.now)
        var outcome = Outcome()
        guard window.from < window.to else { return outcome }
        let fetched: SeriesFetch
        do {
            fetched = try blockingAwait { [fetcher, request] in
                try await fetcher.fetch(symbol: key.symbol, timeframe: key.timeframe, window: window, now: request.now)
            }
        } catch let failure as VendorSourceFailure {
            sourceFailure.set("\(fetcher.vendor.rawValue): \(failure)")
            throw failure
        } catch let error as VendorError where error.handling == .failSource {
            sourceFailure.set("\(error)")
            throw error
        } catch let error as VendorError where error.handling == .requestBug {
            throw VendorRequestBug(error: error)
        }
        for note in fetched.notes {
            logger.info("\(note)", metadata: ["pipeline": "\(spec.name)", "series": "\(key)"])
        }
        var batch = Self.batch(fetched, key: key, options: options)
        outcome.requests = fetched.requests
        outcome.skipped = Int64(fetched.skipped.total)
        outcome.volumeRounded = Int64(fetched.volumeRounded)
        outcome.rows = Int64(batch.bars.count)
        outcome.rejected = Int64(batch.rejects.count)
        outcome.newest = (batch.bars.map(\.ts) + batch.rejects.compactMap(\.ts)).max()
        outcome.warned = batch.warnings

        // A series over its reject ratio stores none of its rows (its rejects are stored).
        let read = batch.rowsRead
        if read > 0, Double(batch.rejects.count) / Double(read) > spec.validate.maxRejectRatio {
            outcome.discarded = Int64(batch.bars.count)
            outcome.error = String(
                format: "%d of %d rows rejected (%.1f%%), above validate.max_reject_ratio %.1f%%: none of its rows stored",
                batch.rejects.count, read, Double(batch.rejects.count) / Double(read) * 100, spec.validate.maxRejectRatio * 100)
            batch.batch.keepRows([Bool](repeating: false, count: batch.bars.count))
        }
        guard batch.batch.rowsRead > 0 || !batch.batch.corporateActions.isEmpty else { return outcome }
        let result = try loader.load(batch.batch)
        outcome.counts = result.perSeries[key] ?? result.counts
        if spec.load.mode == .replaceRange, outcome.error == nil, let newest = outcome.newest {
            outcome.deleted = try loader.deleteUnread(key, in: window.from...newest, dataSource: spec.source.name)
        }
        return outcome
    }

    /// The key window of a series: from its start (1970-01-02 when the pipeline has none) to
    /// now; daily and longer windows end after today's session (the parsers drop a bar that is
    /// still live).
    static func window(from: Int64?, timeframe: Timeframe, now: Int64) -> KeyWindow {
        let start = from ?? UnixTime.secondsPerDay
        if timeframe.isIntraday { return KeyWindow(from: start, to: now) }
        let today = now - ((now % UnixTime.secondsPerDay) + UnixTime.secondsPerDay) % UnixTime.secondsPerDay
        return KeyWindow(from: start, to: today + UnixTime.secondsPerDay)
    }

    /// The fetched rows as a load batch, through the same normalize and validate step as file
    /// rows. Rows carry their position in the fetch as their line; every reject's location names
    /// the vendor, its symbol and the bar's date or instant (`yahoo:AAPL:2020-08-31`).
    static func batch(_ fetched: SeriesFetch, key: SeriesKey, options: ImportOptions) -> AssembledBatch {
        var assembler = BatchAssembler(options: options)
        assembler.startFile()
        let origin = "\(fetched.vendor.rawValue):\(fetched.vendorSymbol)"
        let parsed = ParsedBatch(bars: fetched.bars.enumerated().map { SourcedBar(bar: $1, line: Int64($0 + 1)) },
                                 corporateActions: fetched.actions, roundedVolumes: fetched.volumeRounded)
        var batch = assembler.assemble(parsed, origin: origin, fileSymbol: key.symbol, fileTimeframe: key.timeframe)
        for i in batch.rejects.indices {
            if let ts = batch.rejects[i].ts { batch.rejects[i].location = location(origin, key.timeframe, ts) }
        }
        for r in fetched.rejects {
            batch.rejects.append(RejectRecord(location: r.location, symbol: key.symbol.value, timeframe: key.timeframe,
                                              rawText: r.rawText, reason: r.reason, message: r.message, ts: r.ts))
        }
        return AssembledBatch(batch: batch, warnings: assembler.takeWarnings())
    }

    static func location(_ origin: String, _ timeframe: Timeframe, _ ts: Int64) -> String {
        origin + ":" + (timeframe.isIntraday ? UnixTime.iso8601(ts) : UnixTime.civilDate(ofSeconds: ts).description)
    }

    struct AssembledBatch {
        var batch: LoadBatch
        var warnings: Int64
        var bars: [Bar] { batch.bars }
        var rejects: [RejectRecord] { batch.rejects }
        var rowsRead: Int { batch.rowsRead }
    }
}

/// A vendor answer that means the request itself was wrong (a range limit the planner should
/// have kept, an interval the vendor lacks): the series fails and the message says it is a bug.
struct VendorRequestBug: Error, CustomStringConvertible {
    var error: VendorError
    var description: String { "\(error) (the request was wrong: a bug in jutsu-ingest, please report it)" }
}

/// The first source-wide failure, seen by every worker.
final class FailureFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: String?
    var message: String? { lock.lock(); defer { lock.unlock() }; return stored }
    func set(_ text: String) { lock.lock(); if stored == nil { stored = text }; lock.unlock() }
}

/// Outcomes of the series, filled in by the worker threads.
final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [VendorStage.Outcome?]
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: VendorStage.Outcome) { lock.lock(); storage[i] = value; lock.unlock() }
    var values: [VendorStage.Outcome?] { lock.lock(); defer { lock.unlock() }; return storage }
}

/// An HTTP source's counters in a run summary (`http` in the JSON).
public struct HTTPCounts: Sendable, Encodable, Equatable {
    public var requests: Int, retries: Int, rateLimited: Int, bytes: Int, transportErrors: Int

    init(_ c: SourceCounters) {
        (requests, retries, rateLimited, bytes, transportErrors) = (c.requests, c.retries, c.tooManyRequests, c.bytes, c.transportErrors)
    }

    enum CodingKeys: String, CodingKey {
        case requests, retries, rateLimited = "rate_limited", bytes, transportErrors = "transport_errors"
    }
}
