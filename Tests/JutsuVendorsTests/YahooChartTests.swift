import Foundation
import JutsuCore
import Testing

@testable import JutsuVendors

/// Every chart recording of `fixtures/real/yahoo-chart/`, parsed with the window of its own
/// request (`period1`..`period2`). Counts, keys and prices were checked by hand: keys are the
/// session date in the exchange zone (AAPL's 1598880600 = 2020-08-31T13:30Z is the 2020-08-31
/// session), prices the shortest Float32 text of Yahoo's doubles.
@Suite struct YahooChartTests {
    struct Expectation: Sendable, CustomStringConvertible {
        var file: String
        var bars: Int
        var first: String
        var last: String
        /// open high low close volume of the first and last bars.
        var firstValues: String
        var lastValues: String
        var outsideWindow = 0
        var description: String { file }
    }

    static let expectations: [Expectation] = [
        .init(file: "chart-AAPL-2020-01-01-to-2020-01-03.json", bars: 1, first: "2020-01-02", last: "2020-01-02",
              firstValues: "74.060000 75.150000 73.797500 75.087500 135480400",
              lastValues: "74.060000 75.150000 73.797500 75.087500 135480400"),
        // Across the 4:1 split (prices already split-adjusted) and the 0.205 dividend.
        .init(file: "chart-AAPL-2020-08-31-to-2020-11-07.json", bars: 49, first: "2020-08-31", last: "2020-11-06",
              firstValues: "127.580000 131.000000 126.000000 129.040000 225702700",
              lastValues: "118.320000 119.200000 116.130000 118.690000 114457900"),
        .init(file: "historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.json", bars: 252,
              first: "2021-02-01", last: "2022-01-28",
              firstValues: "13.053250 13.270750 12.902750 13.237000 217204000",
              lastValues: "22.012000 22.858000 21.296000 22.840000 543774000"),
        .init(file: "historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json", bars: 252,
              first: "2021-02-01", last: "2022-01-28",
              firstValues: "235.060000 242.500000 232.430000 239.650000 33314200",
              lastValues: "300.230000 308.480000 294.450000 308.260000 49743700"),
        // period1=0: the whole history, split-adjusted down to 1.266667.
        .init(file: "historical-via-chart-dividends-TSLA-no-dividends.json", bars: 3303, first: "2010-06-29",
              last: "2023-08-11",
              firstValues: "1.266667 1.666667 1.169333 1.592667 281494500",
              lastValues: "241.770000 243.790000 238.020000 242.650000 98866600"),
        .init(file: "historical-via-chart-0P0000XTS7-2024-09-12-to-2024-09-16.json", bars: 2, first: "2024-09-12",
              last: "2024-09-13",
              firstValues: "11887.100000 11887.100000 11887.100000 11887.100000 0",
              lastValues: "11892.190000 11892.190000 11892.190000 11892.190000 0"),
        // Crypto and FX: stamped 00:00 UTC / 00:00 London; the bar at period2 is dropped.
        .init(file: "chart-BTC-USD-2020-01-01-to-2020-01-03.json", bars: 2, first: "2020-01-01", last: "2020-01-02",
              firstValues: "7194.892000 7254.330600 7174.944300 7200.174300 18565664997",
              lastValues: "7202.551300 7212.155300 6935.270000 6985.470000 20802083465", outsideWindow: 1),
        .init(file: "chart-EURUSD=X-2020-01-01-to-2020-01-03.json", bars: 2, first: "2020-01-01", last: "2020-01-02",
              // Float32 text 1.1228385 and 1.1227125 are ties at the 7th decimal: half-even.
              firstValues: "1.122083 1.122838 1.115947 1.122083 0",
              lastValues: "1.121894 1.122712 1.116682 1.122083 0", outsideWindow: 1),
        // Futures stamped at 00:00 New York (05:00Z).
        .init(file: "chart-GC=F-2020-01-01-to-2020-01-03.json", bars: 1, first: "2020-01-02", last: "2020-01-02",
              firstValues: "1518.100000 1528.700000 1518.000000 1524.500000 214",
              lastValues: "1518.100000 1528.700000 1518.000000 1524.500000 214"),
        .init(file: "chart-OCDO.L-2020-01-01-to-2020-01-03.json", bars: 1, first: "2020-01-02", last: "2020-01-02",
              firstValues: "1279.500000 1286.570000 1258.000000 1259.500000 728520",
              lastValues: "1279.500000 1286.570000 1258.000000 1259.500000 728520"),
        .init(file: "chart-UNIR.MI-2020-01-01-to-2020-01-03.from-44a7c5b.json", bars: 1, first: "2020-01-02",
              last: "2020-01-02",
              firstValues: "13.480000 13.540000 13.360000 13.460000 36095",
              lastValues: "13.480000 13.540000 13.360000 13.460000 36095"),
        // Berlin in summer (07:00Z = 09:00 CEST) while meta.gmtoffset says winter's 3600.
        .init(file: "chart-WSU.DE-2023-08-04-to-2023-08-09.json", bars: 3, first: "2023-08-04", last: "2023-08-08",
              firstValues: "34.250000 34.550000 34.100000 34.450000 1251",
              lastValues: "34.050000 34.200000 32.900000 33.200000 10846"),
        .init(file: "chart-0P000071W8.TO-2020-01-01-to-2020-01-03.json", bars: 1, first: "2020-01-02",
              last: "2020-01-02",
              firstValues: "73.720000 73.720000 73.720000 73.720000 0",
              lastValues: "73.720000 73.720000 73.720000 73.720000 0"),
    ]

