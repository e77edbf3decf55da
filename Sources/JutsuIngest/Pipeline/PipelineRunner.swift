import Foundation
import JutsuCore
import JutsuHTTP
import JutsuPipeline
import JutsuStore
import Logging

/// Runs a pipeline: plan (one read of the files: windows and reject ratios per series), then
/// load, files grouped so that each series is loaded by exactly one worker, up to
/// `concurrency` workers at once, each on its own connection.
///
/// Under the pipeline's advisory lock (a second run waits or exits), inside one `ingest_runs`
/// row; every series ends `succeeded` or `failed` in `pipeline_series_state`, and the run
/// `succeeded`, `partial` or `failed`.
public final class PipelineRunner {
    public let spec: PipelineSpec
    public let request: PipelineRunRequest
    let connect: @Sendable () throws -> PGConnection
    let logger: Logger

    public init(spec: PipelineSpec, request: PipelineRunRequest, logger: Logger,
                connect: @escaping @Sendable () throws -> PGConnection) {
        self.spec = spec
        self.request = request
        self.logger = logger
        self.connect = connect
    }

    public func run() throws -> PipelineRunSummary {
        let started = Date()
        let coordinator = try connect()
        let state = PipelineStateStore(connection: coordinator)
        if !request.dryRun {
            guard try state.lock(pipeline: spec.name, wait: request.wait) else {
                throw PipelineRunError.busy(pipeline: spec.name, holder: try state.runningDescription(pipeline: spec.name))
            }
        }
        defer { if !request.dryRun { try? state.unlock(pipeline: spec.name) } }

        guard spec.source.kind != .legacySqlite else { throw PipelineRunError.unsupportedSource(spec.source.kind.rawValue) }
        let plan = try PipelinePlanner(spec: spec, request: request).plan(connection: coordinator)
        if !plan.unmatched.isEmpty, plan.files.isEmpty, spec.fallback == nil {
            var summary = PipelineRunSummary(pipeline: spec.name, dryRun: request.dryRun, plan: plan)
            summary.status = .failed
            summary.failureKind = .input
            summary.error = "no file matches source.paths \(plan.unmatched)"
            return summary
        }

        let registry = RunRegistry(connection: coordinator)
        var runID: Int64?
        if !request.dryRun {
            try registry.abortAbandonedRuns()
            runID = try registry.start(command: "run", pipeline: spec.name, trigger: request.trigger,
                                       detailsJSON: detailsJSON(plan))
            if let runID { request.onRunStarted?(runID) }
        }

        var summary = try stage(spec, request, plan: plan, runID: runID, state: state)
        // The fallback source gets the series the first one failed, and only those.
        let failed = summary.series.filter { $0.status == .failed }.compactMap(\.key)
        if let fallback = spec.fallback, fallback.kind != .legacySqlite, !failed.isEmpty {
            var fallbackSpec = spec
            fallbackSpec.source = fallback
            fallbackSpec.fallback = nil
            var fallbackRequest = request
            fallbackRequest.symbols = failed.map(\.symbol)
            logger.notice("falling back", metadata: ["pipeline": "\(spec.name)", "source": "\(fallback.name)",
                                                     "series": "\(failed.map(\.description))"])
            let fallbackPlan = try PipelinePlanner(spec: fallbackSpec, request: fallbackRequest).plan(connection: coordinator)
            let second = try stage(fallbackSpec, fallbackRequest, plan: fallbackPlan, runID: runID, state: state)
            summary.merge(fallback: second, source: fallback.name)
        }
        if let fallback = spec.fallback, fallback.kind == .legacySqlite, !failed.isEmpty {
            for i in summary.series.indices where summary.series[i].status == .failed {
                summary.series[i].error = (summary.series[i].error ?? "failed")
                    + "; fallback '\(fallback.kind.rawValue)' not tried: pipelines do not run it (use migrate-sqlite)"
            }
        }
        summary.runID = runID

        if let runID {
            for s in summary.series where s.status == .failed || s.rows.discarded > 0 {
                guard let key = s.key else { continue }
                try state.recordSeriesProblem(runID: runID, symbol: key.symbol.value, timeframe: key.timeframe.rawValue,
                                              dataSource: spec.source.name, discarded: s.rows.discarded,
                                              error: s.error ?? s.primaryError ?? "failed", failed: s.status == .failed)
            }
            try state.addRunCounts(runID: runID, discarded: 0, warned: summary.warned)
            try state.record(pipeline: spec.name, runID: runID, outcomes: summary.series.map {
                PipelineStateStore.Outcome(symbol: $0.symbol, timeframe: $0.timeframe, succeeded: $0.status == .succeeded,
                                           lastRead: $0.to, error: $0.error)
            })
        }
        summary.durationSeconds = Date().timeIntervalSince(started)
        if let runID {
            try registry.finish(runID, status: summary.status.rawValue, error: summary.error, detailsJSON: summary.httpJSON())
        }
        return summary
    }

