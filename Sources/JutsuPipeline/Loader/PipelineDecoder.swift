import JutsuCore
import Yams

/// Builds a `PipelineSpec` from a composed YAML document, reporting every problem on the way.
struct PipelineDecoder {
    var reader: NodeReader
    let file: String

    init(file: String, environment: [String: String]) {
        self.file = file
        reader = NodeReader(file: file, environment: environment)
    }

    /// The spec when the document has no problem; `reader.diagnostics` otherwise.
    mutating func decode(_ root: Node?) -> PipelineSpec? {
        guard let root, !NodeReader.isNull(root) else {
            reader.report(nil, "empty pipeline file; expected a mapping with `name`, `source` and `timeframe`")
            return nil
        }
        guard
            let top = reader.mapping(
                root, path: "", allowed: PipelineSchema.keys(under: ""), required: PipelineSchema.requiredKeys(under: ""))
        else { return nil }

        var name: String?
        if let entry = top["name"] {
            name = reader.value(
                entry.value, path: "name", expected: "a name matching [a-z0-9][a-z0-9_-]* (at most 63 characters)"
            ) { ValueSyntax.isPipelineName($0) ? $0 : nil }
        }
        var description: String?
        if let entry = top["description"] {
            description = reader.scalar(entry.value, path: "description", expected: "a string")?.value
        }
        var source: SourceSpec?
        if let entry = top["source"] { source = decodeSource(entry.value, path: "source") }
        let symbols = decodeSymbols(top["symbols"], kind: source?.kind, root: root)
        var timeframe: Timeframe?
        if let entry = top["timeframe"] {
            timeframe = reader.value(
                entry.value, path: "timeframe", expected: "one of \(Timeframe.allCases.map(\.rawValue).joined(separator: " "))"
            ) { Timeframe(parsing: $0) }
        }
        var start: CivilDate?
        if let entry = top["start"] {
            start = reader.value(entry.value, path: "start", expected: "a date YYYY-MM-DD") { CivilDate(parsing: $0) }
        }
        var lookback: Lookback? = .bars(0)
        if let entry = top["lookback"] {
            lookback = reader.value(entry.value, path: "lookback", expected: "a number of bars or a duration like 3d") {
                text -> Lookback? in
                if let bars = ValueSyntax.integer(text, in: 0...1_000_000) { return .bars(bars) }
                return ValueSyntax.duration(text).map { .seconds($0) }
            }
        }
        let validate = top["validate"].map { decodeValidate($0.value) } ?? ValidateSpec()
        let normalize = top["normalize"].map { decodeNormalize($0.value) } ?? NormalizeSpec()
        let load = top["load"].map { decodeLoad($0.value) } ?? LoadSpec()
        let freshness = top["freshness"].map { decodeFreshness($0.value) }
        let schedule = top["schedule"].map { decodeSchedule($0.value) }
        var concurrency: Int? = 4
        if let entry = top["concurrency"] {
            concurrency = reader.value(entry.value, path: "concurrency", expected: "an integer 1-64") {
                ValueSyntax.integer($0, in: 1...64)
            }
        }
        let fallback = top["fallback"].map { decodeSource($0.value, path: "fallback") }

        guard reader.diagnostics.isEmpty, let name, let source, let symbols, let timeframe, let lookback,
            let validate, let normalize, let load, let concurrency
        else { return nil }
        return PipelineSpec(
            name: name, description: description, source: source, symbols: symbols, timeframe: timeframe, start: start,
            lookback: lookback, validate: validate, normalize: normalize, load: load, freshness: freshness ?? nil,
            schedule: schedule ?? nil, concurrency: concurrency, fallback: fallback ?? nil, file: file)
    }

    // MARK: - Sections