    /// The request a recording answered: its symbol, interval and period1..period2.
    static func request(_ exchange: Recordings.Exchange, receivedAt: Int64? = nil) throws -> YahooChartRequest {
        let path = try #require(exchange.url.split(separator: "?").first)
        let vendorSymbol = try #require(path.split(separator: "/").last).removingPercentEncoding!
        let timeframe = try #require(Timeframe(parsing: exchange.query("interval") ?? ""))
        let window = KeyWindow(from: Int64(exchange.query("period1")!)!, to: Int64(exchange.query("period2")!)!)
        return try YahooChartRequest(symbol: vendorSymbol, timeframe: timeframe, window: window, receivedAt: receivedAt)
    }

    static func parse(_ file: String) throws -> VendorBars {
        let exchange = try Recordings.exchange("yahoo-chart/" + file)
        return try YahooChart.parse(status: exchange.status, body: exchange.body, request: request(exchange),
                                    zones: Recordings.zones)
    }

    @Test(arguments: expectations)
    func recording(_ e: Expectation) throws {
        let parsed = try Self.parse(e.file)
        #expect(parsed.bars.count == e.bars)
        #expect(parsed.rejects.isEmpty)
        #expect(parsed.skipped.outsideWindow == e.outsideWindow)
        #expect(parsed.skipped.live == 0 && parsed.skipped.placeholders == 0)
        #expect(parsed.rowsRead == parsed.bars.count + parsed.rejects.count + parsed.skipped.total)
        #expect(parsed.bars.first.map { iso($0.ts) } == e.first + "T00:00:00Z")
        #expect(parsed.bars.last.map { iso($0.ts) } == e.last + "T00:00:00Z")
        #expect(ohlcv(parsed.bars.first) == e.firstValues)
        #expect(ohlcv(parsed.bars.last) == e.lastValues)
        #expect(parsed.bars.allSatisfy { $0.timeframe == .d1 && $0.ts % 86_400 == 0 })
        #expect(parsed.adjustment == .splits)
        // Keys strictly increase: one bar per session.
        #expect(zip(parsed.bars, parsed.bars.dropFirst()).allSatisfy { $0.ts < $1.ts })
    }

