import JutsuCore

/// Every field of a pipeline file: the loader's list of known and required keys, and the
/// source of the field reference in `docs/pipelines.md` (`referenceMarkdown()`).
public enum PipelineSchema {
    /// The fields outside `source:`, parents before children. `source:` options are in
    /// `SourceRegistry`; `fallback:` takes the same keys as `source:`.
    public static let fields: [PipelineField] = [
        PipelineField("name", "string", required: true,
                      "Unique per database (keys the pipeline's lock and runs): `[a-z0-9][a-z0-9_-]*`, at most 63 characters."),
        PipelineField("description", "string", "Free text for people."),
        PipelineField("source", "mapping", required: true, "Where bars come from: `kind` and the kind's options (below)."),
        PipelineField("source.kind", "kind", required: true,
                      "One of \(SourceKind.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))."),
        PipelineField("symbols", "list, `{file: path}` or `from_source`", default: "`from_source`",
                      "Symbols to load: a list (canonicalized: `brk-b` is `BRK.B`), a file with one per line (`#` comments; relative to the pipeline file), or `from_source` (what the files carry). Required for `yahoo`, `schwab` and `polygon`, which cannot list symbols."),
        PipelineField("symbols.file", "string", "The symbol file of `symbols: {file: ...}`."),
        PipelineField("timeframe", "timeframe", required: true,
                      "\(Timeframe.allCases.map { "`\($0.rawValue)`" }.joined(separator: " ")) (aliases such as `1D`, `daily` accepted)."),
        PipelineField("start", "date", "`YYYY-MM-DD` where the first run (and `--full-refresh`) starts; absent: everything the source has."),
        PipelineField("lookback", "integer or duration", default: "`0`",
                      "Re-read before the watermark on every incremental run: a number of bars (`5`) or a duration (`90m`, `6h`, `3d`, `2w`)."),
        PipelineField("validate", "mapping", "Row checks."),
        PipelineField("validate.rules", "mapping", default: "every rule `error`",
                      "Rule -> `error` (reject the row), `warn` (store and count it) or `off`. Rules: \(BarValidator.Rule.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))."),
        PipelineField("validate.max_reject_ratio", "number 0-1", default: "`0.1`",
                      "A series whose rejected / read share is above it fails and stores none of its rows."),
        PipelineField("normalize", "mapping", "Transformations before loading."),
        PipelineField("normalize.timezone", "time zone", default: "the reader's (`America/New_York`)",
                      "Zone of naive timestamps: an IANA name, `UTC` or a fixed offset like `+09:00`."),
        PipelineField("normalize.price_scale", "decimal", default: "`1`",
                      "Prices are multiplied by this exact decimal (`0.01` for prices in cents)."),
        PipelineField("normalize.symbol_map", "mapping", "Vendor symbol -> stored symbol (both canonicalized)."),
        PipelineField("load", "mapping", "How rows are written."),
        PipelineField("load.mode", "`append`, `upsert` or `replace_range`", default: "`upsert`",
                      "`append`: never change a stored bar; `upsert`: update changed bars; `replace_range`: as upsert, and delete stored bars in the range read that the source no longer has."),
        PipelineField("load.source_priority", "list of names",
                      "`data_source` names, most trusted first: a bar stored by a source listed before this pipeline's is not overwritten."),
        PipelineField("load.batch_size", "integer 1-10000000", default: "import's default",
                      "Rows per transaction."),
        PipelineField("freshness", "mapping", "Freshness target; absent: not tracked."),
        PipelineField("freshness.tier", "`critical`, `standard` or `low`", default: "`standard`", "Freshness tier."),
        PipelineField("freshness.rpo", "duration", default: "the tier's", "How far behind the series may fall before it is stale."),
        PipelineField("freshness.rto", "duration", default: "the tier's", "How fast a stale series must recover."),
        PipelineField("schedule", "mapping", "When `serve` runs it; absent: only by hand."),
        PipelineField("schedule.cron", "cron", required: true,
                      "Five fields (minute hour day-of-month month day-of-week) with `*`, lists, ranges, steps, `JAN`-`DEC`, `SUN`-`SAT`, `L`, `nL`; or six with a seconds field first (`*/5 * * * * *`); or `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`."),
        PipelineField("schedule.timezone", "time zone", default: "`UTC`", "Zone the cron fields are read in."),
        PipelineField("schedule.catch_up", "boolean", default: "`true`", "Run once at start-up when the last scheduled time was missed."),
        PipelineField("schedule.jitter", "duration", default: "`0`", "Delay added to each run (a hash of the pipeline and the fire, the same on every instance), less than the time to the next fire."),
        PipelineField("concurrency", "integer 1-64", default: "`4`", "Series loaded in parallel, each on its own connection."),
        PipelineField("fallback", "mapping",
                      "A second source (same keys as `source`) for the series the first one fails for."),
    ]

