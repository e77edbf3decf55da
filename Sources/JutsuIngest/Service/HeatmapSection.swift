import JutsuCore
import JutsuPipeline
import JutsuStore

/// The freshness heatmap: rows (series, worst first) × columns (recent sessions).
struct HeatmapSection {
    struct Row {
        var freshness: FreshnessRow
        var cells: [HeatmapCell]
        var gaps: Int
    }

    var rows: [Row]
    var columns: [CivilDate]
    /// Series per class over every series (the header), and per tier after the timeframe filter
    /// (the tier links).
    var allCounts: [FreshnessStatus: Int]
    var tierCounts: [FreshnessTier: Int]
    var matching: Int

    static let cellWidth = 12

    static func calendar(named name: String) -> any TradingCalendar {
        name == "weekdays" ? WeekdayCalendar() : (TradingCalendars.named(name) ?? TradingCalendars.nyse)
    }

    static func build(rows all: [FreshnessRow], store: DashboardStore, query: DashboardQuery,
                      now: Int64) throws(StoreError) -> HeatmapSection {
        var allCounts: [FreshnessStatus: Int] = [:]
        for r in all { allCounts[r.status, default: 0] += 1 }
        var tierCounts: [FreshnessTier: Int] = [:]
        var selected: [FreshnessRow] = []
        for r in all {
            if let tf = query.timeframe, r.timeframe != tf.rawValue { continue }
            tierCounts[r.tier, default: 0] += 1
            if let tier = query.tier, r.tier != tier { continue }
            if let status = query.status, r.status != status { continue }
            selected.append(r)
        }

        var calendars: [String: any TradingCalendar] = [:]
        for r in selected where calendars[r.calendar] == nil { calendars[r.calendar] = calendar(named: r.calendar) }
        let columns = FreshnessHeatmap.columns(calendars: calendars.values.sorted { $0.name < $1.name }, count: query.sessions, now: now)
        var isSession: [String: [Bool]] = [:]
        for (name, c) in calendars { isSession[name] = columns.map { c.isSession($0) } }

        // Sessions with a bar, read only for the series that may have a gap in the window: a daily
        // series whose bar count equals its calendar's sessions from its first to its newest bar
        // has none (most series; a bar on a closed day could hide a gap here, which `gaps`
        // reports). Intraday series are always read (one probe per series and session).
        let ranges = try store.storedRanges()
        var complete = Set<String>()
        var presence: [String: Set<Int64>] = [:]
        if let from = columns.first, let through = columns.last {
            var series: [(symbol: String, timeframe: Timeframe, calendar: String)] = []
            for r in selected {
                guard let newest = r.newestBar, let tf = Timeframe(parsing: r.timeframe), tf != .w1, tf != .mo1,
                      let c = calendars[r.calendar] else { continue }
                let key = DashboardStore.key(r.symbol, r.timeframe)
                if tf == .d1, let range = ranges[key] {
                    let first = UnixTime.civilDate(ofSeconds: range.firstBar), last = UnixTime.civilDate(ofSeconds: newest)
                    if last < from { continue }   // nothing stored in the window
                    if Int64(c.sessionCount(after: first.adding(days: -1), through: last)) == range.bars {
                        complete.insert(key)
                        continue
                    }
                }
                series.append((r.symbol, tf, r.calendar))
            }
            if !series.isEmpty { presence = try store.presence(series: series, from: from, through: through) }
        }
        var rows: [Row] = []
        rows.reserveCapacity(selected.count)
        for r in selected {
            guard let tf = Timeframe(parsing: r.timeframe), let c = calendars[r.calendar] else { continue }
            let key = DashboardStore.key(r.symbol, r.timeframe)
            let cells = FreshnessHeatmap.cells(row: r, timeframe: tf, calendar: c, columns: columns,
                                               isSession: isSession[r.calendar] ?? [],
                                               present: complete.contains(key) ? nil : presence[key] ?? [],
                                               firstBar: ranges[key]?.firstBar)
            rows.append(Row(freshness: r, cells: cells, gaps: cells.reduce(0) { $0 + ($1 == .gap ? 1 : 0) }))
        }
        // Worst first: class, lag, gaps in the window, then name.
        rows.sort { a, b in
            let x = a.freshness, y = b.freshness
            if x.status.severity != y.status.severity { return x.status.severity > y.status.severity }
            if x.lagSeconds != y.lagSeconds { return x.lagSeconds > y.lagSeconds }
            if a.gaps != b.gaps { return a.gaps > b.gaps }
            return (x.symbol, x.timeframe) < (y.symbol, y.timeframe)
        }
        let matching = rows.count
        if let limit = query.limit, rows.count > limit { rows.removeSubrange(limit...) }
        return HeatmapSection(rows: rows, columns: columns, allCounts: allCounts,
                              tierCounts: tierCounts, matching: matching)
    }