    mutating func decodeSymbols(_ entry: Entry?, kind: SourceKind?, root: Node) -> SymbolSelection? {
        let listsSymbols: Set<SourceKind> = [.csv, .polygonFlatfiles, .legacySqlite]
        guard let entry else {
            if let kind, !listsSymbols.contains(kind) {
                reader.report(root.mark, "missing required key `symbols` (source kind `\(kind.rawValue)` cannot list its symbols)")
                return nil
            }
            return .fromSource
        }
        let expected = "a list, `{file: path}` or `from_source`"
        switch entry.value {
        case .scalar:
            guard let s = reader.scalar(entry.value, path: "symbols", expected: expected) else { return nil }
            guard s.value == "from_source" else {
                reader.report(s.mark, "`symbols` must be \(expected), got `\(s.shown)`")
                return nil
            }
            if let kind, !listsSymbols.contains(kind) {
                reader.report(s.mark, "`symbols: from_source` needs a file source; source kind `\(kind.rawValue)` cannot list its symbols")
                return nil
            }
            return .fromSource
        case .mapping:
            guard let map = reader.mapping(
                entry.value, path: "symbols", allowed: PipelineSchema.keys(under: "symbols"), required: ["file"]),
                let file = map["file"].flatMap({ nonEmpty($0.value, path: "symbols.file") })
            else { return nil }
            return .file(file.value)
        default:
            guard let items = reader.list(entry.value, path: "symbols", expected: expected) else { return nil }
            guard !items.isEmpty else {
                reader.report(entry.value.mark, "`symbols` is an empty list")
                return nil
            }
            var symbols: [Symbol] = []
            var firstLine: [Symbol: Int] = [:]
            var ok = true
            for (index, item) in items.enumerated() {
                guard let symbol = symbol(item.scalar, path: "symbols[\(index)]") else {
                    ok = false
                    continue
                }
                if let line = firstLine[symbol] {
                    let same = item.scalar.interpolated || item.scalar.value == symbol.value
                    let what = same ? "`\(item.scalar.shown)`" : "`\(item.scalar.shown)` (`\(symbol)`)"
                    reader.report(item.scalar.mark, "`symbols[\(index)]`: duplicate symbol \(what), already listed on line \(line)")
                    ok = false
                    continue
                }
                firstLine[symbol] = item.scalar.mark?.line ?? 1
                symbols.append(symbol)
            }
            return ok ? .list(symbols) : nil
        }
    }

    mutating func symbol(_ s: Scalar, path: String) -> Symbol? {
        do {
            return try Symbol(canonicalizing: s.value)
        } catch {
            let detail = s.interpolated ? "" : ": \(error.message)"
            reader.report(s.mark, "`\(path)`: invalid symbol `\(s.shown)`\(detail)")
            return nil
        }
    }

