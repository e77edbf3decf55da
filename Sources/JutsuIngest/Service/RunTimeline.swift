import JutsuCore

/// The run timeline: one lane per pipeline (ad hoc commands as `(import)` ...), each run a bar
/// from its start to its end (now while running), coloured by status, on a UTC time axis.
enum RunTimeline {
    static let width = 1000
    static let labelWidth = 180
    static let laneHeight = 18

    static func render(_ runs: [DashboardStore.Run], pipelines: [String], query: DashboardQuery, now: Int64,
                       into out: inout TextBuffer) {
        let span = Int64(query.days) * UnixTime.secondsPerDay
        let start = now - span
        var lanes = pipelines.sorted()
        var known = Set(lanes)
        for run in runs.sorted(by: { $0.lane < $1.lane }) where !known.contains(run.lane) {
            lanes.append(run.lane)
            known.insert(run.lane)
        }
        var laneIndex: [String: Int] = [:]
        for (i, lane) in lanes.enumerated() { laneIndex[lane] = i }
        func x(_ t: Int64) -> Int { labelWidth + Int((max(min(t, now), start) - start) * Int64(width) / span) }

        out.raw("<section id=\"runs\"><h2>Runs, last ")
        out.int(query.days)
        out.raw(query.days == 1 ? " day" : " days")
        out.raw("</h2>\n")
        if lanes.isEmpty {
            out.raw("<p class=\"note\">No run yet.</p></section>\n")
            return
        }
        let height = lanes.count * laneHeight + 24
        out.raw("<svg class=\"timeline\" width=\"")
        out.int(labelWidth + width + 10)
        out.raw("\" height=\"")
        out.int(height)
        out.raw("\">")
        // Midnights (UTC) as grid lines with their date.
        var day = (start / UnixTime.secondsPerDay + 1) * UnixTime.secondsPerDay
        let step = query.days > 14 ? 7 * UnixTime.secondsPerDay : UnixTime.secondsPerDay
        while day <= now {
            let px = x(day)
            out.raw("<line class=\"grid\" x1=\"")
            out.int(px)
            out.raw("\" x2=\"")
            out.int(px)
            out.raw("\" y1=\"0\" y2=\"")
            out.int(height - 14)
            out.raw("\"/><text class=\"tick\" x=\"")
            out.int(px + 2)
            out.raw("\" y=\"")
            out.int(height - 2)
            out.raw("\">")
            out.date(UnixTime.civilDate(ofSeconds: day))
            out.raw("</text>")
            day += step
        }
        for (i, lane) in lanes.enumerated() {
            out.raw("<text class=\"lane\" x=\"0\" y=\"")
            out.int(i * laneHeight + 13)
            out.raw("\">")
            out.html(lane.count > 26 ? String(lane.prefix(25)) + "…" : lane)
            out.raw("</text>")
        }
        // Oldest first, so the newest run is drawn on top.
        for run in runs.reversed() {
            guard let lane = laneIndex[run.lane] else { continue }
            let x0 = x(run.startedAt), x1 = x(run.finishedAt ?? now)
            out.raw("<rect class=\"run ")
            out.raw(statusClass(run.status))
            out.raw("\" x=\"")
            out.int(x0)
            out.raw("\" y=\"")
            out.int(lane * laneHeight + 3)
            out.raw("\" width=\"")
            out.int(max(x1 - x0, 2))
            out.raw("\" height=\"")
            out.int(laneHeight - 6)
            out.raw("\" data-run-id=\"")
            out.int(run.id)
            out.raw("\" data-pipeline=\"")
            out.html(run.lane)
            out.raw("\" data-status=\"")
            out.raw(statusClass(run.status))
            out.raw("\"><title>run ")
            out.int(run.id)
            out.raw(" · ")
            out.html(run.lane)
            out.raw(" · ")
            out.raw(statusClass(run.status))
            out.raw(" · ")
            out.html(run.trigger)
            out.raw(" · started ")
            out.instant(run.startedAt)
            if let f = run.finishedAt {
                out.raw(" · ")
                DashboardPage.duration(f - run.startedAt, into: &out)
            }
            out.raw(" · read ")
            out.int(run.read)
            out.raw(", inserted ")
            out.int(run.inserted)
            out.raw(", updated ")
            out.int(run.updated)
            out.raw(", unchanged ")
            out.int(run.unchanged)
            out.raw(", rejected ")
            out.int(run.rejected)
            if let e = run.error {
                out.raw(" · ")
                out.html(e)
            }
            out.raw("</title></rect>")
        }
        out.raw("<line class=\"now\" x1=\"")
        out.int(x(now))
        out.raw("\" x2=\"")
        out.int(x(now))
        out.raw("\" y1=\"0\" y2=\"")
        out.int(height - 14)
        out.raw("\"/></svg>\n<ul class=\"legend\">")
        for s in ["succeeded", "partial", "failed", "aborted", "running"] {
            out.raw("<li><svg width=\"12\" height=\"12\"><rect class=\"run ")
            out.raw(s)
            out.raw("\" width=\"12\" height=\"12\"/></svg> ")
            out.raw(s)
            out.raw("</li>")
        }
        out.raw("</ul></section>\n")
    }

    /// Statuses come from a CHECK-constrained column; anything else is shown as `other`.
    static func statusClass(_ status: String) -> String {
        ["running", "succeeded", "partial", "failed", "aborted", "claimed", "skipped"].contains(status) ? status : "other"
    }
}
