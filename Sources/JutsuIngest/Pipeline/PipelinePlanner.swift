import Foundation
import JutsuCSV
import JutsuCore
import JutsuPipeline
import JutsuStore

/// What the next run of a pipeline would read, per series: its stored watermark, the window
/// (incremental: watermark minus lookback; full history the first time), and, for file
/// sources, the rows of the files inside that window. Reads the database, writes nothing.
public struct PipelinePlan: Sendable, Encodable {
    public var pipeline: String
    public var sourceKind: String
    public var dataSource: String
    public var files: [String]
    /// Patterns of `source.paths` that matched no file.
    public var unmatched: [String]
    public var series: [Series]
    /// Files that could not be read at all (name -> error).
    public var fileErrors: [String: String]
    /// Rows of files not attributable to any series (parse rejects of multi-symbol files).
    public var unattributedRejects: Int64

    public struct Series: Sendable, Encodable {
        public var symbol: String
        public var timeframe: String
        /// Newest bar time a successful run of this pipeline read (nil: never ran).
        public var watermark: Int64?
        /// `first_run`, `incremental`, `full_refresh` or `since`.
        public var basis: String
        /// First bar time read (nil: from the beginning of the source).
        public var from: Int64?
        /// Newest bar time in the source inside the window (files), nil when none.
        public var to: Int64?
        /// Valid rows and rejects inside the window.
        public var rows: Int64
        public var rejected: Int64
        /// Rows before the window (not read).
        public var skipped: Int64
        public var files: [String]
        /// Oldest bar time read inside the window.
        var first: Int64?
        /// An HTTP source: `from`..`to` is the request range; rows are known only once fetched.
        public var fetch = false

        var key: SeriesKey? {
            guard let s = try? Symbol(canonicalizing: symbol), let tf = Timeframe(parsing: timeframe) else { return nil }
            return SeriesKey(symbol: s, timeframe: tf)
        }

        enum CodingKeys: String, CodingKey {
            case symbol, timeframe, watermark, basis, from, to, rows, rejected, skipped, files
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(symbol, forKey: .symbol)
            try c.encode(timeframe, forKey: .timeframe)
            try c.encode(watermark.map(UnixTime.iso8601), forKey: .watermark)
            try c.encode(basis, forKey: .basis)
            try c.encode(from.map(UnixTime.iso8601), forKey: .from)
            try c.encode(to.map(UnixTime.iso8601), forKey: .to)
            try c.encode(fetch ? nil : rows, forKey: .rows)
            try c.encode(fetch ? nil : rejected, forKey: .rejected)
            try c.encode(fetch ? nil : skipped, forKey: .skipped)
            try c.encode(files, forKey: .files)
        }
    }

    enum CodingKeys: String, CodingKey {
        case pipeline, sourceKind = "source_kind", dataSource = "data_source", files, unmatched, series
        case fileErrors = "file_errors", unattributedRejects = "unattributed_rejects"
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

/// How a run was asked to choose its windows.
public struct PipelineRunRequest: Sendable {
    /// `--symbols`: only these (intersected with the pipeline's selection).
    public var symbols: [Symbol]?
    /// `--since`: every series from this date (00:00 UTC), whatever its watermark.
    public var since: CivilDate?
    /// `--full-refresh`: every series from `start`, ignoring watermarks.
    public var fullRefresh: Bool
    public var dryRun: Bool
    /// Wait for another run of the pipeline to finish instead of exiting.
    public var wait: Bool
    /// "Now" for the future-timestamp rule (UTC seconds).
    public var now: Int64
    public var trigger: String
    /// Called on the running thread once the run's `ingest_runs` row exists (with its id), before
    /// anything is loaded: lets a caller that started the run in the background (the admin API's
    /// trigger) answer with the run id.
    public var onRunStarted: (@Sendable (Int64) -> Void)?

    public init(symbols: [Symbol]? = nil, since: CivilDate? = nil, fullRefresh: Bool = false, dryRun: Bool = false,
                wait: Bool = false, now: Int64, trigger: String = "cli") {
        self.symbols = symbols
        self.since = since
        self.fullRefresh = fullRefresh
        self.dryRun = dryRun
        self.wait = wait
        self.now = now
        self.trigger = trigger
    }
}

/// Builds `PipelinePlan`s. The same scan decides, in a run, which series fail their reject ratio
/// before anything is written.
public struct PipelinePlanner {
    public let spec: PipelineSpec
    public let request: PipelineRunRequest

    public init(spec: PipelineSpec, request: PipelineRunRequest) {
        self.spec = spec
        self.request = request
    }

