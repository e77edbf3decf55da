import Foundation

/// A strict reader of the Prometheus text exposition format 0.0.4, for tests: returns every
/// problem found (empty when the text is well formed). Checks the syntax (names, label escapes,
/// values), that each family has one HELP and one TYPE before its samples and that its samples
/// are contiguous, no duplicate series, counters not negative, and histograms complete
/// (cumulative buckets ascending by `le`, `+Inf` equal to `_count`, `_sum` present).
enum ExpositionCheck {
    static func problems(_ text: String) -> [String] {
        var problems: [String] = []
        guard text.isEmpty || text.hasSuffix("\n") else { return ["the text does not end with a line feed"] }
        var types: [String: String] = [:], helps: Set<String> = [], finished: Set<String> = []
        var current: String?
        var seen: Set<String> = []
        // histogram family + labels without le -> (buckets [(le, value)], sum?, count?)
        var histograms: [String: (buckets: [(Double, Double)], sum: Double?, count: Double?)] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        for (index, lineText) in lines.enumerated() {
            let line = String(lineText), n = index + 1
            func fail(_ message: String) { problems.append("line \(n): \(message): \(line)") }
            if line.isEmpty { fail("empty line"); continue }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 3, parts[0] == "#", parts[1] == "HELP" || parts[1] == "TYPE" else { continue }
                let name = parts[2]
                guard isMetricName(name) else { fail("bad metric name"); continue }
                if finished.contains(name) || (current != nil && current != name && (types[name] != nil || helps.contains(name))) {
                    fail("family \(name) is not contiguous")
                }
                if current != name, let c = current { finished.insert(c) }
                current = name
                if parts[1] == "HELP" {
                    if !helps.insert(name).inserted { fail("second HELP") }
                    if let help = parts.count > 3 ? parts[3] : nil, !validHelp(help) { fail("bad escape in HELP") }
                } else {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                        fail("bad TYPE"); continue
                    }
                    if types[name] != nil { fail("second TYPE") }
                    types[name] = parts[3]
                }
                continue
            }
            guard let sample = parseSample(line) else { fail("malformed sample"); continue }
            var family = sample.name
            for suffix in ["_bucket", "_sum", "_count"] where sample.name.hasSuffix(suffix) {
                let base = String(sample.name.dropLast(suffix.count))
                if types[base] == "histogram" || types[base] == "summary" { family = base }
            }
            guard let type = types[family] else { fail("sample before its TYPE"); continue }
            if current != family { fail("sample outside its family's block") }
            let names = sample.labels.map(\.0)
            if Set(names).count != names.count { fail("repeated label name") }
            let key = sample.name + "{" + sample.labels.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
            if !seen.insert(key).inserted { fail("duplicate series") }
            if type == "counter", !(sample.value >= 0) { fail("negative counter") }
            if type == "histogram" {
                let rest = sample.labels.filter { $0.0 != "le" }.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",")
                let hkey = family + "{" + rest + "}"
                var h = histograms[hkey] ?? ([], nil, nil)
                if sample.name == family + "_bucket" {
                    guard let le = sample.labels.first(where: { $0.0 == "le" })?.1, let bound = parseValue(le) else {
                        fail("bucket without a valid le"); continue
                    }
                    h.buckets.append((bound, sample.value))
                } else if sample.name == family + "_sum" {
                    h.sum = sample.value
                } else if sample.name == family + "_count" {
                    h.count = sample.value
                } else {
                    fail("histogram sample with an unknown suffix")
                }
                histograms[hkey] = h
            }
        }
        for (key, h) in histograms.sorted(by: { $0.key < $1.key }) {
            let bounds = h.buckets.map(\.0), values = h.buckets.map(\.1)
            if bounds != bounds.sorted() || Set(bounds).count != bounds.count { problems.append("\(key): buckets not ascending by le") }
            if values != values.sorted() { problems.append("\(key): buckets not cumulative") }
            if bounds.last != .infinity { problems.append("\(key): no +Inf bucket") }
            if h.sum == nil { problems.append("\(key): no _sum") }
            if h.count == nil || h.count != values.last { problems.append("\(key): _count missing or not the +Inf bucket") }
        }
        return problems
    }

    static func isMetricName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || f == ":" || (f.isASCII && f.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0 == ":" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    static func isLabelName(_ s: String) -> Bool { isMetricName(s) && !s.contains(":") }

    static func validHelp(_ s: String) -> Bool {
        var escaped = false
        for ch in s {
            if escaped { guard ch == "\\" || ch == "n" else { return false }; escaped = false } else if ch == "\\" { escaped = true }
        }
        return !escaped
    }

    static func parseValue(_ s: String) -> Double? {
        switch s {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default:
            guard !s.isEmpty, s.allSatisfy({ "0123456789.eE+-".contains($0) }) else { return nil }
            return Double(s)
        }
    }

    struct Sample {
        var name: String
        var labels: [(String, String)]
        var value: Double
    }

    /// `name{label="value",...} value [timestamp]`.
    static func parseSample(_ line: String) -> Sample? {
        let chars = Array(line)
        var i = 0
        while i < chars.count, chars[i] != "{", chars[i] != " " { i += 1 }
        let name = String(chars[0..<i])
        guard isMetricName(name) else { return nil }
        var labels: [(String, String)] = []
        if i < chars.count, chars[i] == "{" {
            i += 1
            while i < chars.count, chars[i] != "}" {
                let start = i
                while i < chars.count, chars[i] != "=" { i += 1 }
                let label = String(chars[start..<i])
                guard isLabelName(label), i + 1 < chars.count, chars[i + 1] == "\"" else { return nil }
                i += 2
                var value = ""
                while true {
                    guard i < chars.count else { return nil }
                    let c = chars[i]
                    if c == "\"" { break }
                    if c == "\n" { return nil }
                    if c == "\\" {
                        guard i + 1 < chars.count else { return nil }
                        switch chars[i + 1] {
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        case "n": value.append("\n")
                        default: return nil
                        }
                        i += 2
                        continue
                    }
                    value.append(c)
                    i += 1
                }
                i += 1
                labels.append((label, value))
                if i < chars.count, chars[i] == "," { i += 1 } else if i < chars.count, chars[i] != "}" { return nil }
            }
            guard i < chars.count else { return nil }
            i += 1
        }
        guard i < chars.count, chars[i] == " " else { return nil }
        let rest = String(chars[(i + 1)...]).split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard rest.count == 1 || rest.count == 2, let value = parseValue(rest[0]) else { return nil }
        if rest.count == 2, Int64(rest[1]) == nil { return nil }
        return Sample(name: name, labels: labels, value: value)
    }
}
