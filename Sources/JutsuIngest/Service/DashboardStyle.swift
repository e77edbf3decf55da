/// The dashboard's stylesheet, inline (no external resource). Cell colours: fresh green, aging
/// amber, stale red, missing purple, gap orange, pending/before/closed greys.
enum DashboardStyle {
    static let css: StaticString = """
        body{font:13px/1.4 system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:16px 24px;color:#1d2330;background:#fff}
        h1{font-size:20px;margin:0 12px 0 0;display:inline-block}h2{font-size:16px;margin:24px 0 8px}
        header p{display:inline-block;margin:0}nav.sections{margin-top:4px}a{color:#1f5fbf;text-decoration:none}a:hover{text-decoration:underline}
        .note{color:#5b6270}small{color:#5b6270}code{font-size:12px}
        nav.tiers a{margin-right:8px}nav.tiers a.current{font-weight:bold;text-decoration:underline}
        form.filters{margin:6px 0}form.filters label{margin-right:10px}input[type=number]{width:4.5em}
        ul.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px}
        ul.legend svg{display:inline;vertical-align:-1px}
        table{border-collapse:collapse}th,td{padding:1px 8px 1px 0;text-align:left;white-space:nowrap}
        thead th{font-weight:600;border-bottom:1px solid #d5d9e0;vertical-align:bottom}
        tbody th{font-weight:500}td.n{text-align:right}
        table.heat tbody tr:hover{background:#f2f5fa}table.pipelines{font-size:12px}table.pipelines td,table.pipelines th{padding-right:10px}
        svg.hm{display:block}svg.hm rect{height:14px}svg.axis{overflow:visible;display:block}svg.axis text{font-size:9px;fill:#5b6270;text-anchor:middle}
        .hm .fresh{fill:#4caf50}.hm .aging{fill:#f5c242}.hm .stale{fill:#e53935}.hm .missing{fill:#8e44ad}
        .hm .gap{fill:#ff8c00}.hm .pending{fill:#cfd8dc}.hm .before{fill:#eceff1}.hm .closed{fill:#fafafa}
        .st-fresh{color:#2e7d32}.st-aging{color:#a66f00}.st-stale{color:#c62828;font-weight:600}
        .st-missing{color:#6a1b9a;font-weight:600}a.count{margin:0 2px}
        svg.timeline text.lane{font-size:12px;fill:#1d2330}svg.timeline text.tick{font-size:10px;fill:#5b6270}
        svg.timeline line.grid{stroke:#e3e7ee}svg.timeline line.now{stroke:#1f5fbf;stroke-dasharray:3 2}
        .run.succeeded{fill:#4caf50}.run.partial{fill:#f5c242}.run.failed{fill:#e53935}.run.aborted{fill:#8d6e63}
        .run.running{fill:#42a5f5}.run.other{fill:#9e9e9e}
        td.run-succeeded{color:#2e7d32}td.run-partial{color:#a66f00}td.run-failed{color:#c62828;font-weight:600}
        td.run-aborted{color:#6d4c41}td.run-running{color:#1565c0}td.run-none{color:#9e9e9e}
        div.scroll{overflow-x:auto}td.rows small{margin:0 6px 0 2px}
        footer{margin-top:24px;color:#5b6270}
        """
}
