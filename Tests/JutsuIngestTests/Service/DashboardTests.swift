import Foundation
import JutsuCore
@testable import JutsuIngest
import JutsuPipeline
import JutsuStore
import JutsuTestSupport
import Testing

/// The dashboard page rendered from fixture data in a real database (DashboardFixture).
@Suite struct DashboardTests {
    static func page(_ query: DashboardQuery = DashboardQuery()) throws -> (html: String, db: TestDatabase) {
        let db = try TestDatabase("dash")
        try DashboardFixture.load(db)
        let html = try DashboardPage.render(connection: try db.connect(), settings: try DashboardFixture.settings(),
                                            pipelines: try DashboardFixture.pipelines(), query: query, now: DashboardFixture.now)
        return (html, db)
    }

    @Test func seriesStatesCellsAndOrder() throws {
        let (html, _) = try Self.page()
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.hasSuffix("</html>\n"))
        #expect(!html.contains("http://") && !html.contains("<script"), "self-contained, no external resource")
        let markup = DashboardMarkup(html)
        var states: [String: String] = [:]
        for row in markup.rows { states[row.series] = row.status }
        #expect(states == DashboardFixture.expected)
        // Worst first: missing, stale, aging, then the fresh series with a gap before the others.
        #expect(markup.rows.map(\.series).prefix(4) == ["MISSING:1d", "STALE:1d", "LOWAGE:1d", "GAPPY:1d"])
        #expect(markup.row("SPY:1d")?.attributes["data-tier"] == "critical")
        #expect(markup.row("LOWAGE:1d")?.attributes["data-tier"] == "low")

