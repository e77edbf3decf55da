/// What each source kind accepts under `source:` (and `fallback:`): the one description the
/// loader checks against and the field reference is generated from.
public enum SourceRegistry {
    /// Every kind, in the order the documentation lists them.
    public static let kinds: [SourceKindInfo] = [
        SourceKindInfo(
            kind: .csv, summary: "CSV or gzip CSV files, dialect detected per file (as `jutsu-ingest import`).",
            options: [
                SourceOption("paths", .paths, required: true,
                             "File paths or globs (`*`, `?`, `**`); a string or a list. Relative to the pipeline file's directory."),
                SourceOption("delimiter", .delimiter, "`,` `;` `|` or `tab`; detected when absent."),
                SourceOption("date_format", .dateFormat,
                             "One of \(dateFormats.map { "`\($0)`" }.joined(separator: " ")); detected when absent."),
                SourceOption("has_header", .boolean, "Whether the first row is a header; detected when absent."),
                nameOption(.csv),
            ]),
        SourceKindInfo(
            kind: .yahoo, summary: "Yahoo Finance chart API.",
            options: [
                SourceOption("base_url", .url, default: "https://query1.finance.yahoo.com", "API root."),
                SourceOption("rate_limit", .integer(0...100_000), default: "60", "Requests per minute; 0: no limit."),
                nameOption(.yahoo),
            ] + httpOptions),
        SourceKindInfo(
            kind: .schwab, summary: "Charles Schwab Market Data API (OAuth app credentials).",
            options: [
                SourceOption("base_url", .url, default: "https://api.schwabapi.com/marketdata/v1", "API root."),
                SourceOption("app_key", .string, required: true, secret: true, "OAuth app key; write `${SCHWAB_APP_KEY}`."),
                SourceOption("app_secret", .string, required: true, secret: true,
                             "OAuth app secret; write `${SCHWAB_APP_SECRET}`."),
                SourceOption("token_file", .string, default: ".jutsu/schwab-token.json",
                             "File holding the OAuth refresh token; relative to the pipeline file's directory (the default, "
                                 + "`pipelines/.jutsu/`, is git-ignored and shared by the directory's Schwab pipelines). "
                                 + "Written 0600 by `jutsu-ingest auth schwab`."),
                SourceOption("token_url", .url, default: "https://api.schwabapi.com/v1/oauth/token", "OAuth token endpoint."),
                SourceOption("authorize_url", .url, default: "https://api.schwabapi.com/v1/oauth/authorize",
                             "OAuth login page `auth schwab` sends the user to."),
                SourceOption("redirect_uri", .url, default: "https://127.0.0.1",
                             "The app's callback URL as registered with Schwab; the browser lands there with the code."),
                SourceOption("rate_limit", .integer(0...100_000), default: "120", "Requests per minute; 0: no limit."),
                nameOption(.schwab),
            ] + httpOptions),
        SourceKindInfo(
            kind: .polygon, summary: "Polygon.io aggregates API.",
            options: [
                SourceOption("base_url", .url, default: "https://api.polygon.io", "API root."),
                SourceOption("api_key", .string, required: true, secret: true, "API key; write `${POLYGON_API_KEY}`."),
                SourceOption("rate_limit", .integer(0...100_000), default: "5",
                             "Requests per minute (5 on the free plan); 0: no limit."),
                SourceOption("adjusted", .boolean, default: "true", "Split-adjusted bars."),
                nameOption(.polygon),
            ] + httpOptions),
        SourceKindInfo(
            kind: .polygonFlatfiles, summary: "Polygon flat files (daily gzip CSV aggregates) already downloaded.",
            options: [
                SourceOption("paths", .paths, required: true,
                             "File paths or globs; a string or a list. Relative to the pipeline file's directory."),
                nameOption(.polygonFlatfiles),
            ]),
        SourceKindInfo(
            kind: .legacySqlite, summary: "The legacy MVP SQLite database (`market_data` table).",
            options: [
                SourceOption("file", .string, required: true,
                             "The SQLite database file; relative to the pipeline file's directory."),
                nameOption(.legacySqlite),
            ]),
    ]