    mutating func decodeValidate(_ node: Node) -> ValidateSpec? {
        guard let map = reader.mapping(node, path: "validate", allowed: PipelineSchema.keys(under: "validate")) else {
            return nil
        }
        var spec = ValidateSpec()
        var ok = true
        if let rules = map["rules"] {
            let names = BarValidator.Rule.allCases.map(\.rawValue)
            if let entries = reader.mapping(
                rules.value, path: "validate.rules", allowed: names,
                unknown: { "unknown rule `\($0.key)` in `validate.rules`\(Suggestion.hint(for: $0.key, in: names))" })
            {
                for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
                    let severities = Severity.allCases.map(\.rawValue)
                    let severity = reader.value(
                        entry.value, path: "validate.rules.\(key)", expected: "error, warn or off",
                        hint: { Suggestion.hint(for: $0.value, in: severities) }
                    ) { Severity(rawValue: $0.lowercased()) }
                    if let severity { spec.rules[BarValidator.Rule(rawValue: key)!] = severity } else { ok = false }
                }
            } else {
                ok = false
            }
        }
        if let ratio = map["max_reject_ratio"] {
            let value = reader.value(ratio.value, path: "validate.max_reject_ratio", expected: "a number 0-1") { text -> Double? in
                guard let d = Double(text), (0...1).contains(d) else { return nil }
                return d
            }
            if let value { spec.maxRejectRatio = value } else { ok = false }
        }
        return ok ? spec : nil
    }

    mutating func decodeNormalize(_ node: Node) -> NormalizeSpec? {
        guard let map = reader.mapping(node, path: "normalize", allowed: PipelineSchema.keys(under: "normalize")) else {
            return nil
        }
        var spec = NormalizeSpec()
        var ok = true
        if let zone = map["timezone"] {
            if let z = timeZone(zone.value, path: "normalize.timezone") { spec.timezone = z } else { ok = false }
        }
        if let scale = map["price_scale"] {
            let value = reader.value(scale.value, path: "normalize.price_scale", expected: "a positive decimal like 0.01") {
                ValueSyntax.isPositiveDecimal($0) ? $0 : nil
            }
            if let value { spec.priceScale = value } else { ok = false }
        }
        if let symbolMap = map["symbol_map"] {
            if case .mapping(let pairs) = symbolMap.value {
                for (keyNode, valueNode) in pairs {
                    let key = reader.scalar(keyNode, path: "normalize.symbol_map", expected: "a symbol").flatMap {
                        symbol($0, path: "normalize.symbol_map")
                    }
                    let path = "normalize.symbol_map.\(keyNode.scalar?.string ?? "?")"
                    let value = reader.scalar(valueNode, path: path, expected: "a symbol").flatMap { symbol($0, path: path) }
                    if let key, let value { spec.symbolMap[key] = value } else { ok = false }
                }
            } else {
                reader.report(symbolMap.value.mark, "`normalize.symbol_map` must be a mapping, got \(NodeReader.describe(symbolMap.value))")
                ok = false
            }
        }
        return ok ? spec : nil
    }

    mutating func decodeLoad(_ node: Node) -> LoadSpec? {
        guard let map = reader.mapping(node, path: "load", allowed: PipelineSchema.keys(under: "load")) else { return nil }
        var spec = LoadSpec()
        var ok = true
        if let mode = map["mode"] {
            let modes = LoadMode.allCases.map(\.rawValue)
            let value = reader.value(mode.value, path: "load.mode", expected: "append, upsert or replace_range",
                                     hint: { Suggestion.hint(for: $0.value, in: modes) }) { LoadMode(rawValue: $0) }
            if let value { spec.mode = value } else { ok = false }
        }
        if let priority = map["source_priority"] {
            if let items = reader.list(priority.value, path: "load.source_priority", expected: "a list of data source names") {
                for (index, item) in items.enumerated() {
                    if ValueSyntax.isDataSourceName(item.scalar.value) {
                        spec.sourcePriority.append(item.scalar.value)
                    } else {
                        reader.report(item.scalar.mark, "`load.source_priority[\(index)]` must be a data source name (1-32 of a-z 0-9 _ -), got `\(item.scalar.shown)`")
                        ok = false
                    }
                }
            } else {
                ok = false
            }
        }
        if let batch = map["batch_size"] {
            let value = reader.value(batch.value, path: "load.batch_size", expected: "an integer 1-10000000") {
                ValueSyntax.integer($0, in: 1...10_000_000)
            }
            if let value { spec.batchSize = value } else { ok = false }
        }
        return ok ? spec : nil
    }

    mutating func decodeFreshness(_ node: Node) -> FreshnessSpec? {
        guard let map = reader.mapping(node, path: "freshness", allowed: PipelineSchema.keys(under: "freshness")) else {
            return nil
        }
        var spec = FreshnessSpec()
        var ok = true
        if let tier = map["tier"] {
            let tiers = FreshnessTier.allCases.map(\.rawValue)
            let value = reader.value(tier.value, path: "freshness.tier", expected: "critical, standard or low",
                                     hint: { Suggestion.hint(for: $0.value, in: tiers) }) { FreshnessTier(rawValue: $0) }
            if let value { spec.tier = value } else { ok = false }
        }
        for key in ["rpo", "rto"] {
            guard let entry = map[key] else { continue }
            let value = duration(entry.value, path: "freshness.\(key)")
            if let value {
                if key == "rpo" { spec.rpoSeconds = value } else { spec.rtoSeconds = value }
            } else {
                ok = false
            }
        }
        return ok ? spec : nil
    }

    mutating func decodeSchedule(_ node: Node) -> ScheduleSpec? {
        guard let map = reader.mapping(
            node, path: "schedule", allowed: PipelineSchema.keys(under: "schedule"),
            required: PipelineSchema.requiredKeys(under: "schedule"))
        else { return nil }
        var ok = true
        var cron: CronExpression?
        if let entry = map["cron"], let s = reader.scalar(entry.value, path: "schedule.cron", expected: "a cron expression") {
            do {
                cron = try CronExpression(parsing: s.value)
            } catch {
                // The parser's message quotes the text: not for a value from the environment.
                let detail = s.interpolated ? "`\(s.written)` is not a valid cron expression" : error.message
                reader.report(s.mark, "`schedule.cron`: \(detail)")
            }
        }
        var spec = cron.map { ScheduleSpec(cron: $0) }
        if let zone = map["timezone"] {
            if let z = timeZone(zone.value, path: "schedule.timezone") { spec?.timezone = z } else { ok = false }
        }
        if let catchUp = map["catch_up"] {
            let value = reader.value(catchUp.value, path: "schedule.catch_up", expected: "true or false") {
                ValueSyntax.boolean($0)
            }
            if let value { spec?.catchUp = value } else { ok = false }
        }
        if let jitter = map["jitter"] {
            if let value = duration(jitter.value, path: "schedule.jitter") { spec?.jitterSeconds = value } else { ok = false }
        }
        return ok ? spec : nil
    }

    // MARK: - Values

    mutating func duration(_ node: Node, path: String) -> Int64? {
        reader.value(node, path: path, expected: "a duration like 90m, 6h, 3d or 2w (or seconds)") {
            ValueSyntax.durationOrSeconds($0)
        }
    }

    mutating func timeZone(_ node: Node, path: String) -> String? {
        reader.value(
            node, path: path, expected: "an IANA time zone, UTC or an offset like +09:00",
            hint: { Suggestion.hint(for: $0.value, in: ValueSyntax.knownTimeZones) }
        ) { ValueSyntax.isTimeZone($0) ? $0 : nil }
    }

    mutating func nonEmpty(_ node: Node, path: String) -> Scalar? {
        guard let s = reader.scalar(node, path: path, expected: "a string") else { return nil }
        guard !s.value.isEmpty else {
            reader.report(s.mark, "`\(path)` must not be empty")
            return nil
        }
        return s
    }
}
