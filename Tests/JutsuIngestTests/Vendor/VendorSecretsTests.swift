import Foundation
import JutsuAuth
import JutsuCore
import JutsuReplay
import JutsuTestSupport
import Testing

/// Known fake credentials through whole `jutsu-ingest run`s (the binary, debug logging, faults
/// that make the client log retries and errors): they appear in no log line, no output, no run
/// record, reject, audit row or state row.
@Suite struct VendorSecretsTests {
    static let polygonKey = "pk-SECRET-polygon-4f1d"
    static let appKey = "ak-SECRET-schwab-77aa", appSecret = "as-SECRET-schwab-91bc"
    static let staleToken = "at-SECRET-stale-0001", freshToken = "at-SECRET-fresh-0002", refreshToken = "rt-SECRET-refresh-0003"
    static var all: [String] { [polygonKey, appKey, appSecret, staleToken, freshToken, refreshToken] }

    @Test func credentialsAppearInNoOutputLogOrRecord() throws {
        let polygon = try VendorHarness.recordedBody("polygon/v2__aggs__ticker__AAPL__range__1__day__2005-04-01__2005-04-04.json")
        let monthly = try VendorHarness.recordedBody("schwab/schwabdev-docs-pricehistory-AAPL-monthly.json")
        // Polygon's `to` is today (UTC), the day before the window's end.
        let today = UnixTime.civilDate(ofSeconds: Int64(Date().timeIntervalSince1970)).description
        let h = try VendorHarness("vsecrets", routes: [
            // Polygon: a 500 then the page (the retry is logged with the URL), and a ticker whose
            // answer is refused (the error names the request).
            ReplayScenario.Route(path: "/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/\(today)", body: try VendorHarness.text(polygon),
                                 contentType: "application/json", faults: [ReplayScenario.Fault(kind: .status, status: 500)]),
            ReplayScenario.Route(path: "/v2/aggs/ticker/MSFT/range/1/day/2005-04-01/\(today)", status: 403,
                                 contentType: "application/json").with(
                body: #"{"status":"NOT_AUTHORIZED","request_id":"x","message":"You are not entitled to this data."}"#),
            // Schwab: the stale access token is refused, refreshed once.
            ReplayScenario.Route(path: "/pricehistory", query: ["symbol": "AAPL"], body: try VendorHarness.text(monthly),
                                 contentType: "application/json", faults: [ReplayScenario.Fault(kind: .expiredToken)]),
            ReplayScenario.Route(method: "POST", path: "/v1/oauth/token",
                                 body: #"{"expires_in":1800,"token_type":"Bearer","scope":"api","refresh_token":"\#(Self.refreshToken)","access_token":"\#(Self.freshToken)"}"#,
                                 contentType: "application/json"),
        ])
        let now = Date()
        try SchwabTokenFile(path: h.directory + "/.jutsu/schwab-token.json").write(SchwabToken(
            accessToken: Self.staleToken, refreshToken: Self.refreshToken, accessExpiresAt: now + 1500,
            refreshExpiresAt: now + 6 * 86_400, obtainedAt: now - 300, authorizedAt: now - 86_400))
        try """
            name: secret-polygon
            source: {kind: polygon, base_url: "\(h.server.baseURL)", api_key: "${POLYGON_API_KEY}", rate_limit: 0, retry_base_ms: 10}
            symbols: [AAPL, MSFT]
            concurrency: 1        # AAPL first: MSFT's refusal fails the source for the series after it
            timeframe: 1d
            start: 2005-04-01
            """.write(toFile: h.directory + "/polygon.yaml", atomically: true, encoding: .utf8)
        try """
            name: secret-schwab
            source:
              kind: schwab
              base_url: "\(h.server.baseURL)"
              token_url: "\(h.server.baseURL)/v1/oauth/token"
              app_key: ${SCHWAB_APP_KEY}
              app_secret: ${SCHWAB_APP_SECRET}
              rate_limit: 0
            symbols: [AAPL]
            timeframe: 1mo
            start: 2000-01-01
            """.write(toFile: h.directory + "/schwab.yaml", atomically: true, encoding: .utf8)

        let env = ["POLYGON_API_KEY": Self.polygonKey, "SCHWAB_APP_KEY": Self.appKey, "SCHWAB_APP_SECRET": Self.appSecret,
                   "JUTSU_LOG_LEVEL": "trace"]
        var outputs: [String] = []
        for file in ["polygon.yaml", "schwab.yaml"] {
            let arguments = ["run", h.directory + "/" + file, "--database-url", h.db.url, "--format", "json"]
            let out = try CommandLineTool().run(arguments, environment: env)
            outputs += [out.stdout, out.stderr]
            #expect(out.stdout.contains("\"status\""), "\(out.stderr)")
        }
        // The runs did what they should: the key and the tokens were sent.
        #expect(h.server.log.contains { $0.query.contains("apiKey=\(Self.polygonKey)") })
        #expect(h.server.log.contains { $0.headers["authorization"] == "Bearer \(Self.freshToken)" })
        #expect(try h.db.scalar("SELECT count(*) FROM market_data WHERE data_source = 'schwab'") > 0)
        #expect(try h.db.scalar("SELECT count(*) FROM market_data WHERE data_source = 'polygon'") == 2)
        #expect(outputs.joined().contains("not entitled"))   // the refused ticker's error is shown...

        // ...and no credential anywhere.
        let records = try h.db.connect().execute("""
            SELECT coalesce(string_agg(t, ' '), '') FROM (
                SELECT r::text AS t FROM ingest_runs r UNION ALL SELECT b::text FROM rejected_bars b
                UNION ALL SELECT a::text FROM data_audit_log a UNION ALL SELECT p::text FROM pipeline_series_state p) x
            """).string(0, 0) ?? ""
        #expect(records.contains("not entitled"))
        for secret in Self.all {
            for (i, text) in outputs.enumerated() { #expect(!text.contains(secret), "output \(i) holds \(secret)") }
            #expect(!records.contains(secret), "a run record holds \(secret)")
        }
    }
}
