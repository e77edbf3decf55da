import JutsuCore
import JutsuPipeline
import JutsuStore

/// The dashboard at `/`: one self-contained HTML document (inline CSS and SVG, no script, no
/// external resource) with the status of every pipeline, the run timeline of the last days and
/// the freshness heatmap (series × recent sessions, worst first).
///
/// Every series row carries `data-series="SYMBOL:TF"`, `data-status` (its freshness class),
/// `data-tier` and `data-gaps`; every heatmap cell that is not `fresh` is a `<rect>` with
/// `data-state` and `data-session` (runs of equal cells are one rect with `data-through`, the
/// run's last session). Fresh cells are the row's background, which keeps 5,000 series × 30
/// sessions at a few hundred bytes a row (docs/BENCHMARKS.md, "Dashboard").
public enum DashboardPage {
    /// The `Content-Type` of the page.
    public static let contentType = "text/html; charset=utf-8"

    /// Renders the page from the database as of `now` (Unix seconds). `pipelines`: the loaded
    /// pipeline specs (schedule, next fire); pipelines seen only in the run history are listed
    /// too. About ten queries in one read-only snapshot, whatever the number of series; the
    /// connection must not be inside a transaction (it is left outside one, also on error).
    public static func render(connection: PGConnection, settings: ServiceFreshnessSettings, pipelines: [PipelineSpec],
                              query: DashboardQuery, now: Int64) throws(StoreError) -> String {
        let store = DashboardStore(connection: connection)
        // One read-only snapshot for every query of the page.
        let (heatmap, runs, states) = try connection.readSnapshot {
            () throws(StoreError) -> (HeatmapSection, [DashboardStore.Run], [String: DashboardStore.PipelineState]) in
            let all = try settings.evaluate(connection: connection, now: now)
            return (try HeatmapSection.build(rows: all, store: store, query: query, now: now),
                    try store.runs(since: now - Int64(query.days) * UnixTime.secondsPerDay, limit: 5_000),
                    try store.pipelineStates(now: now))
        }

        var out = TextBuffer(capacity: 4096 + heatmap.rows.count * 400 + runs.count * 200)
        out.raw("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        out.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        out.raw("<title>jutsu-ingest dashboard</title><style>")
        out.raw(DashboardStyle.css)
        out.raw("</style></head><body>\n<header><h1>jutsu-ingest</h1><p>as of <time datetime=\"")
        out.instant(now)
        out.raw("\">")
        out.instant(now)
        out.raw("</time> · ")
        for (i, status) in FreshnessStatus.allCases.reversed().enumerated() {
            if i > 0 { out.raw(" · ") }
            out.raw("<a class=\"count st-")
            out.raw(status.rawValue)
            out.raw("\" href=\"")
            out.html(query.link(status: .some(status)))
            out.raw("#freshness\" data-count-status=\"")
            out.raw(status.rawValue)
            out.raw("\">")
            out.int(heatmap.allCounts[status, default: 0])
            out.raw(" ")
            out.raw(status.rawValue)
            out.raw("</a>")
        }
        out.raw("</p>")
        if !query.ignored.isEmpty {
            out.raw("<p class=\"note\">ignored query parameters: ")
            out.html(query.ignored.joined(separator: ", "))
            out.raw("</p>")
        }
        out.raw("<nav class=\"sections\"><a href=\"#pipelines\">Pipelines</a> · <a href=\"#runs\">Runs</a> · ")
        out.raw("<a href=\"#freshness\">Freshness</a></nav></header>\n")
        // The heatmap last: with thousands of series it is the long part of the page.
        PipelineTable.render(pipelines: pipelines, states: states, now: now, into: &out)
        RunTimeline.render(runs, pipelines: pipelines.map(\.name), query: query, now: now, into: &out)
        heatmap.render(into: &out, query: query)
        out.raw("<footer>jutsu-ingest · <a href=\"/metrics\">/metrics</a> · <a href=\"/api/v1/freshness\">/api/v1/freshness</a></footer>\n")
        out.raw("</body></html>\n")
        return out.string
    }

    /// `42s`, `15m`, `2.5h`, `1.5d`.
    static func duration(_ seconds: Int64, into out: inout TextBuffer) {
        let s = max(seconds, 0)
        func tenths(_ unit: Int64, _ suffix: StaticString) {
            let t = (s * 10 + unit / 2) / unit
            out.int(t / 10)
            out.raw(".")
            out.int(t % 10)
            out.raw(suffix)
        }
        if s >= 86_400 { tenths(86_400, "d") } else if s >= 3_600 { tenths(3_600, "h") } else if s >= 60 {
            out.int(s / 60)
            out.raw("m")
        } else {
            out.int(s)
            out.raw("s")
        }
    }
}
