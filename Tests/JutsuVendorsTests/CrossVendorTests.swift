import Foundation
import JutsuCore
import Testing

@testable import JutsuCSV
@testable import JutsuVendors

/// The same session lands on the same key whichever vendor sent it.
///
/// The recordings share no symbol-and-session: Yahoo has AAPL 2020, MSFT/NVDA 2021, TSLA
/// 2010-2023; Schwab AAPL monthly 2023-24 and NET minutes Aug 2022; Polygon AAPL 2005 and mocks;
/// the CSVs AAPL/KO/MSFT 2012-2014. So the tests compare (1) the sessions of overlapping
/// recordings of different symbols on the same exchange calendar, and (2) the same bar written
/// in each vendor's shape (derived from the recordings) against a CSV line.
@Suite struct CrossVendorTests {
    static func yahooTSLA() throws -> [Bar] {
        try YahooChartTests.parse("historical-via-chart-dividends-TSLA-no-dividends.json").bars
    }

    @Test func yahooAndCSVDailyKeysOverTheSameSessions() throws {
        let tsla = try Self.yahooTSLA()
        // zipline's AAPL CSV, 754 sessions 2012-01-03 .. 2014-12-31.
        let csv = try Recordings.csvBars(file: "csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz")
        #expect(csv.count == 754)
        let yahoo = tsla.map(\.ts).filter { $0 >= day("2012-01-03") && $0 <= day("2014-12-31") }
        #expect(yahoo == csv.map(\.ts))
        // And the 127 sessions of the other zipline file (Yahoo data with float noise).
        let noisy = try Recordings.csvBars(file: "csv-zipline/pipeline_inputs__AAPL.csv")
        #expect(tsla.map(\.ts).filter { $0 >= day("2014-03-03") && $0 <= day("2014-08-29") } == noisy.map(\.ts))
    }

    @Test func schwabMinuteSessionsAreYahooDailySessions() throws {
        // NET minute candles (extended hours, 07:00-20:00 New York) fall on ten sessions; Yahoo's
        // TSLA daily keys over the same dates are the same ten.
        let request = try SchwabPriceHistoryRequest(
            symbol: "NET", timeframe: .m1,
            window: KeyWindow(from: day("2022-08-05"), to: day("2022-08-19")))
        let minutes = try SchwabPriceHistory.parse(
            body: Recordings.body(SchwabPriceHistoryTests.minutes), request: request).bars
        let sessions = Set(minutes.map { SessionKey.dailyKey(instant: $0.ts, zone: USZone.eastern, timeframe: .d1) })
        let yahoo = try Self.yahooTSLA().map(\.ts).filter { $0 >= day("2022-08-05") && $0 < day("2022-08-19") }
        #expect(sessions.sorted() == yahoo && yahoo.count == 10)
    }

    /// AAPL's 2020-08-31 bar as each vendor would send it: Yahoo's recorded bar (13:30Z, Float32
    /// doubles), a Schwab daily candle at midnight Chicago (05:00Z), a Polygon aggregate at
    /// midnight New York (04:00Z), and a CSV line.
    @Test func sameDailyBarFromEveryVendorIsTheSameBar() throws {
        let window = KeyWindow(from: day("2020-08-31"), to: day("2020-09-01"))
        let yahooExchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-08-31-to-2020-11-07.json")
        let yahoo = try YahooChart.parse(
            body: yahooExchange.body, request: YahooChartRequest(symbol: "AAPL", timeframe: .d1, window: window)).bars
        let schwabBody = #"{"candles":[{"open":127.58,"high":131.0,"low":126.0,"close":129.04,"volume":225702700,"datetime":1598850000000}],"symbol":"AAPL","empty":false}"#
        let schwab = try SchwabPriceHistory.parse(
            body: Array(schwabBody.utf8),
            request: SchwabPriceHistoryRequest(symbol: "AAPL", timeframe: .d1, window: window)).bars
        let polygonBody = #"{"ticker":"AAPL","adjusted":true,"status":"OK","results":[{"v":225702700.0,"o":127.58,"c":129.04,"h":131.0,"l":126.0,"t":1598846400000}]}"#
        let polygon = try PolygonAggregates.parse(
            body: Array(polygonBody.utf8),
            request: PolygonAggregatesRequest(ticker: "AAPL", timeframe: .d1, window: window)).bars
        let csv = try Recordings.csvBars("date,open,high,low,close,volume\n2020-08-31,127.58,131,126,129.04,225702700\n",
                                         name: "AAPL.csv")
        #expect(yahoo.count == 1 && iso(yahoo[0].ts) == "2020-08-31T00:00:00Z")
        #expect(schwab == yahoo)
        #expect(polygon == yahoo)
        #expect(csv == yahoo)
    }

    @Test func sameMinuteBarFromEveryVendorIsTheSameKey() throws {
        // 2022-08-08 09:30 New York = 13:30Z, the first regular minute of NET in the Schwab recording.
        let t = instant("2022-08-08T13:30:00Z")
        let window = KeyWindow(from: t, to: t + 60)
        let schwab = try SchwabPriceHistory.parse(
            body: Recordings.body(SchwabPriceHistoryTests.minutes),
            request: SchwabPriceHistoryRequest(symbol: "NET", timeframe: .m1, window: window)).bars
        let yahooBody = try YahooChartTests.minuteBody([t], closes: [75.4135], regularMarketTime: t + 3600)
        let yahoo = try YahooChart.parse(
            body: Recordings.edited(yahooBody) { json in
                try YahooChartTests.editResult(&json) { result in
                    var meta = result["meta"] as! [String: Any]
                    meta["symbol"] = "NET"
                    result["meta"] = meta
                }
            },
            request: YahooChartRequest(symbol: "NET", timeframe: .m1, window: window)).bars
        let polygonBody = #"{"ticker":"NET","status":"OK","results":[{"v":155800,"o":74.425,"c":75.4135,"h":75.4135,"l":74.35,"t":1659965400000}]}"#
        let polygon = try PolygonAggregates.parse(
            body: Array(polygonBody.utf8),
            request: PolygonAggregatesRequest(ticker: "NET", timeframe: .m1, window: window)).bars
        let csv = try Recordings.csvBars(
            "Datetime,Open,High,Low,Close,Volume\n2022-08-08 09:30:00,74.425,75.4135,74.35,75.4135,155800\n",
            name: "NET_1m.csv", options: CSVOptions(timeframe: .m1))
        #expect(schwab.map(\.ts) == [t])
        #expect(yahoo.map(\.ts) == [t] && polygon.map(\.ts) == [t] && csv.map(\.ts) == [t])
        #expect(polygon == schwab && csv == schwab)
    }

    @Test func schwabMonthlyBarEqualsTheCSVMonth() throws {
        let parsed = try SchwabPriceHistory.parse(
            body: Recordings.body(SchwabPriceHistoryTests.monthly),
            request: SchwabPriceHistoryRequest(symbol: "AAPL", timeframe: .mo1,
                                               window: KeyWindow(from: day("2023-11-01"), to: day("2023-12-01"))))
        let csv = try Recordings.csvBars("date,open,high,low,close,volume\n2023-11-01,171.0,192.93,170.12,189.95,1099760711\n",
                                         name: "AAPL.csv", options: CSVOptions(timeframe: .mo1))
        #expect(parsed.bars.count == 1 && parsed.bars == csv)
    }
}