    /// The directory relative paths of the pipeline resolve against.
    var baseDirectory: String {
        let cwd = FileManager.default.currentDirectoryPath
        let file = spec.file.hasPrefix("/") ? spec.file : (cwd as NSString).appendingPathComponent(spec.file)
        return ((file as NSString).deletingLastPathComponent as NSString).standardizingPath
    }

    /// The symbols the run may load; nil: whatever the source carries.
    func selectedSymbols() throws -> Set<Symbol>? {
        var selection: Set<Symbol>?
        switch spec.symbols {
        case .list(let symbols): selection = Set(symbols)
        case .fromSource: selection = nil
        case .file(let path):
            let full = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
                throw PipelineRunError.input("symbols file \(path): cannot be read")
            }
            var set = Set<Symbol>()
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let entry = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
                    .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard !entry.isEmpty else { continue }
                do { set.insert(try Symbol(canonicalizing: entry)) } catch {
                    throw PipelineRunError.input("\(path):\(n + 1): \(error)")
                }
            }
            selection = set
        }
        if let only = request.symbols {
            selection = selection.map { $0.intersection(only) } ?? Set(only)
        }
        return selection
    }

    /// The import options every load of this pipeline shares (files and filter set per unit).
    func importOptions(files: [String], filter: RowFilter?) throws -> ImportOptions {
        guard let source = DataSourceName(spec.source.name) else {
            throw PipelineRunError.input("source.name '\(spec.source.name)' is not a valid data source name")
        }
        var csv = CSVOptions()
        csv.delimiter = spec.source.csv.delimiter
        if let f = spec.source.csv.dateFormat {
            guard let format = DateFormat(rawValue: f) else { throw PipelineRunError.input("source.date_format '\(f)' is unknown") }
            csv.dateFormat = format
        }
        csv.hasHeader = spec.source.csv.hasHeader
        csv.zone = spec.normalize.timezone
        csv.timeframe = spec.timeframe
        // The symbol of each row comes from a symbol column or the file name; `symbols` selects.
        var options = ImportOptions(files: files, csv: csv, dataSource: source, dryRun: request.dryRun,
                                    batchSize: spec.load.batchSize ?? ImportOptions.defaultBatchSize,
                                    maxRejectRatio: spec.validate.maxRejectRatio, now: request.now, trigger: request.trigger)
        options.operation = "run"
        options.filter = filter
        options.errorRules = Set(BarValidator.Rule.allCases.filter { spec.validate.severity(of: $0) == .error })
        options.warnRules = Set(BarValidator.Rule.allCases.filter { spec.validate.severity(of: $0) == .warn })
        options.symbolMap = spec.normalize.symbolMap
        if let scale = spec.normalize.priceScale {
            guard case .success(let factor) = Price.parse(scale), factor.micros > 0 else {
                throw PipelineRunError.input("normalize.price_scale '\(scale)' is not a positive decimal")
            }
            options.priceScale = factor
        }
        options.policy = LoadPolicy(updatesStored: spec.load.mode != .append, sourcePriority: spec.load.sourcePriority,
                                    recordsKeys: spec.load.mode == .replaceRange)
        return options
    }

    /// The first bar time each series will read, from its state. Series without state start at
    /// `defaultStart`.
    func windows(states: [PipelineStateStore.SeriesState], store: PipelineStateStore?)
        throws -> (byKey: [SeriesKey: (from: Int64?, basis: String, watermark: Int64?)], defaultStart: Int64?, defaultBasis: String)
    {
        let startTs = spec.start.map { $0.daysSinceEpoch * UnixTime.secondsPerDay }
        if let since = request.since {
            let ts = since.daysSinceEpoch * UnixTime.secondsPerDay
            var byKey: [SeriesKey: (from: Int64?, basis: String, watermark: Int64?)] = [:]
            for state in states {
                guard let key = Self.key(state) else { continue }
                byKey[key] = (ts, "since", state.watermark)
            }
            return (byKey, ts, "since")
        }
        var byKey: [SeriesKey: (from: Int64?, basis: String, watermark: Int64?)] = [:]
        for state in states {
            guard let key = Self.key(state) else { continue }
            guard let watermark = state.watermark, !request.fullRefresh else {
                byKey[key] = (startTs, request.fullRefresh ? "full_refresh" : "first_run", state.watermark)
                continue
            }
            var from: Int64?
            switch spec.lookback {
            case .bars(0): from = watermark + 1
            case .bars(let n):
                from = try store?.nthNewestBar(symbol: state.symbol, timeframe: state.timeframe, atOrBefore: watermark, n: n)
                if from == nil { from = startTs }   // fewer than n bars stored: read them all again
            case .seconds(let s): from = watermark - s
            }
            if let f = from, let startTs { from = max(f, startTs) }
            byKey[key] = (from, "incremental", watermark)
        }
        return (byKey, startTs, request.fullRefresh ? "full_refresh" : "first_run")
    }

