import JutsuCore
import JutsuPipeline

/// Per pipeline: schedule and next fire, the last run (status, rows, duration), failures, the
/// last scheduled fire and how late it was claimed.
enum PipelineTable {
    static func render(pipelines: [PipelineSpec], states: [String: DashboardStore.PipelineState], now: Int64,
                       into out: inout TextBuffer) {
        var specs: [String: PipelineSpec] = [:]
        for spec in pipelines { specs[spec.name] = spec }
        let names = Set(specs.keys).union(states.keys).sorted()
        out.raw("<section id=\"pipelines\"><h2>Pipelines</h2>\n")
        guard !names.isEmpty else {
            out.raw("<p class=\"note\">No pipeline loaded or run yet.</p></section>\n")
            return
        }
        out.raw("<div class=\"scroll\"><table class=\"pipelines\"><thead><tr><th>pipeline</th><th>source</th><th>schedule</th>")
        out.raw("<th>next fire</th><th>last run</th><th>status</th><th>started (took)</th><th>rows</th>")
        out.raw("<th>last success</th><th>failed 24h</th><th>failing / series</th>")
        out.raw("<th>last fire</th></tr></thead>\n<tbody>\n")
        for name in names {
            let spec = specs[name], state = states[name] ?? DashboardStore.PipelineState()
            let run = state.lastRun
            let status = run.map { RunTimeline.statusClass($0.status) } ?? "none"
            out.raw("<tr data-pipeline=\"")
            out.html(name)
            out.raw("\" data-status=\"")
            out.raw(status)
            out.raw("\"><th>")
            out.html(name)
            if spec == nil { out.raw(" <small>(not loaded)</small>") }
            out.raw("</th><td>")
            if let spec { out.html(spec.source.name) } else { out.raw("-") }
            out.raw("</td><td>")
            if let schedule = spec?.schedule {
                out.raw("<code>")
                out.html(schedule.cron.text)
                out.raw("</code> ")
                out.html(schedule.timezone)
            } else {
                out.raw("-")
            }
            out.raw("</td><td>")
            if let spec, let next = nextFire(spec, after: now) { out.shortInstant(next) } else { out.raw("-") }
            out.raw("</td>")
            if let run {
                out.raw("<td>#")
                out.int(run.id)
                out.raw(" <small>")
                out.html(run.trigger)
                out.raw("</small></td><td class=\"run-")
                out.raw(status)
                out.raw("\"")
                if let e = run.error {
                    out.raw(" title=\"")
                    out.html(e)
                    out.raw("\"")
                }
                out.raw(">")
                out.raw(status)
                out.raw("</td><td>")
                out.shortInstant(run.startedAt)
                out.raw(" <small>(")
                DashboardPage.duration((run.finishedAt ?? now) - run.startedAt, into: &out)
                if run.finishedAt == nil { out.raw(" so far") }
                out.raw(")</small></td>")
                out.raw("<td class=\"rows\">")
                for (n, label) in [(run.read, "read"), (run.inserted, "ins"), (run.updated, "upd"), (run.unchanged, "same"),
                                   (run.rejected, "rej")] {
                    out.int(n)
                    out.raw(" <small>")
                    out.raw(label)
                    out.raw("</small>")
                }
                out.raw("</td>")
            } else {
                out.raw("<td>-</td><td class=\"run-none\">none</td><td>-</td>")
                out.raw("<td class=\"rows\">-</td>")
            }
            out.raw("<td>")
            if let ok = state.lastSuccessAt { out.shortInstant(ok) } else { out.raw("-") }
            out.raw("</td><td class=\"n\">")
            out.int(state.failedRuns24h)
            out.raw("</td><td class=\"n\">")
            out.int(state.failingSeries)
            out.raw(" / ")
            out.int(state.series)
            out.raw("</td><td>")
            if let fire = state.lastFireAt {
                out.shortInstant(fire)
                out.raw(" <small>")
                out.html(state.lastFireStatus ?? "")
                if let claimed = state.lastFireClaimedAt {
                    out.raw(", claimed +")
                    DashboardPage.duration(claimed - fire, into: &out)
                }
                out.raw("</small>")
            } else {
                out.raw("-")
            }
            out.raw("</td></tr>\n")
        }
        out.raw("</tbody></table></div></section>\n")
    }

    /// The next fire after `now`, jitter included; nil without a (valid) schedule.
    static func nextFire(_ spec: PipelineSpec, after now: Int64) -> Int64? {
        guard spec.schedule != nil, let scheduled = try? ScheduledPipeline(spec) else { return nil }
        guard let fire = scheduled.schedule.cron.nextFire(after: now, zone: scheduled.zone) else { return nil }
        return fire + scheduled.jitter(fireAt: fire)
    }
}
