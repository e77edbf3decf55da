import Foundation
import JutsuAuth
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuReplay
import JutsuStore
import JutsuTestSupport
import Testing

/// HTTP sources in pipeline runs, against the replay server: real recordings in, exact bars,
/// watermarks, corporate actions and counters out.
@Suite struct VendorPipelineTests {
    @Test func yahooBackfillThenAnIncrementalRunThatReadsTheLookbackAgain() throws {
        let h = try VendorHarness("vyahoo", routes: [try VendorHarness.yahooRoute("AAPL")])
        let spec = try h.spec(.yahoo, symbols: ["AAPL"])

        let first = try h.run(spec)
        #expect(first.status == .succeeded, "\(first.error ?? "")")
        #expect(first.totals == .init(read: 49, inserted: 49))
        let series = try #require(first.series.first)
        #expect(series.basis == "first_run" && series.source == "yahoo")
        #expect(series.watermark.map(UnixTime.iso8601) == "2020-11-06T00:00:00Z")
        #expect(first.http["yahoo"]?.requests == 1 && first.http["yahoo"]?.retries == 0)
        #expect(try h.db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'AAPL' AND data_source = 'yahoo'") == 49)
        #expect(try h.db.scalar("SELECT count(*) FROM corporate_actions WHERE symbol = 'AAPL'") == 2)
        // 129.0399932861328 in the recording is stored as 129.04.
        #expect(try h.db.scalar("SELECT (close * 100)::bigint FROM market_data WHERE symbol = 'AAPL' AND ts = '2020-08-31'") == 12904)
        #expect(try h.db.scalar("SELECT (details->'http'->'yahoo'->>'requests')::int FROM ingest_runs") == 1)
        // period1 is the window start (2020-08-01) less a day of margin.
        #expect(h.requests("/v8/finance/chart/AAPL").first?.query.contains("period1=\(Self.epoch("2020-07-31"))") == true)

        let second = try h.run(spec)
        #expect(second.status == .succeeded, "\(second.error ?? "")")
        let again = try #require(second.series.first)
        #expect(again.basis == "incremental")
        #expect(again.from.map(UnixTime.iso8601) == "2020-11-02T00:00:00Z")   // the 5th newest stored session
        #expect(again.rows == .init(read: 5, unchanged: 5))
        #expect(second.skipped == 44)   // sessions of the response before the window
        #expect(h.requests("/v8/finance/chart/AAPL").last?.query.contains("period1=\(Self.epoch("2020-11-01"))") == true)
        #expect(try h.db.scalar("SELECT count(*) FROM market_data") == 49)
        #expect(try PipelineRunTests.runsBalanced(h.db))
    }

    @Test func polygonFollowsNextURLWithTheKeyAppendedAgain() throws {
        let key = "pk-\(UUID().uuidString)"
        let body = try VendorHarness.recordedBody("polygon/v2__aggs__ticker__AAPL__range__1__day__2005-04-01__2005-04-04.json")
        let results = try #require(body["results"] as? [[String: Any]])
        var page1 = body, page2 = body
        page1["results"] = [results[0]]
        page1["resultsCount"] = 1
        // Polygon's next_url carries no key (and a cursor); the client must append its own.
        page1["next_url"] = "https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/day/1112587200000/1112745600000?cursor=page2"
        page2["results"] = [results[1]]
        page2["resultsCount"] = 1
        let now = Self.epoch("2025-01-15") + 43_200
        let h = try VendorHarness("vpolygon", routes: [
            ReplayScenario.Route(path: "/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2025-01-15", body: try VendorHarness.text(page1),
                                 contentType: "application/json"),
            ReplayScenario.Route(path: "/v2/aggs/ticker/AAPL/range/1/day/1112587200000/1112745600000", query: ["cursor": "page2"],
                                 body: try VendorHarness.text(page2), contentType: "application/json"),
        ])
        let spec = try h.spec(.polygon, symbols: ["AAPL"], start: "2005-04-01", options: ["api_key": key])
        let summary = try h.run(spec, now: now)
        #expect(summary.status == .succeeded, "\(summary.error ?? "")")
        #expect(summary.totals == .init(read: 2, inserted: 2))
        #expect(summary.http["polygon"]?.requests == 2)
        let log = h.server.log
        #expect(log.count == 2)
        #expect(log.allSatisfy { $0.query.contains("apiKey=\(key)") && $0.status == 200 })
        #expect(log.last?.query.contains("cursor=page2") == true)
        #expect(!summary.json().contains(key))
        #expect(try h.db.scalar("SELECT count(*) FROM market_data WHERE data_source = 'polygon' AND ts IN ('2005-04-01', '2005-04-04')") == 2)
    }