    func render(into out: inout TextBuffer, query: DashboardQuery) {
        out.raw("<section id=\"freshness\"><h2>Freshness</h2>\n")
        renderFilters(into: &out, query: query)
        renderLegend(into: &out)
        let width = columns.count * Self.cellWidth
        out.raw("<table class=\"heat\"><thead><tr><th>series</th><th>tier</th><th>status</th><th>lag</th><th>newest bar</th><th>")
        renderAxis(into: &out, width: width)
        out.raw("</th></tr></thead>\n<tbody>\n")
        for row in rows { renderRow(row, width: width, into: &out) }
        out.raw("</tbody></table>\n<p class=\"note\" id=\"shown\">")
        out.int(rows.count)
        out.raw(" of ")
        out.int(matching)
        out.raw(" series shown")
        if rows.count < matching {
            out.raw(" (worst first; <a href=\"")
            var all = query
            all.limit = nil
            out.html(all.link())
            out.raw("#freshness\">show all</a>)")
        }
        out.raw(". Columns: the last ")
        out.int(columns.count)
        out.raw(" sessions of the calendars shown")
        if let first = columns.first, let last = columns.last {
            out.raw(", ")
            out.date(first)
            out.raw(" to ")
            out.date(last)
        }
        out.raw(".</p></section>\n")
    }

    private func renderFilters(into out: inout TextBuffer, query: DashboardQuery) {
        out.raw("<nav class=\"tiers\">tier: ")
        func link(_ label: String, _ tier: FreshnessTier?, count: Int) {
            let current = query.tier == tier
            out.raw(current ? "<a class=\"current\" href=\"" : "<a href=\"")
            out.html(query.link(tier: .some(tier)))
            out.raw("#freshness\" data-tier-link=\"")
            out.raw(tier?.rawValue ?? "all")
            out.raw("\">")
            out.raw(label)
            out.raw(" (")
            out.int(count)
            out.raw(")</a> ")
        }
        link("all", nil, count: tierCounts.values.reduce(0, +))
        for tier in FreshnessTier.allCases { link(tier.rawValue, tier, count: tierCounts[tier, default: 0]) }
        out.raw("</nav>\n<form method=\"get\" action=\"\" class=\"filters\">")
        func select(_ name: String, _ options: [String], _ current: String?) {
            out.raw("<label>")
            out.raw(name)
            out.raw(" <select name=\"")
            out.raw(name)
            out.raw("\"><option value=\"\">all</option>")
            for o in options {
                out.raw(o == current ? "<option selected>" : "<option>")
                out.raw(o)
                out.raw("</option>")
            }
            out.raw("</select></label> ")
        }
        select("tier", FreshnessTier.allCases.map(\.rawValue), query.tier?.rawValue)
        select("timeframe", Timeframe.allCases.map(\.rawValue), query.timeframe?.rawValue)
        select("status", FreshnessStatus.allCases.map(\.rawValue), query.status?.rawValue)
        out.raw("<label>sessions <input type=\"number\" name=\"sessions\" min=\"1\" max=\"120\" value=\"")
        out.int(query.sessions)
        out.raw("\"></label> <label>rows <input type=\"number\" name=\"limit\" min=\"1\" value=\"")
        if let limit = query.limit { out.int(limit) }
        out.raw("\" placeholder=\"all\"></label> ")
        if let at = query.at {
            // The instant the page judges at stays through a filter change.
            out.raw("<input type=\"hidden\" name=\"at\" value=\"")
            out.raw(UnixTime.iso8601(at))
            out.raw("\">")
        }
        out.raw("<button type=\"submit\">show</button></form>\n")
    }

