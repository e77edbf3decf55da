import JutsuCore

/// A pipeline as written in `pipelines/*.yaml`, after `${ENV}` interpolation and validation.
/// Pure data: no I/O, no YAML types. Built by `PipelineLoader`, run by `JutsuIngest`.
public struct PipelineSpec: Sendable, Equatable {
    /// `[a-z0-9][a-z0-9_-]*`, at most 63 characters; unique per database (it keys the
    /// pipeline's lock and its runs).
    public var name: String
    public var description: String?
    public var source: SourceSpec
    public var symbols: SymbolSelection
    public var timeframe: Timeframe
    /// Where the first run (and `--full-refresh`) starts; `nil`: everything the source has.
    public var start: CivilDate?
    /// Re-read on every incremental run before the watermark, to catch vendor revisions.
    public var lookback: Lookback
    public var validate: ValidateSpec
    public var normalize: NormalizeSpec
    public var load: LoadSpec
    public var freshness: FreshnessSpec?
    public var schedule: ScheduleSpec?
    /// Series loaded in parallel (each on its own connection), 1...64; default 4.
    public var concurrency: Int
    /// Second source for the series the first one fails for.
    public var fallback: SourceSpec?
    /// The file it was read from (absolute or as given); relative paths in `source` are
    /// resolved against its directory.
    public var file: String

    public init(name: String, description: String? = nil, source: SourceSpec, symbols: SymbolSelection,
                timeframe: Timeframe, start: CivilDate? = nil, lookback: Lookback = .bars(0),
                validate: ValidateSpec = ValidateSpec(), normalize: NormalizeSpec = NormalizeSpec(),
                load: LoadSpec = LoadSpec(), freshness: FreshnessSpec? = nil, schedule: ScheduleSpec? = nil,
                concurrency: Int = 4, fallback: SourceSpec? = nil, file: String) {
        self.name = name
        self.description = description
        self.source = source
        self.symbols = symbols
        self.timeframe = timeframe
        self.start = start
        self.lookback = lookback
        self.validate = validate
        self.normalize = normalize
        self.load = load
        self.freshness = freshness
        self.schedule = schedule
        self.concurrency = concurrency
        self.fallback = fallback
        self.file = file
    }
}

/// The source kinds the registry knows. `legacy_sqlite` is linted but not run by `run`
/// (`jutsu-ingest migrate-sqlite` reads legacy databases).
public enum SourceKind: String, Sendable, CaseIterable, Equatable {
    case csv
    case yahoo
    case schwab
    case polygon
    case polygonFlatfiles = "polygon_flatfiles"
    case legacySqlite = "legacy_sqlite"

    /// Fetched over HTTP (rate limits, retries, `base_url`), series by series.
    public var isHTTP: Bool { self == .yahoo || self == .schwab || self == .polygon }
}

/// A scalar from the pipeline file. `interpolated` is true when it came (even partly) from
/// `${ENV_VAR}`: such values are secrets and are never printed (`description` redacts them).
public struct ConfigValue: Sendable, Equatable, CustomStringConvertible {
    public var value: String
    public var interpolated: Bool
    /// The text as written in the file, e.g. `${SCHWAB_APP_KEY}`: what may be shown.
    public var written: String

    public init(value: String, interpolated: Bool = false, written: String? = nil) {
        self.value = value
        self.interpolated = interpolated
        self.written = written ?? value
    }

    public var description: String { interpolated ? written : value }
}

public struct SourceSpec: Sendable, Equatable {
    public var kind: SourceKind
    /// `data_source` written with every bar (lower-case letters, digits, `_`, `-`; at most 32);
    /// default: the kind's name (`polygon_flatfiles` -> `polygon`, `legacy_sqlite` -> `legacy`).
    public var name: String
    /// `csv` and `polygon_flatfiles`: file paths or globs (`*`, `?`, `**`), `.gz` read by magic
    /// bytes; relative to the pipeline file's directory. Empty for other kinds.
    public var paths: [String]
    /// `csv`: options for the reader; `nil` fields are detected from the file.
    public var csv: CSVSourceOptions
    /// Every other option of the kind (`base_url`, `api_key`, `rate_limit`, `file`, ...),
    /// validated against `SourceRegistry` but interpreted by the kind's adapter. Options the
    /// registry gives a default for are present with it (`rate_limit` 120 for `schwab`);
    /// integers and booleans are in canonical form (`120`, `true`/`false`).
    public var options: [String: ConfigValue]

    public init(kind: SourceKind, name: String, paths: [String] = [], csv: CSVSourceOptions = CSVSourceOptions(),
                options: [String: ConfigValue] = [:]) {
        self.kind = kind
        self.name = name
        self.paths = paths
        self.csv = csv
        self.options = options
    }
}

