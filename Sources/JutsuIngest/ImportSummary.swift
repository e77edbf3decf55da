import Foundation
import JutsuStore

/// The outcome of an import: what happened to every row, per file and in total.
/// Encoded as the `--format json` object (the contract scripts rely on).
public struct ImportSummary: Sendable, Encodable {
    public enum Status: String, Sendable, Encodable { case succeeded, failed }

    public var runID: Int64?
    public var status: Status
    public var dryRun: Bool
    public var rows: LoadCounts
    public var files: [FileSummary]
    public var durationSeconds: Double
    public var error: String?
    /// The kind of failure, for the exit code: input (exit 2) or load (exit 1).
    public var failureKind: FailureKind?
    // Pipeline runs read these (not part of the import JSON):
    /// Counts per series, as the loader reported them.
    public var series: [SeriesKey: LoadCounts] = [:]
    /// Rows outside the pipeline's selection or window (not read, in the run's terms).
    public var skipped: Int64 = 0
    /// Valid rows of series discarded as a whole.
    public var discarded: [SeriesKey: Int64] = [:]
    /// Rows stored although a `warn` rule flagged them.
    public var warned: Int64 = 0
    /// Stored bars deleted by `replace_range`, per series.
    public var deleted: [SeriesKey: Int64] = [:]

    public enum FailureKind: String, Sendable, Encodable { case input, load, rejects }

    public struct FileSummary: Sendable, Encodable {
        public var path: String
        public var symbol: String?
        public var timeframe: String?
        public var compressed: Bool?
        public var delimiter: String?
        public var dateFormat: String?
        /// Columns nobody asked for, named so a user sees what was dropped.
        public var ignoredColumns: [String] = []
        /// Recognised columns that are deliberately not stored (e.g. `Adj Close`: bars are stored
        /// as the vendor reports them, adjustments come from corporate_actions).
        public var columnsNotStored: [String] = []
        public var volumeRounded: Int64 = 0
        public var rows = LoadCounts()
        public var error: String?
        /// What the reader decided that the file does not prove (`Dialect.warnings`).
        public var warnings: [String] = []

        enum CodingKeys: String, CodingKey {
            case path, symbol, timeframe, compressed, delimiter, error, rows, warnings
            case dateFormat = "date_format", ignoredColumns = "ignored_columns", volumeRounded = "volume_rounded"
            case columnsNotStored = "columns_not_stored"
            case rejectsByReason = "rejects_by_reason"
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(path, forKey: .path)
            try c.encodeIfPresent(symbol, forKey: .symbol)
            try c.encodeIfPresent(timeframe, forKey: .timeframe)
            try c.encodeIfPresent(compressed, forKey: .compressed)
            try c.encodeIfPresent(delimiter, forKey: .delimiter)
            try c.encodeIfPresent(dateFormat, forKey: .dateFormat)
            try c.encode(ignoredColumns, forKey: .ignoredColumns)
            try c.encode(columnsNotStored, forKey: .columnsNotStored)
            try c.encode(volumeRounded, forKey: .volumeRounded)
            try c.encode(RowCounts(rows), forKey: .rows)
            try c.encode(rows.rejectsByReason, forKey: .rejectsByReason)
            try c.encodeIfPresent(error, forKey: .error)
            try c.encode(warnings, forKey: .warnings)
        }
    }

    /// `{"read":N,"inserted":N,"updated":N,"unchanged":N,"rejected":N}`.
    struct RowCounts: Encodable {
        var read, inserted, updated, unchanged, rejected: Int64
        init(_ c: LoadCounts) {
            (read, inserted, updated, unchanged, rejected) = (c.read, c.inserted, c.updated, c.unchanged, c.rejected)
        }
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", status, dryRun = "dry_run", rows, files, durationSeconds = "duration_seconds", error
        case rejectsByReason = "rejects_by_reason"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let runID { try c.encode(runID, forKey: .runID) } else { try c.encodeNil(forKey: .runID) }
        try c.encode(status, forKey: .status)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(RowCounts(rows), forKey: .rows)
        try c.encode(rows.rejectsByReason, forKey: .rejectsByReason)
        try c.encode(files, forKey: .files)
        try c.encode((durationSeconds * 1000).rounded() / 1000, forKey: .durationSeconds)
        try c.encodeIfPresent(error, forKey: .error)
    }

    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
