import Yams

extension PipelineDecoder {
    /// `source:` or `fallback:`, checked against `SourceRegistry`.
    mutating func decodeSource(_ node: Node, path: String) -> SourceSpec? {
        guard case .mapping(let mapping) = node else {
            reader.report(node.mark, "`\(path)` must be a mapping, got \(NodeReader.describe(node))")
            return nil
        }
        // The kind first: it decides which other keys are allowed.
        var kind: SourceKind?
        var kindFailed = false
        if let kindNode = mapping.first(where: { $0.key.scalar?.string == "kind" })?.value, !NodeReader.isNull(kindNode) {
            let kinds = SourceKind.allCases.map(\.rawValue)
            kind = reader.value(
                kindNode, path: "\(path).kind", expected: "a source kind",
                hint: { s in
                    let hint = Suggestion.hint(for: s.value, in: kinds)
                    return hint.isEmpty ? " (kinds: \(kinds.joined(separator: ", ")))" : hint
                }
            ) { SourceKind(rawValue: $0) }
            kindFailed = kind == nil
        }
        let allOptions = SourceRegistry.kinds.flatMap { $0.options.map(\.name) }
        let allowed = ["kind"] + (kind.map { SourceRegistry.info(for: $0).options.map(\.name) } ?? allOptions)
        let required = ["kind"] + (kind.map { SourceRegistry.info(for: $0).options.filter(\.required).map(\.name) } ?? [])
        guard let entries = reader.mapping(node, path: path, allowed: allowed, required: kindFailed ? [] : required,
            unknown: { entry in
                let hint = Suggestion.hint(for: entry.key, in: allowed)
                if let kind, allOptions.contains(entry.key) {
                    return "`\(entry.key)` is not an option of source kind `\(kind.rawValue)`\(hint)"
                }
                return "unknown key `\(entry.key)` in `\(path)`\(hint)"
            })
        else { return nil }
        guard let kind else { return nil }

        let info = SourceRegistry.info(for: kind)
        var spec = SourceSpec(kind: kind, name: SourceRegistry.defaultName(for: kind))
        var ok = true
        for option in info.options {
            let optionPath = "\(path).\(option.name)"
            guard let entry = entries[option.name] else {
                if let value = option.defaultValue, option.name != "name" {
                    spec.options[option.name] = ConfigValue(value: value)
                }
                continue
            }
            if option.type == .paths {
                if let paths = paths(entry.value, path: optionPath) { spec.paths = paths } else { ok = false }
                continue
            }
            guard let s = optionValue(entry.value, option: option, path: optionPath) else {
                ok = false
                continue
            }
            switch option.name {
            case "name": spec.name = s.value
            case "delimiter": spec.csv.delimiter = SourceRegistry.delimiters[s.value.lowercased()]
            case "date_format": spec.csv.dateFormat = s.value.lowercased()
            case "has_header": spec.csv.hasHeader = ValueSyntax.boolean(s.value)
            default: spec.options[option.name] = s.configValue
            }
        }
        return ok ? spec : nil
    }

    /// One option's value, checked against its type (integers and booleans are stored
    /// canonically: `rate_limit: 0120` is `120`, `adjusted: yes` is `true`).
    private mutating func optionValue(_ node: Node, option: SourceOption, path: String) -> Scalar? {
        let expected: String
        let parse: (String) -> String?
        switch option.type {
        case .string, .paths:
            expected = "a string"
            parse = { $0.isEmpty ? nil : $0 }
        case .url:
            expected = "an http:// or https:// URL"
            parse = { ValueSyntax.isURL($0) ? $0 : nil }
        case .integer(let range):
            expected = "an integer \(range.lowerBound)-\(range.upperBound)"
            parse = { ValueSyntax.integer($0, in: range).map(String.init) }
        case .boolean:
            expected = "true or false"
            parse = { ValueSyntax.boolean($0).map(String.init) }
        case .delimiter:
            expected = "one of `,` `;` `|` `tab`"
            parse = { SourceRegistry.delimiters[$0.lowercased()] == nil ? nil : $0 }
        case .dateFormat:
            expected = "one of \(SourceRegistry.dateFormats.joined(separator: ", "))"
            parse = { SourceRegistry.dateFormats.contains($0.lowercased()) ? $0.lowercased() : nil }
        case .dataSourceName:
            expected = "a data source name (1-32 of a-z 0-9 _ -)"
            parse = { ValueSyntax.isDataSourceName($0) ? $0 : nil }
        }
        guard var s = reader.scalar(node, path: path, expected: expected) else { return nil }
        guard let canonical = parse(s.value) else {
            let got = option.secret && !s.interpolated ? "" : ", got `\(s.shown)`"
            reader.report(s.mark, "`\(path)` must be \(s.value.isEmpty ? "non-empty" : expected)\(got)")
            return nil
        }
        if option.secret && !s.interpolated {
            reader.report(s.mark, "`\(path)` looks like a literal secret; use ${ENV_VAR}")
            return nil
        }
        s.value = canonical
        return s
    }

    /// `paths`: a string or a non-empty list of strings.
    private mutating func paths(_ node: Node, path: String) -> [String]? {
        if case .sequence = node {
            guard let items = reader.list(node, path: path, expected: "a string or a list of strings") else { return nil }
            guard !items.isEmpty else {
                reader.report(node.mark, "`\(path)` is an empty list")
                return nil
            }
            var out: [String] = []
            for (index, item) in items.enumerated() {
                guard let s = nonEmpty(item.node, path: "\(path)[\(index)]") else { continue }
                out.append(s.value)
            }
            return out.count == items.count ? out : nil
        }
        return nonEmpty(node, path: path).map { [$0.value] }
    }
}