    /// What every HTTP source accepts besides its own options (defaults applied by the source,
    /// so a pipeline that does not write them reads back without them).
    static let httpOptions: [SourceOption] = [
        SourceOption("max_retries", .integer(0...10),
                     "Retries of a request after a 429, 5xx, timeout, reset or truncated body; default 5."),
        SourceOption("retry_base_ms", .integer(1...60_000),
                     "Ceiling of the first retry's jittered wait, doubled for each later one (capped at 300 s); default 1000."),
        SourceOption("timeout", .integer(1...3_600), "Seconds a whole request may take, body included; default 120."),
    ]

    /// The kind's description (every kind has one).
    public static func info(for kind: SourceKind) -> SourceKindInfo {
        kinds.first { $0.kind == kind }!
    }

    /// `data_source` when `name` is not given: the kind's name, except `polygon_flatfiles`
    /// -> `polygon` and `legacy_sqlite` -> `legacy`.
    public static func defaultName(for kind: SourceKind) -> String {
        switch kind {
        case .polygonFlatfiles: "polygon"
        case .legacySqlite: "legacy"
        default: kind.rawValue
        }
    }

    /// JutsuCSV's `DateFormat` raw values (`import --date-format`), repeated here because this
    /// module does not depend on the reader; keep the two lists in step.
    public static let dateFormats = [
        "iso-date", "iso-datetime", "mm/dd/yyyy", "dd/mm/yyyy", "yyyymmdd", "yyyy.mm.dd", "dd.mm.yyyy", "dd-mon-yy",
        "dd-mon-yyyy", "mon dd, yyyy", "epoch-s", "epoch-ms", "epoch-us", "epoch-ns",
    ]

    /// `delimiter` spellings and their byte.
    static let delimiters: [String: UInt8] = [",": 0x2C, ";": 0x3B, "|": 0x7C, "tab": 0x09, "\\t": 0x09, "\t": 0x09]

    private static func nameOption(_ kind: SourceKind) -> SourceOption {
        SourceOption("name", .dataSourceName, default: defaultName(for: kind),
                     "`data_source` written with every bar: 1-32 lower-case letters, digits, `_` or `-`.")
    }
}

/// One source kind and its options.
public struct SourceKindInfo: Sendable {
    public var kind: SourceKind
    public var summary: String
    /// `kind` itself is not listed: every kind has it.
    public var options: [SourceOption]

    public func option(_ name: String) -> SourceOption? { options.first { $0.name == name } }
}

/// One option of a source kind.
public struct SourceOption: Sendable, Equatable {
    public enum ValueType: Sendable, Equatable {
        case string
        /// `http://` or `https://`.
        case url
        /// A string or a list of strings.
        case paths
        case integer(ClosedRange<Int>)
        case boolean
        case delimiter
        case dateFormat
        /// A `data_source` name: 1-32 of `a-z 0-9 _ -`.
        case dataSourceName

        /// How the field reference names it.
        public var documentation: String {
            switch self {
            case .string: "string"
            case .url: "URL"
            case .paths: "string or list"
            case .integer(let r): "integer \(r.lowerBound)-\(r.upperBound)"
            case .boolean: "boolean"
            case .delimiter: "delimiter"
            case .dateFormat: "date format"
            case .dataSourceName: "name"
            }
        }
    }

    public var name: String
    public var type: ValueType
    public var required: Bool
    /// Must be written as `${ENV_VAR}` (a literal value is an error: it would end up in git).
    public var secret: Bool
    /// Filled in when the option is absent (as text, like a written value).
    public var defaultValue: String?
    public var description: String

    public init(_ name: String, _ type: ValueType, required: Bool = false, secret: Bool = false,
                default defaultValue: String? = nil, _ description: String) {
        self.name = name
        self.type = type
        self.required = required
        self.secret = secret
        self.defaultValue = defaultValue
        self.description = description
    }
}
