import Yams

/// A scalar after `${ENV}` interpolation, with where it was written.
struct Scalar {
    var value: String
    /// The text as written in the file.
    var written: String
    var interpolated: Bool
    var mark: Mark?

    /// What a diagnostic may show: the written text when it came from the environment.
    var shown: String { interpolated ? written : value }

    var configValue: ConfigValue { ConfigValue(value: value, interpolated: interpolated, written: written) }
}

/// A mapping entry whose key is a string.
struct Entry {
    var key: String
    var keyMark: Mark?
    var value: Node
}

/// Reads YAML nodes while collecting diagnostics: every reader reports what is wrong and
/// returns `nil`, so one pass finds every problem of a file.
struct NodeReader {
    let file: String
    let environment: [String: String]
    private(set) var diagnostics: [PipelineDiagnostic] = []

    init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    mutating func report(_ mark: Mark?, _ message: String) {
        diagnostics.append(
            PipelineDiagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// `a list`, `a mapping` or the scalar as it may be shown.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let s): return "`\(s.string)`"  // as written: `${...}` is never expanded here
        }
    }

    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let s) = node, s.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(s.string)
    }

    /// The entries of a mapping; reports a non-mapping, non-string keys, unknown keys (with a
    /// suggestion), duplicates and missing required keys. Entries with a null value are
    /// dropped (a required one is reported).
    mutating func mapping(
        _ node: Node, path: String, allowed: [String], required: [String] = [],
        unknown: ((Entry) -> String)? = nil
    ) -> [String: Entry]? {
        guard case .mapping(let mapping) = node else {
            let what = path.isEmpty ? "a pipeline" : "`\(path)`"
            report(node.mark, "\(what) must be a mapping, got \(Self.describe(node))")
            return nil
        }
        var entries: [String: Entry] = [:]
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                report(keyNode.mark, "keys of `\(path.isEmpty ? "the pipeline" : path)` must be strings, got \(Self.describe(keyNode))")
                continue
            }
            let entry = Entry(key: key.string, keyMark: key.mark, value: value)
            guard allowed.contains(key.string) else {
                if let unknown {
                    report(key.mark, unknown(entry))
                } else {
                    let place = path.isEmpty ? "" : " in `\(path)`"
                    report(key.mark, "unknown key `\(key.string)`\(place)\(Suggestion.hint(for: key.string, in: allowed))")
                }
                continue
            }
            if Self.isNull(value) {
                if required.contains(key.string) { report(key.mark, "`\(Self.join(path, key.string))` has no value") }
                continue
            }
            entries[key.string] = entry
        }
        for key in required where entries[key] == nil
            && !mapping.contains(where: { $0.key.scalar?.string == key }) {
            let place = path.isEmpty ? "" : " in `\(path)`"
            report(node.mark, "missing required key `\(key)`\(place)")
        }
        return entries
    }

    static func join(_ parent: String, _ key: String) -> String { parent.isEmpty ? key : "\(parent).\(key)" }

    /// A scalar, interpolated; reports a list or mapping (`expected` says what was wanted)
    /// and unset variables.
    mutating func scalar(_ node: Node, path: String, expected: String) -> Scalar? {
        guard case .scalar(let s) = node else {
            report(node.mark, "`\(path)` must be \(expected), got \(Self.describe(node))")
            return nil
        }
        let interpolation = Interpolation(s.string, environment: environment)
        guard interpolation.problems.isEmpty else {
            for problem in interpolation.problems { report(s.mark, "`\(path)`: \(problem)") }
            return nil
        }
        return Scalar(value: interpolation.value, written: s.string, interpolated: interpolation.interpolated, mark: s.mark)
    }

    /// A scalar parsed by `parse`; on failure reports "`path` must be <expected>, got `x`"
    /// (plus `hint(x)`, which must not reveal an interpolated value).
    mutating func value<T>(
        _ node: Node, path: String, expected: String, hint: ((Scalar) -> String)? = nil, _ parse: (String) -> T?
    ) -> T? {
        guard let s = scalar(node, path: path, expected: expected) else { return nil }
        if let v = parse(s.value) { return v }
        let extra = s.interpolated ? "" : (hint?(s) ?? "")
        report(s.mark, "`\(path)` must be \(expected), got `\(s.shown)`\(extra)")
        return nil
    }

    /// A list of scalars (each interpolated).
    mutating func list(_ node: Node, path: String, expected: String) -> [(node: Node, scalar: Scalar)]? {
        guard case .sequence(let sequence) = node else {
            report(node.mark, "`\(path)` must be \(expected), got \(Self.describe(node))")
            return nil
        }
        var out: [(Node, Scalar)] = []
        var ok = true
        for (index, item) in sequence.enumerated() {
            guard let s = scalar(item, path: "\(path)[\(index)]", expected: "a string") else {
                ok = false
                continue
            }
            out.append((item, s))
        }
        return ok ? out : nil
    }
}