    @Test func schwabRefreshesAnAccessTokenTheServerCallsExpiredAndRetriesOnce() throws {
        let monthly = try VendorHarness.recordedBody("schwab/schwabdev-docs-pricehistory-AAPL-monthly.json")
        let candles = try #require(monthly["candles"] as? [[String: Any]])
        let h = try VendorHarness("vschwab", routes: [
            ReplayScenario.Route(path: "/pricehistory", query: ["symbol": "AAPL", "frequencyType": "monthly"],
                                 body: try VendorHarness.text(monthly), contentType: "application/json",
                                 faults: [ReplayScenario.Fault(kind: .expiredToken)]),
            ReplayScenario.Route(method: "POST", path: "/v1/oauth/token",
                                 body: #"{"expires_in":1800,"token_type":"Bearer","scope":"api","refresh_token":"rt-stored","access_token":"at-fresh"}"#,
                                 contentType: "application/json"),
        ])
        let tokenFile = h.directory + "/.jutsu/schwab-token.json"
        let now = Date()
        try SchwabTokenFile(path: tokenFile).write(SchwabToken(
            accessToken: "at-stale", refreshToken: "rt-stored", accessExpiresAt: now + 1500,
            refreshExpiresAt: now + 6 * 86_400, obtainedAt: now - 300, authorizedAt: now - 86_400))
        let spec = try h.spec(.schwab, symbols: ["AAPL"], timeframe: .mo1, start: "2000-01-01", options: [
            "app_key": "ak-test", "app_secret": "as-test", "token_url": h.server.baseURL + "/v1/oauth/token",
        ])
        let summary = try h.run(spec)
        #expect(summary.status == .succeeded, "\(summary.error ?? "")")
        #expect(summary.totals.inserted == Int64(candles.count))
        let log = h.server.log
        #expect(log.map { "\($0.method) \($0.path) \($0.status ?? 0)" } == [
            "GET /pricehistory 401", "POST /v1/oauth/token 200", "GET /pricehistory 200",
        ])
        #expect(log[0].headers["authorization"] == "Bearer at-stale")
        #expect(log[2].headers["authorization"] == "Bearer at-fresh")
        #expect(try SchwabTokenFile(path: tokenFile).read()?.accessToken == "at-fresh")
    }

    @Test func schwabMinuteWindowsGoInTenDayPiecesAndACutBodyIsRetried() throws {
        // NET, 4,692 one-minute candles (extended hours) from 2022-08-05 to 2022-08-18.
        let minutes = try VendorHarness.recordedBody("schwab/tda-pricehistory-1min-extended-2022-08.json")
        let h = try VendorHarness("vschwabmin", routes: [
            ReplayScenario.Route(path: "/pricehistory", query: ["symbol": "NET", "frequencyType": "minute"],
                                 body: try VendorHarness.text(minutes), contentType: "application/json",
                                 faults: [ReplayScenario.Fault(kind: .invalidJSON)]),
        ])
        let now = Date(timeIntervalSince1970: TimeInterval(Self.epoch("2022-08-20")))
        try SchwabTokenFile(path: h.directory + "/.jutsu/schwab-token.json").write(SchwabToken(
            accessToken: "at", refreshToken: "rt", accessExpiresAt: Date() + 1500, refreshExpiresAt: Date() + 86_400,
            obtainedAt: Date() - 60, authorizedAt: Date() - 60))
        let spec = try h.spec(.schwab, symbols: ["NET"], timeframe: .m1, start: "2022-08-01",
                              options: ["app_key": "ak", "app_secret": "as"])
        let summary = try h.run(spec, now: Int64(now.timeIntervalSince1970))
        #expect(summary.status == .succeeded, "\(summary.error ?? "")")
        #expect(summary.totals == .init(read: 4_692, inserted: 4_692))
        // [08-01, 08-11) and [08-11, 08-20): each answer filtered to its piece, nothing twice.
        let log = h.requests("/pricehistory")
        #expect(log.count == 3)   // the cut body, its retry, the second piece
        #expect(log.map { $0.query.contains("startDate=\(Self.epoch("2022-08-11") * 1000)") } == [false, false, true])
        #expect(summary.http["schwab"]?.retries == 1)
        #expect(summary.series.first?.watermark.map(UnixTime.iso8601) == "2022-08-18T23:59:00Z")
    }

    @Test func aDeadSchwabLoginFailsTheSourceOnceAndTheFallbackLoadsEverySeries() throws {
        let h = try VendorHarness("vfallback", routes: [try VendorHarness.yahooRoute("AAPL"), try VendorHarness.yahooRoute("MSFT")])
        let tokenFile = h.directory + "/.jutsu/schwab-token.json"
        let authorized = Date() - 8 * 86_400
        try SchwabTokenFile(path: tokenFile).write(SchwabToken(
            accessToken: "at-old", refreshToken: "rt-dead", accessExpiresAt: authorized + 1800,
            refreshExpiresAt: authorized + SchwabToken.refreshTokenLifetime, obtainedAt: authorized, authorizedAt: authorized))
        let yahoo = SourceSpec(kind: .yahoo, name: "yahoo", options: h.options())
        var spec = try h.spec(.schwab, symbols: ["AAPL", "MSFT"], options: ["app_key": "ak", "app_secret": "as"], fallback: yahoo)
        spec.load.sourcePriority = ["schwab", "yahoo"]
        let summary = try h.run(spec)
        #expect(summary.status == .succeeded, "\(summary.error ?? "")")
        #expect(summary.series.map(\.source) == ["yahoo", "yahoo"])
        #expect(summary.series.allSatisfy { $0.primaryError?.contains("jutsu-ingest auth schwab") == true })
        #expect(summary.totals.inserted == 98)
        // Nothing was asked of Schwab: the login was known dead from the token file.
        #expect(h.server.log.allSatisfy { $0.path.hasPrefix("/v8/finance/chart/") })
    }

    @Test func aDelistedSymbolFailsItsSeriesAfterOneRequestAndTheOthersLoad() throws {
        let delisted = #"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#
        let h = try VendorHarness("vdelisted", routes: [
            try VendorHarness.yahooRoute("AAPL"),
            ReplayScenario.Route(path: "/v8/finance/chart/GONE", body: delisted, status: 404, contentType: "application/json"),
        ])
        let summary = try h.run(try h.spec(.yahoo, symbols: ["AAPL", "GONE"]))
        #expect(summary.status == .partial)
        let gone = try #require(summary.series.first { $0.symbol == "GONE" })
        #expect(gone.status == .failed && gone.error?.contains("delisted") == true, "\(gone.error ?? "")")
        #expect(h.requests("/v8/finance/chart/GONE").count == 1)
        #expect(summary.series.first { $0.symbol == "AAPL" }?.rows.inserted == 49)
        #expect(try h.db.scalar("SELECT consecutive_failures FROM pipeline_series_state WHERE symbol = 'GONE'") == 1)
    }

    @Test func polygonFlatFilesRunAsFilesAndLandOnTheRESTKeys() throws {
        // The two AAPL sessions of the Polygon aggregates recording, as a day_aggs_v1 flat file
        // (every ticker in one gzip file, window_start in ns at midnight New York).
        let h = try VendorHarness("vflat", routes: [])
        try FileManager.default.createDirectory(atPath: h.directory + "/day_aggs_v1", withIntermediateDirectories: true)
        let csv = h.directory + "/day_aggs_v1/2005-04.csv"
        try """
            ticker,volume,open,close,high,low,window_start,transactions
            AAPL,642646396,1.5032,1.4604,1.5064,1.4489,1112331600000000000,82132
            MSFT,100,24.9,25.1,25.2,24.8,1112331600000000000,10
            AAPL,578172308,1.4639,1.4675,1.4754,1.4343,1112587200000000000,65543

            """.write(toFile: csv, atomically: true, encoding: .utf8)
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = [csv]
        try gzip.run()
        gzip.waitUntilExit()
        let spec = PipelineSpec(name: "flat", source: SourceSpec(kind: .polygonFlatfiles, name: "polygon", paths: ["day_aggs_v1/*.csv.gz"]),
                                symbols: .fromSource, timeframe: .d1, file: h.directory + "/pipeline.yaml")
        let summary = try h.run(spec)
        #expect(summary.status == .succeeded, "\(summary.error ?? "")")
        #expect(summary.totals == .init(read: 3, inserted: 3))
        #expect(try h.db.scalar("""
            SELECT count(*) FROM market_data WHERE symbol = 'AAPL' AND data_source = 'polygon' AND ts IN ('2005-04-01', '2005-04-04')
            """) == 2)
    }

    static func epoch(_ date: String) -> Int64 { CivilDate(parsing: date)!.daysSinceEpoch * UnixTime.secondsPerDay }
}