    /// HTTP sources: one request range per listed symbol, from its window start to `now`.
    func fetchPlan(connection: PGConnection?) throws -> PipelinePlan {
        let store = connection.map(PipelineStateStore.init)
        let windows = try windows(states: try store?.states(pipeline: spec.name) ?? [], store: store)
        let symbols = (try selectedSymbols() ?? []).sorted { $0.value < $1.value }
        let series = symbols.map { symbol -> PipelinePlan.Series in
            let key = SeriesKey(symbol: symbol, timeframe: spec.timeframe)
            let window = windows.byKey[key]
            var s = PipelinePlan.Series(
                symbol: symbol.value, timeframe: spec.timeframe.rawValue, watermark: window?.watermark,
                basis: window?.basis ?? windows.defaultBasis, from: window.map { $0.from } ?? windows.defaultStart,
                to: request.now, rows: 0, rejected: 0, skipped: 0, files: [])
            s.fetch = true
            return s
        }
        return PipelinePlan(pipeline: spec.name, sourceKind: spec.source.kind.rawValue, dataSource: spec.source.name,
                            files: [], unmatched: [], series: series, fileErrors: [:], unattributedRejects: 0)
    }

    static func key(_ state: PipelineStateStore.SeriesState) -> SeriesKey? {
        guard let s = try? Symbol(canonicalizing: state.symbol), let tf = Timeframe(parsing: state.timeframe) else { return nil }
        return SeriesKey(symbol: s, timeframe: tf)
    }