    /// One source's part of a run: decide the series that fail their reject ratio, load the
    /// rest in parallel workers, and say how every series of `plan` ended.
    func stage(_ spec: PipelineSpec, _ request: PipelineRunRequest, plan: PipelinePlan, runID: Int64?,
               state: PipelineStateStore) throws -> PipelineRunSummary {
        if spec.source.kind.isHTTP {
            let options = try PipelinePlanner(spec: spec, request: request).importOptions(files: [], filter: nil)
            let client = HTTPClient(configuration: try HTTPSourceSettings(spec.source).configuration(source: spec.source.name),
                                    environment: HTTPClientEnvironment(log: { [logger] line in
                                        logger.notice("\(line)", metadata: ["source": "\(spec.source.name)"])
                                    }))
            let stage = VendorStage(spec: spec, request: request, fetcher: try VendorFetchers.make(
                spec.source, client: client, baseDirectory: PipelinePlanner(spec: spec, request: request).baseDirectory),
                                    client: client, connect: connect, logger: logger)
            return try stage.run(plan: plan, runID: runID, options: options)
        }
        var summary = PipelineRunSummary(pipeline: spec.name, dryRun: request.dryRun, plan: plan)
        let planner = PipelinePlanner(spec: spec, request: request)
        summary.source = spec.source.name
        // Series over their reject ratio fail before anything of them is written.
        var discard = Set<SeriesKey>()
        for series in plan.series {
            guard let key = series.key else { continue }
            let read = series.rows + series.rejected
            if read > 0, Double(series.rejected) / Double(read) > spec.validate.maxRejectRatio {
                discard.insert(key)
                summary.seriesErrors[key] = String(
                    format: "%lld of %lld rows rejected (%.1f%%), above validate.max_reject_ratio %.1f%%: none of its rows stored",
                    series.rejected, read, Double(series.rejected) / Double(read) * 100, spec.validate.maxRejectRatio * 100)
            }
        }

        let selection = try planner.selectedSymbols()
        let windows = try planner.windows(states: try state.states(pipeline: spec.name), store: state)
        let filter = RowFilter(symbols: selection, windowStart: windows.byKey.compactMapValues { $0.from },
                               defaultStart: windows.defaultStart, discard: discard)
        let units = Self.units(plan, workers: spec.concurrency)
        let results = ResultBox(count: units.count)
        let next = ResultBox.Counter()
        let workers = max(1, min(spec.concurrency, units.count))
        var options = try planner.importOptions(files: [], filter: filter)
        if spec.load.mode == .replaceRange {
            // From the window start (or the first bar read) to the last bar read; a series
            // that read nothing deletes nothing.
            for series in plan.series {
                guard let key = series.key, !discard.contains(key), let to = series.to,
                      let from = series.from ?? series.first, from <= to else { continue }
                options.replaceRanges[key] = from...to
            }
        }
        let unitRunID = runID ?? 0
        let sharedOptions = options
        let group = DispatchGroup()
        for w in 0..<workers {
            group.enter()
            let thread = Thread { [connect, logger] in
                defer { group.leave() }
                var connection: PGConnection?
                while let u = next.take(below: units.count) {
                    var unitOptions = sharedOptions
                    unitOptions.files = units[u]
                    unitOptions.runID = unitRunID
                    do {
                        if connection == nil { connection = try connect() }
                        let runner = ImportRunner(connection: connection!, options: unitOptions, logger: logger)
                        results.set(u, .success(try runner.run()))
                    } catch {
                        results.set(u, .failure(error))
                        connection = nil   // a broken connection is not reused
                    }
                }
            }
            thread.name = "jutsu-series-\(w)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()

        for (u, result) in results.values.enumerated() {
            switch result ?? .failure(PipelineRunError.input("the worker for \(units[u]) did not run")) {
            case .success(let unit): summary.add(unit)
            case .failure(let error):
                for file in units[u] { summary.fileErrors[file] = "\(error)" }
                for series in plan.series where !Set(series.files).isDisjoint(with: units[u]) {
                    if let key = series.key { summary.seriesErrors[key] = summary.seriesErrors[key] ?? "\(error)" }
                }
            }
        }
        for (file, text) in plan.fileErrors {
            summary.fileErrors[file] = text
            for series in plan.series where series.files.contains(file) {
                if let key = series.key { summary.seriesErrors[key] = summary.seriesErrors[key] ?? text }
            }
        }
        summary.finishSeries(plan: plan, discard: discard)
        if !plan.unmatched.isEmpty, plan.files.isEmpty {
            summary.error = "no file matches source.paths \(plan.unmatched)"
        }
        return summary
    }

    /// The files of each worker: files that share a series stay together (in path order, so the
    /// last file wins a key that two files hold, as `import` of the same files decides), and
    /// these groups are spread over at most `workers` workers by size. Each worker loads its files
    /// as one import: small files share transactions.
    static func units(_ plan: PipelinePlan, workers: Int) -> [[String]] {
        var parent = Array(plan.files.indices)
        func find(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        let index = Dictionary(uniqueKeysWithValues: plan.files.enumerated().map { ($1, $0) })
        for series in plan.series {
            let members = series.files.compactMap { index[$0] }
            for m in members.dropFirst() { parent[find(m)] = find(members[0]) }
        }
        var groups: [Int: [Int]] = [:]
        for (i, file) in plan.files.enumerated() where plan.fileErrors[file] == nil {
            groups[find(i), default: []].append(i)
        }
        func bytes(_ i: Int) -> Int64 {
            ((try? FileManager.default.attributesOfItem(atPath: plan.files[i]))?[.size] as? Int64) ?? 0
        }
        let sized = groups.values.map { members in (members, members.reduce(Int64(0)) { $0 + bytes($1) }) }
            .sorted { ($0.1, $1.0[0]) > ($1.1, $0.0[0]) }
        var buckets = Array(repeating: (bytes: Int64(0), files: [Int]()), count: max(1, min(workers, sized.count)))
        for (members, size) in sized {
            let lightest = buckets.indices.min { buckets[$0].bytes < buckets[$1].bytes }!
            buckets[lightest].bytes += size
            buckets[lightest].files += members
        }
        return buckets.filter { !$0.files.isEmpty }.map { $0.files.sorted().map { plan.files[$0] } }
    }

    func detailsJSON(_ plan: PipelinePlan) -> String {
        let details: [String: Any] = [
            "pipeline_file": spec.file, "files": plan.files.count, "series": plan.series.count,
            "data_source": spec.source.name, "full_refresh": request.fullRefresh,
            "since": request.since?.description ?? NSNull(),
            "pid": Int(ProcessInfo.processInfo.processIdentifier), "host": ProcessInfo.processInfo.hostName,
        ]
        return (try? JSONSerialization.data(withJSONObject: details, options: [.sortedKeys]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// Results of the units, filled in by the worker threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<ImportSummary, any Error>?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Result<ImportSummary, any Error>) {
        lock.lock(); defer { lock.unlock() }
        storage[i] = value
    }

    var values: [Result<ImportSummary, any Error>?] {
        lock.lock(); defer { lock.unlock() }
        return storage
    }

    /// Hands out unit indices to workers.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0

        func take(below limit: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }
}
