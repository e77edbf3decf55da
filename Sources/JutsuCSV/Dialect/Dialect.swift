import JutsuCore

/// How a file is written, as detected from its first 64 KiB and the options: everything the
/// reader decided before the first row, for the import summary.
public struct Dialect: Sendable, Equatable {
    /// Where the symbol of each bar comes from.
    public enum SymbolSource: String, Sendable, Equatable {
        /// A `symbol`/`ticker`/`sym` column: one symbol per row.
        case column
        /// `CSVOptions.symbol` (`--symbol`).
        case option
        /// The file name (`pipeline_inputs__AAPL.csv` -> AAPL).
        case fileName = "file-name"
    }

    /// Where the timeframe comes from.
    public enum TimeframeSource: String, Sendable, Equatable {
        /// `CSVOptions.timeframe` (`--timeframe`).
        case option
        /// A token of the file name (`EA-15m-...`, `..__daily__..`).
        case fileName = "file-name"
        /// The name of the parent directory (`daily/AAPL.csv`).
        case directoryName = "directory-name"
        /// The sample: date-only values, or the most common spacing of the timestamps.
        case data
        /// Nothing named a timeframe and the file has no data rows: 1d is assumed, and no bar
        /// is read with it.
        case assumedForEmptyFile = "assumed-for-empty-file"
    }

    /// Field separator byte.
    public var delimiter: UInt8
    /// Whether line 1 is a header (otherwise positional columns, see `BarFileReader`).
    public var hasHeader: Bool
    public var columns: ColumnMapping
    public var dateFormat: DateFormat
    public var symbolSource: SymbolSource
    /// The symbol of every bar, unless `symbolSource` is `.column`.
    public var symbol: Symbol?
    public var timeframe: Timeframe
    public var timeframeSource: TimeframeSource
    /// Columns read by no one (names as in the header).
    public var ignoredColumns: [String]
    /// Columns recognised and deliberately not stored (`Adj Close`).
    public var ignoredByDesignColumns: [String]
    /// The file is gzip (detected by its magic bytes), or a deflated member of a zip archive.
    public var compressed: Bool
    /// The member's path in its zip archive, when the input is one (`archive.zip:member.csv`).
    public var zipMember: String?
    /// Zone of naive timestamps (and of epochs for daily bars).
    public var zone: String
    /// Intraday timestamps are bar ends (`--bar-time end`).
    public var barTimeIsEnd = false
    /// The vendor file-name convention that gave the symbol or timeframe (`stooq`,
    /// `tradingview`, `histdata`, `metatrader`, `alpha-vantage`, `cryptodatadownload`).
    public var fileNameConvention: String?
    /// Lines before the header that are neither header nor bars (a vendor's banner), skipped.
    public var bannerLines = 0
    /// Decisions the reader made that the file does not prove, each with the flag that settles
    /// it: printed as warnings by `import` (an error with `--strict`) and shown by `guess`.
    public var warnings: [String] = []
    /// The zone is UTC because the date column's name says so (`Gmt time`, `timestamp_utc`),
    /// not the default (`--timezone` wins over it).
    public var zoneFromColumnName = false
}
