import JutsuCSV
import JutsuCore
import JutsuStore

/// What `jutsu-ingest import` was asked to do.
public struct ImportOptions: Sendable {
    public var files: [String]
    public var csv: CSVOptions
    public var dataSource: DataSourceName
    /// Parse, validate and compare with what is stored, but write nothing.
    public var dryRun: Bool
    /// Rows per atomic batch (one transaction). Bigger batches cost the server less per row
    /// (each COPY statement sets up per-partition insert buffers); memory grows with them.
    public var batchSize: Int
    /// 80,000 rows (40,000 per transaction of each of the two loader workers): with two
    /// backends the import is ~1.5x `psql \copy`, and peak RSS stays ~60 MiB (docs/BENCHMARKS.md).
    public static let defaultBatchSize = 80_000
    /// Loader connections (each owns a share of the series; they split `batchSize` between them).
    public var workers = ImportOptions.defaultWorkers
    /// Two: the server does the heavy work, and a second backend uses the second core.
    public static let defaultWorkers = 2
    /// A run whose rejected/read ratio is above this fails (exit 1); its valid rows stay loaded.
    public var maxRejectRatio: Double
    /// "Now" for the future-timestamp rule (UTC seconds): injected, so runs are reproducible.
    public var now: Int64
    public var trigger: String

    // Set by pipeline runs (defaults are what `import` does).
    /// The run this load belongs to; nil: the import registers (and finishes) its own run.
    public var runID: Int64?
    /// `data_audit_log.operation`.
    public var operation = "import"
    public var filter: RowFilter?
    /// Rules that reject a row, and rules that only count a warning.
    public var errorRules = Set(BarValidator.Rule.allCases)
    public var warnRules: Set<BarValidator.Rule> = []
    public var symbolMap: [Symbol: Symbol] = [:]
    public var priceScale: Price?
    public var policy = LoadPolicy()
    /// `load.mode: replace_range`: per series, the range whose stored bars this load replaces
    /// (those it did not read are deleted once the series is loaded).
    public var replaceRanges: [SeriesKey: ClosedRange<Int64>] = [:]

    public init(files: [String], csv: CSVOptions = CSVOptions(), dataSource: DataSourceName = .csv,
                dryRun: Bool = false, batchSize: Int = ImportOptions.defaultBatchSize, maxRejectRatio: Double = 0.10,
                now: Int64, trigger: String = "cli") {
        self.files = files
        self.csv = csv
        self.dataSource = dataSource
        self.dryRun = dryRun
        self.batchSize = batchSize
        self.maxRejectRatio = maxRejectRatio
        self.now = now
        self.trigger = trigger
    }
}

/// Progress of a running import, for the terminal progress bar.
public struct ImportProgress: Sendable {
    public var file: String
    public var rowsRead: Int64
    /// Input bytes consumed (compressed bytes for gzip) over all files, and their total size.
    public var bytesConsumed: Int64
    public var bytesTotal: Int64
    public var elapsedSeconds: Double
}