    private func renderLegend(into out: inout TextBuffer) {
        out.raw("<ul class=\"legend\">")
        let meaning: [(HeatmapCell, StaticString)] = [
            (.fresh, "bar stored"), (.aging, "behind, within the tier's threshold"), (.stale, "behind, past the threshold"),
            (.missing, "no bar at all"), (.gap, "no bar inside the stored history"), (.pending, "not due yet"),
            (.before, "before the first bar"), (.closed, "not a session of the series' calendar"),
        ]
        for (cell, text) in meaning {
            out.raw("<li><svg width=\"12\" height=\"12\" class=\"hm\"><rect class=\"")
            out.raw(cell.rawValue)
            out.raw("\" width=\"12\"/></svg> ")
            out.raw(cell.rawValue)
            out.raw(": ")
            out.raw(text)
            out.raw("</li>")
        }
        out.raw("</ul>\n")
    }

    /// Dates over the columns: every fifth from the newest, as `MM-DD` (the years are in the
    /// caption under the table).
    private func renderAxis(into out: inout TextBuffer, width: Int) {
        out.raw("<svg class=\"axis\" width=\"")
        out.int(width)
        out.raw("\" height=\"14\">")
        for i in columns.indices where (columns.count - 1 - i) % 5 == 0 {
            var day = TextBuffer(capacity: 10)
            day.date(columns[i])
            out.raw("<text x=\"")
            out.int(i * Self.cellWidth + Self.cellWidth / 2)
            out.raw("\" y=\"11\">")
            out.bytes.append(contentsOf: day.bytes[5...])
            out.raw("</text>")
        }
        out.raw("</svg>")
    }

    private func renderRow(_ row: Row, width: Int, into out: inout TextBuffer) {
        let r = row.freshness
        out.raw("<tr data-series=\"")
        out.html(r.symbol)
        out.raw(":")
        out.raw(r.timeframe)
        out.raw("\" data-status=\"")
        out.raw(r.status.rawValue)
        out.raw("\" data-tier=\"")
        out.raw(r.tier.rawValue)
        out.raw("\" data-gaps=\"")
        out.int(row.gaps)
        out.raw("\"><th>")
        out.html(r.symbol)
        out.raw(" <small>")
        out.raw(r.timeframe)
        out.raw("</small></th><td>")
        out.raw(r.tier.rawValue)
        out.raw("</td><td class=\"st-")
        out.raw(r.status.rawValue)
        out.raw("\">")
        out.raw(r.status.rawValue)
        out.raw("</td><td>")
        if r.status == .missing || r.lagBars == 0 {
            out.raw(r.status == .missing ? "-" : "0")
        } else {
            out.int(r.lagBars)
            out.raw(r.lagBars == 1 ? " bar · " : " bars · ")
            DashboardPage.duration(r.lagSeconds, into: &out)
        }
        out.raw("</td><td>")
        if let n = r.newestBar { out.shortInstant(n) } else { out.raw("-") }
        out.raw("</td><td><svg class=\"hm\" width=\"")
        out.int(width)
        out.raw("\" height=\"14\"><rect class=\"fresh\" width=\"")
        out.int(width)
        out.raw("\"/>")
        var i = 0
        while i < row.cells.count {
            let state = row.cells[i]
            var j = i
            while j + 1 < row.cells.count, row.cells[j + 1] == state { j += 1 }
            if state != .fresh {
                out.raw("<rect class=\"")
                out.raw(state.rawValue)
                out.raw("\" x=\"")
                out.int(i * Self.cellWidth)
                out.raw("\" width=\"")
                out.int((j - i + 1) * Self.cellWidth)
                out.raw("\" data-state=\"")
                out.raw(state.rawValue)
                out.raw("\" data-session=\"")
                out.date(columns[i])
                if j > i {
                    out.raw("\" data-through=\"")
                    out.date(columns[j])
                }
                out.raw("\"><title>")
                out.date(columns[i])
                if j > i {
                    out.raw(" to ")
                    out.date(columns[j])
                }
                out.raw(": ")
                out.raw(state.rawValue)
                out.raw("</title></rect>")
            }
            i = j + 1
        }
        out.raw("</svg></td></tr>\n")
    }
}
