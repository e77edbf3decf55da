import JutsuCore
import Testing

@testable import JutsuVendors

@Suite struct PolygonAggregatesTests {
    @Test func dailyRangeAtNewYorkMidnight() throws {
        // t 1112331600000 = 2005-04-01T05:00Z (midnight EST); 1112587200000 = 2005-04-04T04:00Z (EDT).
        let request = try PolygonAggregatesRequest(
            ticker: "AAPL", timeframe: .d1, window: KeyWindow(from: day("2005-04-01"), to: day("2005-04-05")))
        let parsed = try PolygonAggregates.parse(
            body: Recordings.body("polygon/v2__aggs__ticker__AAPL__range__1__day__2005-04-01__2005-04-04.json"),
            request: request)
        #expect(parsed.bars.map { iso($0.ts) } == ["2005-04-01T00:00:00Z", "2005-04-04T00:00:00Z"])
        #expect(ohlcv(parsed.bars.first) == "1.503200 1.506400 1.448900 1.460400 642646396")
        #expect(ohlcv(parsed.bars.last) == "1.463900 1.475400 1.434300 1.467500 578172308")
        #expect(parsed.volumeRounded == 0 && parsed.nextPage == nil && parsed.adjustment == .splits)
        #expect(request.request.pathAndQuery
            == "/v2/aggs/ticker/AAPL/range/1/day/2005-04-01/2005-04-04?adjusted=true&sort=asc&limit=50000")
    }

    @Test func previousCloseAndGroupedDaily() throws {
        let prev = try PolygonAggregates.parse(
            body: Recordings.body("polygon/v2__aggs__ticker__AAPL__prev.json"),
            request: PolygonAggregatesRequest(ticker: "AAPL", timeframe: .d1,
                                              window: KeyWindow(from: day("2022-04-26"), to: day("2022-04-27"))))
        // t 1651003200000 = 2022-04-26T20:00Z: the 2022-04-26 session in New York.
        #expect(prev.bars.map { iso($0.ts) } == ["2022-04-26T00:00:00Z"])
        #expect(ohlcv(prev.bars.first) == "162.250000 162.340000 156.720000 156.800000 95595226")
        // The grouped mock's file name says 2005-04-04, its row is 2020-10-14: keys come from t.
        let grouped = try PolygonAggregates.parseGrouped(
            body: Recordings.body("polygon/v2__aggs__grouped__locale__us__market__stocks__2005-04-04_adjusted=true.json"))
        #expect(grouped.symbol == nil && grouped.bars.count == 1)
        #expect(grouped.bars.first?.symbol == symbol("GIK") && grouped.bars.first.map { iso($0.ts) } == "2020-10-14T00:00:00Z")
        #expect(ohlcv(grouped.bars.first) == "9.990000 10.020000 9.900000 10.020000 895345")
        #expect(PolygonGroupedDailyRequest(date: CivilDate(parsing: "2005-04-04")!).request.pathAndQuery
            == "/v2/aggs/grouped/locale/us/market/stocks/2005-04-04?adjusted=true")
    }

    @Test func delayedMissingResultsFloatVolumeAndPagination() throws {
        let request = try PolygonAggregatesRequest(
            ticker: "AAPL", timeframe: .m1,
            window: KeyWindow(from: instant("2021-07-22T13:30:00Z"), to: instant("2021-07-22T20:00:00Z")))
        let empty = Array(#"{"ticker":"AAPL","queryCount":0,"resultsCount":0,"adjusted":true,"status":"DELAYED","request_id":"x","count":0}"#.utf8)
        let none = try PolygonAggregates.parse(body: empty, request: request)
        #expect(none.bars.isEmpty && none.rowsRead == 0 && none.notes == ["no results in the window"])
        let page = Array(#"""
            {"ticker":"AAPL","adjusted":false,"status":"DELAYED","results":[
             {"v":1234.5,"vw":145.1,"o":145.1,"c":145.2,"h":145.3,"l":145.0,"t":1626960600000,"n":3},
             {"v":100.0,"o":145.2,"c":145.2,"h":145.2,"l":145.2,"t":1626960660000}],
             "next_url":"https://api.polygon.io/v2/aggs/ticker/AAPL/range/1/minute/1626960600000/1626983999999?cursor=bGltaXQ9MiZzb3J0PWFzYw%3D%3D"}
            """#.utf8)
        let parsed = try PolygonAggregates.parse(body: page, request: request)
        #expect(parsed.bars.map { iso($0.ts) } == ["2021-07-22T13:30:00Z", "2021-07-22T13:31:00Z"])
        #expect(parsed.bars.map(\.volume) == [1234, 100] && parsed.volumeRounded == 1)
        #expect(parsed.adjustment == PriceAdjustment.none)
        let next = try #require(parsed.nextPage.flatMap(PolygonAggregates.nextRequest))
        #expect(next.path == ["v2", "aggs", "ticker", "AAPL", "range", "1", "minute", "1626960600000", "1626983999999"])
        #expect(next.query.map(\.name) == ["cursor"] && next.query.first?.value == "bGltaXQ9MiZzb3J0PWFzYw==")
        #expect(request.request.pathAndQuery
            == "/v2/aggs/ticker/AAPL/range/1/minute/1626960600000/1626983999999?adjusted=true&sort=asc&limit=50000")
        // A key that came back in next_url is never kept: the client appends its own.
        let keyed = PolygonAggregates.nextRequest("https://api.polygon.io/v2/aggs?cursor=abc&apiKey=SECRET")
        #expect(keyed?.pathAndQuery == "/v2/aggs?cursor=abc")
    }

    @Test func weeklyBarsStampedOnSundayKeyToMonday() throws {
        // Polygon stamps a week at Sunday 00:00 New York.
        let body = Array(#"{"ticker":"AAPL","status":"OK","results":[{"v":10,"o":1,"c":1,"h":1,"l":1,"t":1709442000000}]}"#.utf8)
        let parsed = try PolygonAggregates.parse(body: body, request: PolygonAggregatesRequest(
            ticker: "AAPL", timeframe: .w1, window: KeyWindow(from: day("2024-03-04"), to: day("2024-03-11"))))
        #expect(parsed.bars.map { iso($0.ts) } == ["2024-03-04T00:00:00Z"])
    }

    @Test func groupedTickerThatIsNotASymbolIsRejected() throws {
        let body = Array(#"{"status":"OK","results":[{"T":"BAD TICKER","v":1,"o":1,"c":1,"h":1,"l":1,"t":1602705600000},{"T":"brk.b","v":1,"o":2,"c":2,"h":2,"l":2,"t":1602705600000}]}"#.utf8)
        let parsed = try PolygonAggregates.parseGrouped(body: body)
        #expect(parsed.bars.map(\.symbol.value) == ["BRK.B"])
        #expect(parsed.rejects.map(\.reason) == [.badSymbol])
        #expect(parsed.rejects.first?.location == "polygon:BAD TICKER:2020-10-14")
    }
}