    /// The keys allowed directly under `parent` (`""`: the top level), in schema order.
    /// `source` and `fallback` are not here: their keys depend on the kind.
    static func keys(under parent: String) -> [String] {
        fields.compactMap { field in
            let path = field.path
            if parent.isEmpty { return path.contains(".") ? nil : path }
            guard path.hasPrefix(parent + ".") else { return nil }
            let rest = path.dropFirst(parent.count + 1)
            return rest.contains(".") ? nil : String(rest)
        }
    }

    /// The required keys directly under `parent`.
    static func requiredKeys(under parent: String) -> [String] {
        keys(under: parent).filter { key in
            fields.first { $0.path == (parent.isEmpty ? key : "\(parent).\(key)") }!.required
        }
    }

    /// The field reference: one Markdown table of every field, source options per kind
    /// included. `docs/pipelines.md` holds it between its markers; a test keeps them equal.
    public static func referenceMarkdown() -> String {
        var rows: [[String]] = []
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        for field in fields {
            rows.append([
                "`\(field.path)`", cell(field.type), cell(field.defaultValue ?? ""), field.required ? "yes" : "",
                cell(field.description),
            ])
            guard field.path == "source.kind" else { continue }
            // `name` is the same for every kind but its default.
            rows.append([
                "`source.name`", "name", "the kind (`polygon_flatfiles`: `polygon`, `legacy_sqlite`: `legacy`)", "",
                "`data_source` written with every bar: 1-32 lower-case letters, digits, `_` or `-`.",
            ])
            for info in SourceRegistry.kinds {
                for option in info.options where option.name != "name" {
                    rows.append([
                        "`source.\(option.name)`", cell(option.type.documentation),
                        cell(option.defaultValue.map { "`\($0)`" } ?? ""), option.required ? "yes" : "",
                        cell("**\(info.kind.rawValue)**: \(option.secret ? "secret, `${ENV_VAR}` only. " : "")\(option.description)"),
                    ])
                }
            }
        }
        var out = "| field | type | default | required | description |\n|---|---|---|---|---|\n"
        for row in rows { out += "| " + row.joined(separator: " | ") + " |\n" }
        out += "\nSource kinds:\n\n"
        for info in SourceRegistry.kinds {
            out += "- `\(info.kind.rawValue)`: \(info.summary) `data_source` default `\(SourceRegistry.defaultName(for: info.kind))`.\n"
        }
        return out
    }
}

/// One field of the pipeline format.
public struct PipelineField: Sendable, Equatable {
    /// Dotted path, e.g. `validate.max_reject_ratio`.
    public var path: String
    public var type: String
    /// As Markdown; `nil`: no default (absent means absent).
    public var defaultValue: String?
    /// Required when its parent is present.
    public var required: Bool
    public var description: String

    init(_ path: String, _ type: String, required: Bool = false, default defaultValue: String? = nil,
         _ description: String) {
        self.path = path
        self.type = type
        self.defaultValue = defaultValue
        self.required = required
        self.description = description
    }
}
