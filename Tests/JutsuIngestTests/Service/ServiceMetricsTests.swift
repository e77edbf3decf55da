import Foundation
@testable import JutsuIngest
import JutsuStore
import JutsuTestSupport
import Testing

/// `/metrics` text from fixture data (DashboardFixture): the values, and the format checked by a
/// strict reader and by `promtool check metrics` (Debian's `prometheus` package, installed by
/// scripts/install-deps).
@Suite struct ServiceMetricsTests {
    static func rendered() throws -> String {
        let db = try TestDatabase("metrics")
        try DashboardFixture.load(db)
        return try ServiceMetrics.render(connection: try db.connect(), settings: try DashboardFixture.settings(),
                                         now: DashboardFixture.now)
    }

    @Test func valuesFromTheDatabase() throws {
        let text = try Self.rendered()
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            #"jutsu_runs_total{pipeline="nightly",command="run",status="succeeded"} 1"#,
            #"jutsu_runs_total{pipeline="nightly",command="run",status="failed"} 1"#,
            #"jutsu_runs_total{pipeline="",command="import",status="succeeded"} 1"#,
            #"jutsu_runs_running{pipeline="minutes",command="run"} 1"#,
            #"jutsu_rows_total{pipeline="nightly",command="run",outcome="inserted"} 90"#,
            #"jutsu_rows_total{pipeline="nightly",command="run",outcome="updated"} 5"#,
            #"jutsu_rows_total{pipeline="nightly",command="run",outcome="unchanged"} 3"#,
            #"jutsu_rows_total{pipeline="nightly",command="run",outcome="rejected"} 2"#,
            #"jutsu_rows_total{pipeline="",command="import",outcome="inserted"} 50"#,
            #"jutsu_run_last_success_timestamp_seconds{pipeline="nightly",command="run"} 1705442470"#,
            // Durations 37 s and 65 s.
            #"jutsu_run_duration_seconds_bucket{pipeline="nightly",command="run",le="30"} 0"#,
            #"jutsu_run_duration_seconds_bucket{pipeline="nightly",command="run",le="60"} 1"#,
            #"jutsu_run_duration_seconds_bucket{pipeline="nightly",command="run",le="120"} 2"#,
            #"jutsu_run_duration_seconds_bucket{pipeline="nightly",command="run",le="+Inf"} 2"#,
            #"jutsu_run_duration_seconds_sum{pipeline="nightly",command="run"} 102.000"#,
            #"jutsu_run_duration_seconds_count{pipeline="nightly",command="run"} 2"#,
            #"jutsu_rejects_total{pipeline="nightly",command="run",reason="high_below_low"} 1"#,
            // A reason with a quote, a backslash and a line feed, escaped.
            #"jutsu_rejects_total{pipeline="nightly",command="run",reason="weird\"reason\\x\ny"} 1"#,
            #"jutsu_http_requests_total{pipeline="nightly",source="yahoo"} 17"#,
            #"jutsu_http_retries_total{pipeline="nightly",source="yahoo"} 6"#,
            #"jutsu_http_rate_limited_total{pipeline="nightly",source="yahoo"} 4"#,
            #"jutsu_http_received_bytes_total{pipeline="nightly",source="yahoo"} 34667"#,
            #"jutsu_http_transport_errors_total{pipeline="nightly",source="yahoo"} 1"#,
            // Claimed 2 s and 4 s after the fire.
            #"jutsu_scheduler_lag_seconds_bucket{pipeline="nightly",le="1"} 0"#,
            #"jutsu_scheduler_lag_seconds_bucket{pipeline="nightly",le="2"} 1"#,
            #"jutsu_scheduler_lag_seconds_bucket{pipeline="nightly",le="5"} 2"#,
            #"jutsu_scheduler_lag_seconds_sum{pipeline="nightly"} 6.000"#,
            #"jutsu_scheduler_last_lag_seconds{pipeline="nightly"} 4.000"#,
            #"jutsu_scheduler_last_fire_timestamp_seconds{pipeline="nightly"} 1705442400"#,
            #"jutsu_scheduled_fires{pipeline="nightly",status="succeeded"} 1"#,
            #"jutsu_scheduled_fires_lease_expired{pipeline="minutes"} 1"#,
            #"jutsu_scheduled_fires_lease_expired{pipeline="nightly"} 0"#,
            #"jutsu_series{tier="standard",timeframe="1d",status="fresh"} 2"#,
            #"jutsu_series{tier="standard",timeframe="1d",status="stale"} 1"#,
            #"jutsu_series{tier="standard",timeframe="1d",status="missing"} 1"#,
            #"jutsu_series{tier="low",timeframe="1d",status="aging"} 1"#,
            #"jutsu_series_lag_bars{symbol="STALE",timeframe="1d",tier="standard",calendar="XNYS"} 3"#,
            #"jutsu_series_status{symbol="MISSING",timeframe="1d",tier="standard",calendar="XNYS",status="missing"} 1"#,
        ] {
            #expect(lines.contains(expected), "no line \(expected)")
        }
    }

    /// The per-series families are `jutsu-ingest freshness --format prometheus`'s, line for line.
    @Test func seriesFamiliesEqualTheFreshnessReport() throws {
        let db = try TestDatabase("metricsfresh")
        try DashboardFixture.load(db)
        let rows = try DashboardFixture.settings().evaluate(connection: try db.connect(), now: DashboardFixture.now)
        var m = MetricsText()
        ServiceMetrics.series(rows, at: DashboardFixture.now, into: &m)
        #expect(m.out.string == FreshnessReporter.prometheus(rows, at: DashboardFixture.now))
    }

    @Test func wellFormedForAStrictReaderAndPromtool() throws {
        let text = try Self.rendered()
        #expect(ExpositionCheck.problems(text) == [])
        if let result = try Self.promtool(text) {
            #expect(result.status == 0, "promtool check metrics: \(result.output)")
        }
    }

    /// Both checks catch what a broken renderer could write.
    @Test func malformedTextIsCaught() throws {
        let header = "# HELP a_total A.\n# TYPE a_total counter\n"
        let bad = [
            header + "a_total{l=\"x\ny\"} 1\n",                      // raw line feed in a label value
            header + "a_total{l=\"x\"y\"} 1\n",                       // unescaped quote
            header + "a_total{l=\"x\\q\"} 1\n",                       // unknown escape
            header + "a_total{l=\"x\"} one\n",                        // not a number
            "a_total 1\n" + header,                                   // sample before TYPE
            header + "a_total 1\na_total 2\n",                        // duplicate series
            header + "# HELP b B.\n# TYPE b gauge\nb 1\na_total{x=\"1\"} 1\n",   // family not contiguous
            "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",  // not cumulative
            "# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",   // no +Inf
        ]
        for text in bad {
            #expect(!ExpositionCheck.problems(text).isEmpty, "accepted: \(text)")
        }
        // promtool's parser catches the syntax and ordering errors among them (not duplicate series,
        // nor histogram consistency).
        for text in bad.prefix(5) {
            if let result = try Self.promtool(text) { #expect(result.status != 0, "promtool accepted: \(text)") }
        }
    }

    /// A failed scrape (here: no schema) throws the store's error and leaves the connection
    /// usable, outside a transaction, for the next request.
    @Test func failureLeavesTheConnectionUsable() throws {
        let db = try TestDatabase("metricsfail", migrate: false)
        let connection = try db.connect()
        #expect(throws: StoreError.self) {
            try ServiceMetrics.render(connection: connection, settings: ServiceFreshnessSettings(), now: DashboardFixture.now)
        }
        #expect(throws: StoreError.self) {
            try DashboardPage.render(connection: connection, settings: ServiceFreshnessSettings(), pipelines: [],
                                     query: DashboardQuery(), now: DashboardFixture.now)
        }
        #expect(try connection.execute("SELECT 1").int64(0, 0) == 1)
        try Migrator().migrate(connection)
        #expect(try ServiceMetrics.render(connection: connection, settings: ServiceFreshnessSettings(), now: DashboardFixture.now)
            .contains("jutsu_freshness_snapshot_timestamp_seconds"))
    }

    /// `promtool check metrics` on `text`, or nil when promtool is not installed.
    static func promtool(_ text: String) throws -> (status: Int32, output: String)? {
        guard let path = ["/usr/bin/promtool", "/usr/local/bin/promtool"].first(where: FileManager.default.isExecutableFile) else {
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["check", "metrics"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = Data(text.utf8)
        let writer = Thread { input.fileHandleForWriting.write(data); try? input.fileHandleForWriting.close() }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self))
    }
}