/// What the CSV reader may be told instead of detecting it (JutsuCSV's `CSVOptions`).
public struct CSVSourceOptions: Sendable, Equatable {
    /// One byte: `,` `;` `\t` (written `tab` or `"\t"`) `|`.
    public var delimiter: UInt8?
    /// A `DateFormat` raw value (`iso-date`, `iso-datetime`, `mm/dd/yyyy`, `yyyymmdd`, `epoch-s`,
    /// `epoch-ms`, ...), lower-cased, as `import --date-format`.
    public var dateFormat: String?
    public var hasHeader: Bool?

    public init(delimiter: UInt8? = nil, dateFormat: String? = nil, hasHeader: Bool? = nil) {
        self.delimiter = delimiter
        self.dateFormat = dateFormat
        self.hasHeader = hasHeader
    }
}

public enum SymbolSelection: Sendable, Equatable {
    /// `symbols: [AAPL, MSFT]`, canonicalized.
    case list([Symbol])
    /// `symbols: {file: path}`: one symbol per line, `#` comments; relative to the pipeline file.
    case file(String)
    /// `symbols: from_source`: whatever the files carry (symbol column or file name).
    case fromSource
}

public enum Lookback: Sendable, Equatable {
    /// `lookback: 5`: the last 5 stored bars are read again.
    case bars(Int)
    /// `lookback: 3d` / `6h` / `90m` / `2w`: that much time before the watermark.
    case seconds(Int64)
}

public enum Severity: String, Sendable, CaseIterable, Equatable {
    /// The row is rejected (the default for every rule).
    case error
    /// The row is stored and counted in `warnings`.
    case warn
    /// The rule is not checked.
    case off
}

public struct ValidateSpec: Sendable, Equatable {
    /// Per `BarValidator.Rule`; rules not named keep `.error`.
    public var rules: [BarValidator.Rule: Severity]
    /// Per series: when rejected / read is above it, the series fails and none of its rows
    /// are stored (its rejects are). 0...1, default 0.10.
    public var maxRejectRatio: Double

    public init(rules: [BarValidator.Rule: Severity] = [:], maxRejectRatio: Double = 0.10) {
        self.rules = rules
        self.maxRejectRatio = maxRejectRatio
    }

    public func severity(of rule: BarValidator.Rule) -> Severity { rules[rule] ?? .error }
}

public struct NormalizeSpec: Sendable, Equatable {
    /// IANA zone (or `UTC`, `+09:00`) of naive timestamps; `nil`: the reader's default.
    public var timezone: String?
    /// Prices are multiplied by this exact decimal (e.g. `0.01` for prices in cents); `nil`: 1.
    public var priceScale: String?
    /// Vendor symbol -> stored symbol, applied after canonicalization of both sides.
    public var symbolMap: [Symbol: Symbol]

    public init(timezone: String? = nil, priceScale: String? = nil, symbolMap: [Symbol: Symbol] = [:]) {
        self.timezone = timezone
        self.priceScale = priceScale
        self.symbolMap = symbolMap
    }
}

public enum LoadMode: String, Sendable, CaseIterable, Equatable {
    /// New keys inserted; a stored key is never changed (a differing row is rejected `exists`).
    case append
    /// New keys inserted, changed rows updated, identical rows left alone (the default).
    case upsert
    /// As upsert, and stored bars inside the range read that the source no longer has are deleted.
    case replaceRange = "replace_range"
}

public struct LoadSpec: Sendable, Equatable {
    public var mode: LoadMode
    /// Data source names, most trusted first. A stored bar from a source listed before this
    /// pipeline's source is not overwritten by it (the row is rejected `source_priority`).
    public var sourcePriority: [String]
    /// Rows per transaction; default `ImportOptions.defaultBatchSize`.
    public var batchSize: Int?

    public init(mode: LoadMode = .upsert, sourcePriority: [String] = [], batchSize: Int? = nil) {
        self.mode = mode
        self.sourcePriority = sourcePriority
        self.batchSize = batchSize
    }
}

public enum FreshnessTier: String, Sendable, CaseIterable, Equatable {
    case critical
    case standard
    case low
}

public struct FreshnessSpec: Sendable, Equatable {
    public var tier: FreshnessTier
    /// Seconds; `nil`: the tier's default.
    public var rpoSeconds: Int64?
    public var rtoSeconds: Int64?

    public init(tier: FreshnessTier = .standard, rpoSeconds: Int64? = nil, rtoSeconds: Int64? = nil) {
        self.tier = tier
        self.rpoSeconds = rpoSeconds
        self.rtoSeconds = rtoSeconds
    }
}

public struct ScheduleSpec: Sendable, Equatable {
    public var cron: CronExpression
    /// IANA zone the cron fields are read in; default `UTC`.
    public var timezone: String
    /// Run once at start-up when the last scheduled time was missed; default true.
    public var catchUp: Bool
    /// Random delay added to each run, seconds; default 0.
    public var jitterSeconds: Int64

    public init(cron: CronExpression, timezone: String = "UTC", catchUp: Bool = true, jitterSeconds: Int64 = 0) {
        self.cron = cron
        self.timezone = timezone
        self.catchUp = catchUp
        self.jitterSeconds = jitterSeconds
    }
}