    /// Reads the files once (no database writes): per series the rows and rejects inside its
    /// window. `connection` is used read-only for watermarks and lookback windows.
    public func plan(connection: PGConnection?) throws -> PipelinePlan {
        switch spec.source.kind {
        case .csv, .polygonFlatfiles: break
        case .yahoo, .schwab, .polygon: return try fetchPlan(connection: connection)
        case .legacySqlite: throw PipelineRunError.unsupportedSource(spec.source.kind.rawValue)
        }
        let (globbed, unmatched) = PathGlob.expand(spec.source.paths, relativeTo: baseDirectory)
        // A zip archive stands for its data members (`archive.zip:member.csv`), as in `import`.
        let files = InputFiles.expand(globbed).map(\.name)
        let store = connection.map(PipelineStateStore.init)
        let states = try store?.states(pipeline: spec.name) ?? []
        let windows = try windows(states: states, store: store)
        let selection = try selectedSymbols()
        let filter = RowFilter(symbols: selection, windowStart: windows.byKey.compactMapValues { $0.from },
                               defaultStart: windows.defaultStart)
        var options = try importOptions(files: files, filter: filter)
        options.dryRun = true

        // The files are read by two threads (the plan pass has both cores to itself).
        let threads = max(1, min(2, files.count, ProcessInfo.processInfo.activeProcessorCount))
        let partial = PlanTallyBox(count: threads)
        let group = DispatchGroup()
        for t in 0..<threads {
            group.enter()
            let indices = Array(stride(from: t, to: files.count, by: threads))
            var options = options
            options.files = indices.map { files[$0] }
            let subset = options
            let thread = Thread {
                defer { group.leave() }
                var tally = PlanTally()
                ImportRunner.parseFiles(subset, chunkRows: 16_384) { message in
                    tally.add(message, fileIndex: { indices[$0] })
                    return true
                }
                partial.set(t, tally)
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        var merged = PlanTally()
        for tally in partial.values { merged.merge(tally) }
        var tallies = merged.series
        let fileErrors = Dictionary(uniqueKeysWithValues: merged.fileErrors.map { (files[$0.key], $0.value) })
        let unattributed = merged.unattributed
        let skippedByFile = merged.skippedByFile
        let seriesOfFile = merged.seriesOfFile
        // A file's skipped rows are charged to its series when it has one.
        for (file, n) in skippedByFile where n > 0 {
            if let only = seriesOfFile[file], only.count == 1 { tallies[only.first!, default: PlanTally.Series()].skipped += n }
        }
        // Listed symbols with no rows still get a line (they may be failures).
        if let selection {
            for symbol in selection {
                let key = SeriesKey(symbol: symbol, timeframe: spec.timeframe)
                if tallies[key] == nil { tallies[key] = PlanTally.Series() }
            }
        }
        // Series the pipeline loaded before that have nothing new in their window still get a
        // line (0 rows, they succeed and keep their watermark): a scheduled re-run over files
        // with nothing new succeeds instead of finding "no rows for this pipeline".
        if selection == nil {
            for state in states where state.watermark != nil {
                guard let key = Self.key(state), key.timeframe == spec.timeframe, tallies[key] == nil else { continue }
                tallies[key] = PlanTally.Series()
            }
        }
        var series: [PipelinePlan.Series] = []
        for (key, tally) in tallies.sorted(by: { $0.key < $1.key }) {
            let window = windows.byKey[key]
            series.append(PipelinePlan.Series(
                symbol: key.symbol.value, timeframe: key.timeframe.rawValue, watermark: window?.watermark,
                basis: window?.basis ?? windows.defaultBasis, from: window.map { $0.from } ?? windows.defaultStart,
                to: tally.last, rows: tally.rows, rejected: tally.rejected, skipped: tally.skipped,
                files: tally.files.sorted().map { files[$0] }, first: tally.first))
        }
        return PipelinePlan(pipeline: spec.name, sourceKind: spec.source.kind.rawValue, dataSource: spec.source.name,
                            files: files, unmatched: unmatched, series: series, fileErrors: fileErrors,
                            unattributedRejects: unattributed)
    }
}

/// Why a pipeline run could not start or a series could not be read.
public enum PipelineRunError: Error, CustomStringConvertible, Sendable {
    /// Bad input: files, symbols file, options (exit 2).
    case input(String)
    /// The source kind's adapter is not part of this build yet.
    case unsupportedSource(String)
    /// Another run of the same pipeline holds its lock.
    case busy(pipeline: String, holder: String?)

    public var description: String {
        switch self {
        case .input(let message): message
        case .unsupportedSource(let kind):
            "source kind '\(kind)' is not run by pipelines: load legacy databases with `jutsu-ingest migrate-sqlite`"
        case .busy(let pipeline, let holder):
            "pipeline '\(pipeline)' is already running\(holder.map { " (\($0))" } ?? ""); not starting a second run (use --wait to wait for it)"
        }
    }
}

/// What the plan pass counts, per series and per file, from the parse thread's messages.
struct PlanTally: Sendable {
    struct Series: Sendable {
        var rows: Int64 = 0, rejected: Int64 = 0, skipped: Int64 = 0
        var first: Int64?, last: Int64?
        var files = Set<Int>()

        mutating func merge(_ o: Series) {
            rows += o.rows
            rejected += o.rejected
            skipped += o.skipped
            first = [first, o.first].compactMap { $0 }.min()
            last = [last, o.last].compactMap { $0 }.max()
            files.formUnion(o.files)
        }
    }

    var series: [SeriesKey: Series] = [:]
    var fileErrors: [Int: String] = [:]
    var unattributed: Int64 = 0
    var skippedByFile: [Int: Int64] = [:]
    var seriesOfFile: [Int: Set<SeriesKey>] = [:]

    /// `fileIndex` maps the message's file number (within the thread's subset) to the plan's.
    mutating func add(_ message: ImportRunner.Message, fileIndex: (Int) -> Int) {
        switch message {
        case .opened: break
        case .failed(let file, let text): fileErrors[fileIndex(file)] = text
        case .chunk(let local, let batch, _, _, _, let removed, _):
            let file = fileIndex(local)
            skippedByFile[file, default: 0] += removed.skipped
            // One dictionary update per run of equal series, not per bar.
            PendingBatch.forEachSeriesRun(batch.bars) { key, lo, hi, count in
                var run = Series(rows: Int64(count), first: lo, last: hi)
                run.files = [file]
                series[key, default: Series()].merge(run)
                seriesOfFile[file, default: []].insert(key)
            }
            for reject in batch.rejects {
                guard let text = reject.symbol, let symbol = try? Symbol(canonicalizing: text),
                      let tf = reject.timeframe else { unattributed += 1; continue }
                let key = SeriesKey(symbol: symbol, timeframe: tf)
                series[key, default: Series()].rejected += 1
                series[key]!.files.insert(file)
                seriesOfFile[file, default: []].insert(key)
            }
        }
    }

    mutating func merge(_ o: PlanTally) {
        for (key, s) in o.series { series[key, default: Series()].merge(s) }
        fileErrors.merge(o.fileErrors) { a, _ in a }
        unattributed += o.unattributed
        skippedByFile.merge(o.skippedByFile, uniquingKeysWith: +)
        seriesOfFile.merge(o.seriesOfFile) { $0.union($1) }
    }
}

/// The plan threads' tallies.
final class PlanTallyBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [PlanTally]
    init(count: Int) { storage = Array(repeating: PlanTally(), count: count) }
    func set(_ i: Int, _ t: PlanTally) { lock.lock(); storage[i] = t; lock.unlock() }
    var values: [PlanTally] { lock.lock(); defer { lock.unlock() }; return storage }
}