        // GAPPY: one gap cell on 2024-01-09; today's session (open, not due) pending.
        let gappy = try #require(markup.row("GAPPY:1d"))
        #expect(gappy.attributes["data-gaps"] == "1")
        #expect(gappy.cells.map { $0["data-state"] ?? "" } == ["gap", "pending"])
        #expect(gappy.cells.first?["data-session"] == "2024-01-09")
        #expect(gappy.cells.last?["data-session"] == "2024-01-17")
        // STALE: the three sessions after its newest bar (the holiday is no column) are one run.
        let stale = try #require(markup.row("STALE:1d"))
        let staleRun = try #require(stale.cells.first { $0["data-state"] == "stale" })
        #expect(staleRun["data-session"] == "2024-01-11")
        #expect(staleRun["data-through"] == "2024-01-16")
        #expect(!stale.cells.contains { $0["data-session"] == "2024-01-15" })
        // LOWAGE: Tuesday only is behind.
        let aging = try #require(markup.row("LOWAGE:1d"))
        #expect(aging.cells.first { $0["data-state"] == "aging" }?["data-session"] == "2024-01-16")
        #expect(aging.cells.first { $0["data-state"] == "aging" }?["data-through"] == nil)
        // MISSING: every column up to the due session.
        let missing = try #require(markup.row("MISSING:1d"))
        #expect(missing.cells.first?["data-state"] == "missing")
        #expect(missing.cells.first?["data-through"] == "2024-01-16")
        // FRESH: 30 sessions of history shown, nothing but today's pending cell.
        #expect(markup.row("FRESH:1d")?.cells.map { $0["data-state"] ?? "" } == ["pending"])
        #expect(html.contains("data-count-status=\"fresh\">3 fresh"))
    }

    @Test func filtersByTierTimeframeAndStatus() throws {
        let (critical, db) = try Self.page(DashboardQuery(query: ["tier": "critical"]))
        #expect(DashboardMarkup(critical).rows.map(\.series) == ["SPY:1d"])
        #expect(critical.contains("<option selected>critical</option>"))
        let connection = try db.connect()
        let settings = try DashboardFixture.settings()
        func series(_ q: [String: String]) throws -> [String] {
            DashboardMarkup(try DashboardPage.render(connection: connection, settings: settings, pipelines: [],
                                                     query: DashboardQuery(query: q), now: DashboardFixture.now)).rows.map(\.series)
        }
        #expect(try series(["timeframe": "1h"]).isEmpty)
        #expect(try series(["tier": "standard", "status": "fresh"]).sorted() == ["FRESH:1d", "GAPPY:1d"])
        #expect(try series(["limit": "2"]) == ["MISSING:1d", "STALE:1d"])
        // A bad value is ignored, said so, and the page still renders everything.
        let bad = try DashboardPage.render(connection: connection, settings: settings, pipelines: [],
                                           query: DashboardQuery(query: ["tier": "<x>"]), now: DashboardFixture.now)
        #expect(DashboardMarkup(bad).rows.count == 6)
        #expect(bad.contains("ignored query parameters: tier=&lt;x&gt;"))
    }

    @Test func runTimelineAndPipelineStatus() throws {
        let (html, _) = try Self.page()
        let markup = DashboardMarkup(html)
        #expect(markup.runs.count == 4)
        #expect(Set(markup.runs.map { $0["data-status"] ?? "" }) == ["failed", "succeeded", "running"])
        #expect(markup.runs.contains { $0["data-pipeline"] == "(import)" })
        // The failed run's error is in its tooltip, escaped.
        #expect(html.contains("vendor said &quot;&lt;down&gt;&quot; &amp; gone"))
        var pipelines: [String: String] = [:]
        for p in markup.pipelines { pipelines[p["data-pipeline"] ?? ""] = p["data-status"] }
        #expect(pipelines == ["nightly": "succeeded", "minutes": "running"])
        // The next weekday 22:00 UTC fire of nightly.
        #expect(html.contains("<td>2024-01-17 22:00Z</td>"))
        #expect(html.contains("claimed +4s"))
    }

    @Test func queryParsing() {
        let q = DashboardQuery(query: ["tier": "low", "timeframe": "1D", "status": "stale", "sessions": "60", "limit": "10",
                                       "days": "7", "other": "x"])
        #expect(q.tier == .low && q.timeframe == .d1 && q.status == .stale && q.sessions == 60 && q.limit == 10 && q.days == 7)
        #expect(q.ignored.isEmpty)
        let bad = DashboardQuery(query: ["sessions": "1000", "limit": "0", "tier": "all", "days": "x"])
        #expect(bad.sessions == 30 && bad.limit == nil && bad.tier == nil && bad.days == 3)
        #expect(bad.ignored.sorted() == ["days=x", "limit=0", "sessions=1000"])
        #expect(q.link(tier: .some(nil)) == "?timeframe=1d&status=stale&sessions=60&limit=10&days=7")
        // `at`: the instant to judge at, kept by the links; an unreadable one is named and ignored.
        let at = DashboardQuery(query: ["at": "2024-01-17T10:00:00-05:00"])
        #expect(at.at == DashboardFixture.now)
        #expect(at.link(tier: .some(.critical)) == "?tier=critical&at=2024-01-17T15:00:00Z")
        #expect(DashboardQuery(query: ["at": "2024-01-17"]).at == DashboardFixture.now - 15 * 3600)
        let badAt = DashboardQuery(query: ["at": "yesterday"])
        #expect(badAt.at == nil && badAt.ignored == ["at=yesterday"])
    }

    @Test func intradayCellsFollowTheCalendarsSessions() {
        // 1h bars: the newest bar 2024-01-16 19:30Z (14:30 New York) with the 20:30Z bar due.
        let nyse = TradingCalendars.nyse
        let columns = FreshnessHeatmap.columns(calendars: [nyse], count: 3, now: DashboardFixture.now)
        #expect(columns.map(\.description) == ["2024-01-12", "2024-01-16", "2024-01-17"])
        let row = FreshnessRow(symbol: "X", timeframe: "1h", tier: .critical, calendar: "XNYS", status: .stale,
                               newestBar: 1_705_433_400, expectedBar: 1_705_437_000, lagBars: 1, lagSeconds: 3600, ageSeconds: nil,
                               lastFetchAt: nil, staleAfterSeconds: 900, publicationDelaySeconds: 0, rtoSeconds: 3600,
                               sources: [], pipelines: [], snapshotAt: DashboardFixture.now)
        let cells = FreshnessHeatmap.cells(row: row, timeframe: .h1, calendar: nyse, columns: columns, isSession: [true, true, true],
                                           present: [columns[1].daysSinceEpoch], firstBar: 1_704_900_000)
        #expect(cells == [.gap, .stale, .pending])
    }

    @Test func mixedCalendarsShareDateColumnsAndCloseTheOthersDays() {
        // NYSE and 24x7 on Monday 2024-01-15 (an NYSE holiday) 12:00Z: the last 5 dates of either.
        let nyse = TradingCalendars.nyse, crypto = TradingCalendars.named("24x7")!
        let now = UnixTime.seconds(date: CivilDate(year: 2024, month: 1, day: 15)!, hour: 12, minute: 0, second: 0)
        let columns = FreshnessHeatmap.columns(calendars: [nyse, crypto], count: 5, now: now)
        #expect(columns.map(\.description) == ["2024-01-11", "2024-01-12", "2024-01-13", "2024-01-14", "2024-01-15"])
        let row = FreshnessRow(symbol: "AAPL", timeframe: "1d", tier: .standard, calendar: "XNYS", status: .fresh,
                               newestBar: 1_705_017_600, expectedBar: 1_705_017_600, lagBars: 0, lagSeconds: 0, ageSeconds: nil,
                               lastFetchAt: nil, staleAfterSeconds: 3600, publicationDelaySeconds: 0, rtoSeconds: 14_400,
                               sources: [], pipelines: [], snapshotAt: now)
        let cells = FreshnessHeatmap.cells(row: row, timeframe: .d1, calendar: nyse, columns: columns,
                                           isSession: columns.map { nyse.isSession($0) }, present: nil, firstBar: 1_704_153_600)
        #expect(cells == [.fresh, .fresh, .closed, .closed, .closed])
    }

    /// `jutsu-ingest dashboard` (the built binary): the page to a file, the metrics to stdout.
    @Test func commandRendersThePageAndTheMetrics() throws {
        let db = try TestDatabase("dashcli")
        try DashboardFixture.load(db)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "series:\n  - symbols: [SPY]\n    tier: critical\n  - symbols: [LOWAGE]\n    tier: low\n"
            .write(to: dir.appendingPathComponent("freshness.yaml"), atomically: true, encoding: .utf8)
        let page = dir.appendingPathComponent("page.html").path
        let tool = CommandLineTool()
        let out = try tool.run(["dashboard", "--database-url", db.url, "--pipelines", dir.path, "--at", "2024-01-17T15:00:00Z",
                                "--output", page, "--timing"])
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stderr.contains("rendered "))
        var states: [String: String] = [:]
        for row in DashboardMarkup(try String(contentsOfFile: page, encoding: .utf8)).rows { states[row.series] = row.status }
        #expect(states == DashboardFixture.expected)
        let metrics = try tool.run(["dashboard", "--metrics", "--database-url", db.url, "--pipelines", dir.path,
                                    "--at", "2024-01-17T15:00:00Z"])
        #expect(metrics.status == 0)
        #expect(metrics.stdout.contains(#"jutsu_series{tier="critical",timeframe="1d",status="fresh"} 1"#))
        let bad = try tool.run(["dashboard", "--database-url", db.url, "--tier", "urgent"])
        #expect(bad.status == 2)
    }
}