    @Test func splitAndDividendAroundAAPLSplit() throws {
        let parsed = try Self.parse("chart-AAPL-2020-08-31-to-2020-11-07.json")
        let aapl = symbol("AAPL")
        #expect(parsed.actions == [
            CorporateAction(symbol: aapl, exDate: CivilDate(parsing: "2020-08-31")!, kind: .split, value: price("4")),
            CorporateAction(symbol: aapl, exDate: CivilDate(parsing: "2020-11-06")!, kind: .dividend, value: price("0.205")),
        ])
        // The session after the split, by hand from the recording: 132.76, 134.8, 130.53, 134.18.
        let second = parsed.bars[1]
        #expect(iso(second.ts) == "2020-09-01T00:00:00Z")
        #expect(ohlcv(second) == "132.760000 134.800000 130.530000 134.180000 151948100")
    }

    @Test func oddEventsAreNotedNotFatal() throws {
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-08-31-to-2020-11-07.json")
        let body = try Recordings.edited(exchange.body) { json in
            try Self.editResult(&json) { result in
                result["events"] = [
                    "dividends": ["1604673000": ["date": 1_604_673_000]],
                    "splits": ["1598880600": ["date": 1_598_880_600, "numerator": 4, "denominator": 0]],
                ]
            }
        }
        let parsed = try YahooChart.parse(body: body, request: Self.request(exchange))
        #expect(parsed.bars.count == 49 && parsed.actions.isEmpty)
        #expect(Set(parsed.notes) == ["dividend on 2020-11-06 with value null ignored",
                                      "split on 2020-08-31 with value 0.0 ignored"])
    }

    @Test func nvdaSplitAndMSFTDividends() throws {
        let nvda = try Self.parse("historical-via-chart-NVDA-split-2021-02-01-to-2022-01-31.csv.json")
        #expect(nvda.actions.map { "\($0.kind.rawValue) \($0.exDate) \($0.value)" } == ["split 2021-07-20 4.000000"])
        let msft = try Self.parse("historical-via-chart-MSFT-dividends-2021-02-01-to-2022-01-31.csv.json")
        #expect(msft.actions.map { "\($0.kind.rawValue) \($0.exDate) \($0.value)" } == [
            "dividend 2021-02-17 0.560000", "dividend 2021-05-19 0.560000",
            "dividend 2021-08-18 0.560000", "dividend 2021-11-17 0.620000",
        ])
        let tsla = try Self.parse("historical-via-chart-dividends-TSLA-no-dividends.json")
        #expect(tsla.actions.isEmpty)
    }

    @Test func emptyWeekendMinuteWindowIsNoBarsNotAnError() throws {
        let parsed = try Self.parse("chart-AAPL-2025-02-01-to-2025-02-02-includePrePost-false-interval-1m.json")
        #expect(parsed.timeframe == .m1 && parsed.bars.isEmpty && parsed.rowsRead == 0 && parsed.rejects.isEmpty)
        #expect(parsed.notes == ["no bars in the window"])
        // Upstream's made-up variant: no timestamp and an empty quote object.
        let fake = try Self.parse("chart-TSLA-2025-01-01-to-2025-01-02-interval-1h.fake.json")
        #expect(fake.timeframe == .h1 && fake.bars.isEmpty && fake.rowsRead == 0)
    }

    @Test func quotesWithoutTimestampsAreAShapeError() throws {
        let error = try #require(throws: VendorError.self) { try Self.parse("chart-notimestamp-quotes-length.fake.json") }
        #expect(error.code == .unexpectedShape && error.handling == .failSeries)
        #expect(error.message == "no timestamps but 5 quote values")
    }

    @Test func exchangeZoneOnlyFromTheZoneName() throws {
        // The core alone does not know Europe/London: a daily chart there cannot be keyed.
        let exchange = try Recordings.exchange("yahoo-chart/chart-EURUSD=X-2020-01-01-to-2020-01-03.json")
        let request = try Self.request(exchange)
        #expect {
            _ = try YahooChart.parse(body: exchange.body, request: request)
        } throws: { ($0 as? VendorError)?.message == "unknown time zone 'Europe/London': cannot tell session dates" }
        // New York is the core's own: no lookup needed.
        let aapl = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-01-01-to-2020-01-03.json")
        #expect(try YahooChart.parse(body: aapl.body, request: Self.request(aapl)).bars.count == 1)
    }

    @Test func summerLondonMidnightIsTheLondonDate() throws {
        // EURUSD=X in July: 00:00 London is 23:00Z the day before; gmtoffset (winter, 0) would
        // give the wrong date, the zone name gives the right one.
        let exchange = try Recordings.exchange("yahoo-chart/chart-EURUSD=X-2020-01-01-to-2020-01-03.json")
        let body = try Recordings.edited(exchange.body) { json in
            try Self.editResult(&json) { result in
                result["timestamp"] = [1_593_903_600, 1_593_990_000, 1_594_076_400]  // 2020-07-04T23:00Z ...
            }
        }
        let request = try YahooChartRequest(symbol: "EURUSD=X", timeframe: .d1,
                                            window: KeyWindow(from: day("2020-07-05"), to: day("2020-07-08")))
        let parsed = try YahooChart.parse(body: body, request: request, zones: Recordings.zones)
        #expect(parsed.bars.map { iso($0.ts) } == [
            "2020-07-05T00:00:00Z", "2020-07-06T00:00:00Z", "2020-07-07T00:00:00Z",
        ])
    }

    /// AAPL's 2020-01-02 bar as if fetched during that session.
    static func liveBody(regularMarketTime: Int64) throws -> [UInt8] {
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-01-01-to-2020-01-03.json")
        return try Recordings.edited(exchange.body) { json in
            try editResult(&json) { result in
                var meta = result["meta"] as! [String: Any]
                meta["regularMarketTime"] = regularMarketTime
                meta["currentTradingPeriod"] = [
                    "regular": ["timezone": "EST", "start": 1_577_975_400, "end": 1_577_998_800, "gmtoffset": -18000]
                ]
                result["meta"] = meta
            }
        }
    }

    @Test func liveDailyBarIsDropped() throws {
        let window = KeyWindow(from: day("2020-01-02"), to: day("2020-01-03"))
        let during = try Self.liveBody(regularMarketTime: instant("2020-01-02T18:00:00Z"))
        var request = try YahooChartRequest(symbol: "AAPL", timeframe: .d1, window: window)
        let live = try YahooChart.parse(body: during, request: request)
        #expect(live.bars.isEmpty && live.skipped.live == 1 && live.rowsRead == 1)
        #expect(live.notes.contains("the last bar is still live: not stored"))
        // The same body received after the close: complete.
        request.receivedAt = instant("2020-01-02T21:00:00Z")
        #expect(try YahooChart.parse(body: during, request: request).bars.count == 1)
        // regularMarketTime at the close, nothing received-at: complete as well.
        let after = try Self.liveBody(regularMarketTime: 1_577_998_800)
        request.receivedAt = nil
        #expect(try YahooChart.parse(body: after, request: request).bars.count == 1)
    }

    /// A 1m chart body of AAPL with the given timestamps and closes (other columns derived).
    static func minuteBody(_ timestamps: [Int64], closes: [Double?], regularMarketTime: Int64) throws -> [UInt8] {
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-01-01-to-2020-01-03.json")
        return try Recordings.edited(exchange.body) { json in
            try editResult(&json) { result in
                var meta = result["meta"] as! [String: Any]
                meta["dataGranularity"] = "1m"
                meta["regularMarketTime"] = regularMarketTime
                result["meta"] = meta
                result["timestamp"] = timestamps
                let column: [Any] = closes.map { $0.map { $0 as Any } ?? NSNull() }
                let volumes: [Any] = closes.map { $0 == nil ? NSNull() : 100 as Any }
                result["indicators"] = ["quote": [["open": column, "high": column, "low": column, "close": column,
                                                   "volume": volumes]]]
            }
        }
    }

    @Test func liveMinuteBarAndWindowEnd() throws {
        let t0 = instant("2020-01-02T15:00:00Z")
        let body = try Self.minuteBody([t0, t0 + 60, t0 + 120], closes: [75.1, 75.2, 75.3],
                                       regularMarketTime: t0 + 150)
        let request = try YahooChartRequest(symbol: "AAPL", timeframe: .m1, window: KeyWindow(from: t0, to: t0 + 3600))
        let parsed = try YahooChart.parse(body: body, request: request)
        #expect(parsed.bars.map { iso($0.ts) } == ["2020-01-02T15:00:00Z", "2020-01-02T15:01:00Z"])
        #expect(parsed.skipped.live == 1)
        // A window ending at 15:01: the bars at or after period2 are dropped.
        let short = try YahooChartRequest(symbol: "AAPL", timeframe: .m1, window: KeyWindow(from: t0, to: t0 + 60))
        let cut = try YahooChart.parse(body: body, request: short)
        #expect(cut.bars.count == 1 && cut.skipped.outsideWindow == 2 && cut.skipped.live == 0)
        #expect(short.period1 == t0 && short.period2 == t0 + 60)
    }

    @Test func nullRowsArePlaceholdersOrRejects() throws {
        let t0 = instant("2020-01-02T15:00:00Z")
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-01-01-to-2020-01-03.json")
        let body = try Recordings.edited(exchange.body) { json in
            try Self.editResult(&json) { result in
                var meta = result["meta"] as! [String: Any]
                meta["dataGranularity"] = "1m"
                result["meta"] = meta
                result["timestamp"] = [t0, t0 + 60, t0 + 120, t0 + 180]
                let null = NSNull()
                result["indicators"] = ["quote": [[
                    "open": [75.0999984741211, null, 75.1500015258789, 75.2],
                    "high": [75.19999694824219, null, null, 75.3],
                    "low": [75.0, null, 75.0999984741211, 75.1],
                    "close": [75.1500015258789, null, 75.19999694824219, 75.2],
                    "volume": [1200, null, 300, null],
                ] as [String: Any]]]
            }
        }
        let request = try YahooChartRequest(symbol: "AAPL", timeframe: .m1, window: KeyWindow(from: t0, to: t0 + 3600))
        let parsed = try YahooChart.parse(body: body, request: request)
        #expect(parsed.bars.count == 1 && parsed.skipped.placeholders == 1 && parsed.rejects.count == 2)
        #expect(ohlcv(parsed.bars.first) == "75.100000 75.200000 75.000000 75.150000 1200")
        let reject = try #require(parsed.rejects.first)
        #expect(reject.location == "yahoo:AAPL:2020-01-02T15:02:00Z")
        #expect(reject.reason == .missingField && reject.message == "field 'high' value 'null': missing")
        #expect(reject.rawText == "1577977320,75.1500015258789,null,75.0999984741211,75.19999694824219,300.0")
        #expect(parsed.rejects[1].message == "field 'volume' value 'null': missing")
        #expect(parsed.rowsRead == 4)
        #expect(parsed.notes.contains("1 placeholder rows without values skipped"))
    }

    @Test func dailyRejectLocationIsTheSessionDate() throws {
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-08-31-to-2020-11-07.json")
        let body = try Recordings.edited(exchange.body) { json in
            try Self.editResult(&json) { result in
                var indicators = result["indicators"] as! [String: Any]
                var quote = (indicators["quote"] as! [[String: Any]])[0]
                var low = quote["low"] as! [Any]
                low[0] = NSNull()
                quote["low"] = low
                indicators["quote"] = [quote]
                result["indicators"] = indicators
            }
        }
        let parsed = try YahooChart.parse(body: body, request: Self.request(exchange))
        #expect(parsed.bars.count == 48)
        #expect(parsed.rejects.map(\.location) == ["yahoo:AAPL:2020-08-31"])
        #expect(parsed.rejects.first?.ts == day("2020-08-31"))
    }

    @Test func otherSymbolOrIntervalIsAShapeError() throws {
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-01-01-to-2020-01-03.json")
        let window = KeyWindow(from: day("2020-01-01"), to: day("2020-01-03"))
        #expect {
            _ = try YahooChart.parse(body: exchange.body, request: YahooChartRequest(symbol: "MSFT", timeframe: .d1, window: window))
        } throws: { ($0 as? VendorError)?.message == "meta.symbol is 'AAPL', requested 'MSFT'" }
        #expect {
            _ = try YahooChart.parse(body: exchange.body, request: YahooChartRequest(symbol: "AAPL", timeframe: .w1, window: window))
        } throws: { ($0 as? VendorError)?.message == "meta.dataGranularity is '1d', requested '1wk'" }
    }

    @Test func weeklyBarsKeyToMonday() throws {
        // A 1wk chart stamps each week at its first session's open (Tuesday after a holiday).
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-01-01-to-2020-01-03.json")
        let body = try Recordings.edited(exchange.body) { json in
            try Self.editResult(&json) { result in
                var meta = result["meta"] as! [String: Any]
                meta["dataGranularity"] = "1wk"
                result["meta"] = meta
                result["timestamp"] = [instant("2020-01-02T14:30:00Z")]  // Thursday: the week of Monday 2019-12-30
            }
        }
        let request = try YahooChartRequest(symbol: "AAPL", timeframe: .w1,
                                            window: KeyWindow(from: day("2019-12-30"), to: day("2020-01-06")))
        #expect(try YahooChart.parse(body: body, request: request).bars.map { iso($0.ts) } == ["2019-12-30T00:00:00Z"])
    }

    static func editResult(_ json: inout [String: Any], _ edit: (inout [String: Any]) throws -> Void) throws {
        var chart = try #require(json["chart"] as? [String: Any])
        var results = try #require(chart["result"] as? [[String: Any]])
        try edit(&results[0])
        chart["result"] = results
        json["chart"] = chart
    }

    @Test func requestPathAndPeriods() throws {
        let window = KeyWindow(from: day("2024-03-01"), to: day("2024-04-01"))
        let daily = try YahooChartRequest(symbol: "^GSPC", timeframe: .d1, window: window)
        #expect(daily.symbol.value == "^GSPC")
        #expect(daily.request.pathAndQuery == "/v8/finance/chart/%5EGSPC?period1=1709164800&period2=1712016000"
            + "&interval=1d&events=div%2Csplits&includePrePost=false")
        let weekly = try YahooChartRequest(symbol: "BRK-B", timeframe: .w1, window: window)
        #expect(weekly.symbol.value == "BRK.B" && weekly.request.query[2].value == "1wk")
        #expect(throws: VendorError.self) { try YahooChartRequest(symbol: "A B", timeframe: .d1, window: window) }
    }
}
