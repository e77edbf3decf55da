import Foundation
import JutsuCore
import JutsuStore

/// The outcome of `jutsu-ingest run`: the import summary's fields plus `pipeline`, per-series
/// entries and the counters pipelines add. Encoded as the `--format json` object.
public struct PipelineRunSummary: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable { case succeeded, partial, failed }

    public var pipeline: String
    public var runID: Int64?
    public var status: Status = .succeeded
    public var dryRun: Bool
    /// Totals; `read = inserted + updated + unchanged + rejected + discarded`.
    public var rows = LoadCounts()
    public var discarded: Int64 = 0
    public var skipped: Int64 = 0
    public var warned: Int64 = 0
    /// Stored bars deleted by `load.mode: replace_range` (not rows read).
    public var deleted: Int64 = 0
    public var files: [ImportSummary.FileSummary] = []
    public var series: [Series] = []
    public var durationSeconds: Double = 0
    /// HTTP sources: requests, retries, 429s, bytes and transport errors per data source.
    public var http: [String: HTTPCounts] = [:]
    public var error: String?
    public var failureKind: ImportSummary.FailureKind?

    /// The `data_source` of the stage this summary is of (merged summaries: the first source).
    var source = ""

    // Gathered while running.
    var plan: PipelinePlan
    var perSeries: [SeriesKey: LoadCounts] = [:]
    var discardedBySeries: [SeriesKey: Int64] = [:]
    var deletedBySeries: [SeriesKey: Int64] = [:]
    var seriesErrors: [SeriesKey: String] = [:]
    /// Files that could not be read (or failed to load), with the error naming what and where.
    public internal(set) var fileErrors: [String: String] = [:]

    public struct Series: Sendable, Encodable {
        public enum Status: String, Sendable, Encodable { case succeeded, failed }
        public var symbol: String
        public var timeframe: String
        public var status: Status
        /// `first_run`, `incremental`, `full_refresh` or `since`.
        public var basis: String
        public var from: Int64?
        public var to: Int64?
        public var watermark: Int64?
        public var rows: Rows
        /// Stored bars of the range that the source no longer has, deleted (replace_range).
        public var deleted: Int64 = 0
        public var error: String?
        /// The data source the series was loaded from.
        public var source: String = ""
        /// Set when the first source failed and the fallback was tried: the first one's error.
        public var primaryError: String?
        var key: SeriesKey? {
            guard let s = try? Symbol(canonicalizing: symbol), let tf = Timeframe(parsing: timeframe) else { return nil }
            return SeriesKey(symbol: s, timeframe: tf)
        }

        enum CodingKeys: String, CodingKey { case symbol, timeframe, status, basis, range, watermark, rows, deleted, error, source
            case primaryError = "primary_error" }
        enum RangeKeys: String, CodingKey { case from, to }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(symbol, forKey: .symbol)
            try c.encode(timeframe, forKey: .timeframe)
            try c.encode(status, forKey: .status)
            try c.encode(basis, forKey: .basis)
            var range = c.nestedContainer(keyedBy: RangeKeys.self, forKey: .range)
            try range.encode(from.map(UnixTime.iso8601), forKey: .from)
            try range.encode(to.map(UnixTime.iso8601), forKey: .to)
            try c.encode(watermark.map(UnixTime.iso8601), forKey: .watermark)
            try c.encode(rows, forKey: .rows)
            try c.encode(deleted, forKey: .deleted)
            try c.encodeIfPresent(error, forKey: .error)
            try c.encode(source, forKey: .source)
            try c.encodeIfPresent(primaryError, forKey: .primaryError)
        }
    }

    /// Row counts with `discarded`: `read = inserted + updated + unchanged + rejected + discarded`.
    public struct Rows: Sendable, Encodable, Equatable {
        public var read: Int64 = 0, inserted: Int64 = 0, updated: Int64 = 0, unchanged: Int64 = 0
        public var rejected: Int64 = 0, discarded: Int64 = 0

        public init(_ counts: LoadCounts, discarded: Int64) {
            (read, inserted, updated, unchanged, rejected) =
                (counts.read + discarded, counts.inserted, counts.updated, counts.unchanged, counts.rejected)
            self.discarded = discarded
        }

        public var isBalanced: Bool { read == inserted + updated + unchanged + rejected + discarded }
    }

    init(pipeline: String, dryRun: Bool, plan: PipelinePlan) {
        self.pipeline = pipeline
        self.dryRun = dryRun
        self.plan = plan
    }

    mutating func add(_ unit: ImportSummary) {
        rows += unit.rows
        files.append(contentsOf: unit.files)
        skipped += unit.skipped
        warned += unit.warned
        for (key, counts) in unit.series { perSeries[key, default: LoadCounts()] += counts }
        for (key, n) in unit.deleted {
            deletedBySeries[key, default: 0] += n
            deleted += n
        }
        for (key, n) in unit.discarded {
            discardedBySeries[key, default: 0] += n
            discarded += n
        }
        for file in unit.files { if let e = file.error { fileErrors[file.path] = e } }
        if unit.status == .failed, unit.failureKind != .rejects, let e = unit.error {
            // An input or load error in a file: its series failed.
            for file in unit.files where file.error != nil || unit.failureKind == .load {
                for s in plan.series where s.files.contains(file.path) {
                    if let key = s.key { seriesErrors[key] = seriesErrors[key] ?? e }
                }
            }
        }
    }

    /// Folds in the fallback stage: its series replace the failed ones (counts added, the first
    /// source's error kept as `primary_error`), its totals join the run's.
    mutating func merge(fallback second: PipelineRunSummary, source: String) {
        rows += second.rows
        discarded += second.discarded
        skipped += second.skipped
        warned += second.warned
        deleted += second.deleted
        files.append(contentsOf: second.files)
        http.merge(second.http) { a, _ in a }
        for entry in second.series {
            guard let i = series.firstIndex(where: { $0.key == entry.key }) else { continue }
            let first = series[i]
            var merged = entry
            merged.primaryError = first.error
            merged.rows.read += first.rows.read
            merged.rows.inserted += first.rows.inserted
            merged.rows.updated += first.rows.updated
            merged.rows.unchanged += first.rows.unchanged
            merged.rows.rejected += first.rows.rejected
            merged.rows.discarded += first.rows.discarded
            merged.deleted += first.deleted
            series[i] = merged
        }
        error = nil
        failureKind = nil
        status = .succeeded
        settleStatus()
    }

    /// Per-series entries and the run's status, once every unit has reported.
    mutating func finishSeries(plan: PipelinePlan, discard: Set<SeriesKey>) {
        for s in plan.series {
            guard let key = s.key else { continue }
            let counts = perSeries[key] ?? LoadCounts()
            var error = seriesErrors[key]
            if error == nil, s.watermark == nil, s.rows + s.rejected == 0 {
                error = "no rows for this series in the source"
            }
            let failed = error != nil || discard.contains(key)
            series.append(Series(
                symbol: s.symbol, timeframe: s.timeframe, status: failed ? .failed : .succeeded, basis: s.basis,
                from: s.from, to: s.to, watermark: failed ? s.watermark : [s.watermark, s.to].compactMap { $0 }.max(),
                rows: Rows(counts, discarded: discardedBySeries[key] ?? 0), deleted: deletedBySeries[key] ?? 0, error: error,
                source: source))
        }
        settleStatus()
    }

    mutating func settleStatus() {
        let failures = series.filter { $0.status == .failed }.count
        if series.isEmpty {
            status = .failed
            error = error ?? (fileErrors.isEmpty ? "the source has no rows for this pipeline" : "no file could be read")
            failureKind = failureKind ?? .input
        } else if failures == series.count {
            status = .failed
            error = error ?? "every series failed"
        } else if failures > 0 || !fileErrors.isEmpty {
            status = .partial
            error = error ?? (failures > 0 ? "\(failures) of \(series.count) series failed"
                : "\(fileErrors.count) file\(fileErrors.count == 1 ? "" : "s") could not be read")
        }
        if let e = error, status == .failed, failureKind == nil, !fileErrors.isEmpty, failures == series.count {
            failureKind = .input
            error = e
        }
    }

    enum CodingKeys: String, CodingKey {
        case pipeline, runID = "run_id", status, dryRun = "dry_run", rows, rejectsByReason = "rejects_by_reason"
        case skipped = "rows_skipped", warned = "rows_warned", deleted = "rows_deleted", files, series
        case fileErrors = "file_errors"
        case durationSeconds = "duration_seconds", error, http
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(pipeline, forKey: .pipeline)
        if let runID { try c.encode(runID, forKey: .runID) } else { try c.encodeNil(forKey: .runID) }
        try c.encode(status, forKey: .status)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(Rows(rows, discarded: discarded), forKey: .rows)
        try c.encode(rows.rejectsByReason, forKey: .rejectsByReason)
        try c.encode(skipped, forKey: .skipped)
        try c.encode(warned, forKey: .warned)
        try c.encode(deleted, forKey: .deleted)
        try c.encode(files, forKey: .files)
        try c.encode(series, forKey: .series)
        try c.encode(fileErrors, forKey: .fileErrors)
        try c.encode((durationSeconds * 1000).rounded() / 1000, forKey: .durationSeconds)
        try c.encodeIfPresent(error, forKey: .error)
        if !http.isEmpty { try c.encode(http, forKey: .http) }
    }

    /// `{"http": {...}}` for the run's `details`, or `{}`.
    func httpJSON() -> String {
        guard !http.isEmpty else { return "{}" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(["http": http])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    public var totals: Rows { Rows(rows, discarded: discarded) }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
