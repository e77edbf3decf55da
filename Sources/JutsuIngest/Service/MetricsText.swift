/// Writes the Prometheus text exposition format (0.0.4): a `# HELP` and `# TYPE` line per
/// family, then its samples; label values escaped (backslash, double quote, line feed).
public struct MetricsText {
    var out = TextBuffer(capacity: 1 << 16)

    public init() {}

    /// The text written so far.
    public var text: String { out.string }

    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    public mutating func family(_ name: String, _ kind: Kind, _ help: String) {
        out.raw("# HELP ")
        out.raw(name)
        out.raw(" ")
        // HELP text: backslash and line feed escaped.
        for ch in help.unicodeScalars {
            switch ch {
            case "\\": out.raw("\\\\")
            case "\n": out.raw("\\n")
            default: out.raw(String(ch))
            }
        }
        out.raw("\n# TYPE ")
        out.raw(name)
        out.raw(" ")
        out.raw(kind.rawValue)
        out.raw("\n")
    }

    /// `name{l1="v1",...} value`; `value` is already in the format's number syntax.
    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: String) {
        out.raw(name)
        if !labels.isEmpty {
            out.raw("{")
            var first = true
            for (k, v) in labels {
                if !first { out.raw(",") }
                first = false
                out.raw(k)
                out.raw("=\"")
                out.labelValue(v)
                out.raw("\"")
            }
            out.raw("}")
        }
        out.raw(" ")
        out.raw(value)
        out.raw("\n")
    }

    public mutating func sample(_ name: String, _ labels: [(String, String)], _ value: Int64) {
        sample(name, labels, String(value))
    }

    /// The `_bucket` (cumulative, with `+Inf`), `_sum` and `_count` samples of one histogram
    /// series. `cumulative[i]`: observations <= `bounds[i]`.
    mutating func histogram(_ name: String, _ labels: [(String, String)], bounds: [Double], cumulative: [Int64], sum: String,
                            count: Int64) {
        for (bound, n) in zip(bounds, cumulative) {
            sample(name + "_bucket", labels + [("le", Self.number(bound))], n)
        }
        sample(name + "_bucket", labels + [("le", "+Inf")], count)
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, count)
    }

    /// `1`, `0.5`, `300`: bucket bounds as Prometheus clients print them.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
