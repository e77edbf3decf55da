import Foundation

/// Reads the dashboard's machine-readable attributes back out of HTML (the renderer's output or
/// the DOM Chromium serializes): series rows with their cells, runs and pipelines.
struct DashboardMarkup {
    struct SeriesRow {
        var attributes: [String: String]
        /// The `<rect>`s with a `data-state`: the row's cells that are not fresh.
        var cells: [[String: String]]
        var series: String { attributes["data-series"] ?? "" }
        var status: String { attributes["data-status"] ?? "" }
    }

    var rows: [SeriesRow] = []
    var runs: [[String: String]] = []
    var pipelines: [[String: String]] = []

    init(_ html: String) {
        for chunk in Self.matches(#"<tr\b[^>]*\bdata-series="[^"]*"[^>]*>.*?</tr>"#, in: html) {
            let open = Self.matches(#"<tr\b[^>]*>"#, in: chunk).first ?? ""
            let cells = Self.matches(#"<rect\b[^>]*>"#, in: chunk).map(Self.attributes).filter { $0["data-state"] != nil }
            rows.append(SeriesRow(attributes: Self.attributes(open), cells: cells))
        }
        runs = Self.matches(#"<rect\b[^>]*\bdata-run-id="[^"]*"[^>]*>"#, in: html).map(Self.attributes)
        pipelines = Self.matches(#"<tr\b[^>]*\bdata-pipeline="[^"]*"[^>]*>"#, in: html).map(Self.attributes)
    }

    func row(_ series: String) -> SeriesRow? { rows.first { $0.series == series } }

    static func matches(_ pattern: String, in text: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        let ns = text as NSString
        return regex.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) }
    }

    static func attributes(_ tag: String) -> [String: String] {
        let regex = try! NSRegularExpression(pattern: #"([A-Za-z_:][-A-Za-z0-9_:.]*)="([^"]*)""#)
        let ns = tag as NSString
        var out: [String: String] = [:]
        for m in regex.matches(in: tag, range: NSRange(location: 0, length: ns.length)) {
            out[ns.substring(with: m.range(at: 1))] = ns.substring(with: m.range(at: 2))
        }
        return out
    }
}
