import Foundation
import JutsuCore
import Testing

@testable import JutsuVendors

@Suite struct SchwabPriceHistoryTests {
    static let monthly = "schwab/schwabdev-docs-pricehistory-AAPL-monthly.json"
    static let minutes = "schwab/tda-pricehistory-1min-extended-2022-08.json"

    @Test func monthlyCandlesAtChicagoMidnightAreMonthKeys() throws {
        let request = try SchwabPriceHistoryRequest(
            symbol: "AAPL", timeframe: .mo1, window: KeyWindow(from: day("2023-11-01"), to: day("2024-11-01")))
        let parsed = try SchwabPriceHistory.parse(body: Recordings.body(Self.monthly), request: request)
        #expect(parsed.bars.count == 12 && parsed.rejects.isEmpty && parsed.rowsRead == 12)
        // 1698814800000 is 2023-11-01T05:00Z (midnight CDT), 1701410400000 2023-12-01T06:00Z (CST).
        #expect(parsed.bars.map { String(iso($0.ts).prefix(10)) } == [
            "2023-11-01", "2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01",
            "2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01", "2024-10-01",
        ])
        #expect(ohlcv(parsed.bars.first) == "171.000000 192.930000 170.120000 189.950000 1099760711")
        #expect(ohlcv(parsed.bars[1]) == "190.330000 199.620000 187.451100 192.530000 1063181128")
        #expect(ohlcv(parsed.bars.last) == "229.520000 237.490000 221.330000 235.000000 550590311")
        #expect(parsed.bars.allSatisfy { $0.symbol == symbol("AAPL") && $0.timeframe == .mo1 })
        #expect(parsed.adjustment == .splits && parsed.actions.isEmpty)
        // A window of two months keeps two and counts the rest.
        let short = try SchwabPriceHistoryRequest(
            symbol: "AAPL", timeframe: .mo1, window: KeyWindow(from: day("2024-03-01"), to: day("2024-05-01")))
        let cut = try SchwabPriceHistory.parse(body: Recordings.body(Self.monthly), request: short)
        #expect(cut.bars.count == 2 && cut.skipped.outsideWindow == 10)
    }

    @Test func minuteCandlesAllAndFilteredToTheWindow() throws {
        // The whole recording: 4,692 candles with extended hours, first at 07:00 EDT.
        let all = try SchwabPriceHistoryRequest(
            symbol: "NET", timeframe: .m1,
            window: KeyWindow(from: instant("2022-08-05T00:00:00Z"), to: instant("2022-08-19T00:00:00Z")))
        let parsed = try SchwabPriceHistory.parse(body: Recordings.body(Self.minutes), request: all)
        #expect(parsed.bars.count == 4692 && parsed.rejects.isEmpty && parsed.skipped.total == 0)
        #expect(parsed.bars.first.map { iso($0.ts) } == "2022-08-05T11:00:00Z")
        #expect(parsed.bars.last.map { iso($0.ts) } == "2022-08-18T23:59:00Z")
        #expect(ohlcv(parsed.bars.first) == "69.480000 69.500000 69.480000 69.500000 602")
        #expect(ohlcv(parsed.bars.last) == "73.390000 73.390000 73.390000 73.390000 122")
        // Minutes without trades are simply missing: 07:01..07:04 are not there.
        #expect(iso(parsed.bars[1].ts) == "2022-08-05T11:05:00Z")
        // The regular session of 2022-08-08 only (09:30-16:00 EDT): 390 of them, the rest skipped.
        let regular = try SchwabPriceHistoryRequest(
            symbol: "NET", timeframe: .m1,
            window: KeyWindow(from: instant("2022-08-08T13:30:00Z"), to: instant("2022-08-08T20:00:00Z")))
        let session = try SchwabPriceHistory.parse(body: Recordings.body(Self.minutes), request: regular)
        #expect(session.bars.count == 390 && session.skipped.outsideWindow == 4692 - 390)
        #expect(ohlcv(session.bars.first) == "74.425000 75.413500 74.350000 75.413500 155800")
        #expect(session.bars.last.map { iso($0.ts) } == "2022-08-08T19:59:00Z")
    }

    @Test func emptyAndIndexSymbols() throws {
        let request = try SchwabPriceHistoryRequest(
            symbol: "$SPX", timeframe: .d1, window: KeyWindow(from: day("2024-01-06"), to: day("2024-01-08")))
        #expect(request.symbol.value == "^SPX")
        let empty = Array(#"{"candles":[],"symbol":"$SPX","empty":true}"#.utf8)
        let parsed = try SchwabPriceHistory.parse(body: empty, request: request)
        #expect(parsed.bars.isEmpty && parsed.rowsRead == 0 && parsed.notes == ["no candles in the window"])
        // A daily index candle at midnight Chicago (06:00Z in January) is that date.
        let one = Array(#"{"candles":[{"open":4697.42,"high":4726.78,"low":4687.53,"close":4697.24,"volume":0,"datetime":1704780000000}],"symbol":"$SPX","empty":false}"#.utf8)
        let spx = try SchwabPriceHistory.parse(body: one, request: SchwabPriceHistoryRequest(
            symbol: "$SPX", timeframe: .d1, window: KeyWindow(from: day("2024-01-09"), to: day("2024-01-10"))))
        #expect(spx.bars.map { iso($0.ts) } == ["2024-01-09T00:00:00Z"])
        #expect(spx.bars.first?.symbol.value == "^SPX" && ohlcv(spx.bars.first) == "4697.420000 4726.780000 4687.530000 4697.240000 0")
        // Another symbol than asked for: a shape error.
        #expect { _ = try SchwabPriceHistory.parse(body: one, request: SchwabPriceHistoryRequest(
            symbol: "AAPL", timeframe: .d1, window: KeyWindow(from: 0, to: day("2025-01-01")))) }
            throws: { ($0 as? VendorError)?.code == .unexpectedShape }
    }

    @Test func missingValueIsARejectAtTheCandleTime() throws {
        let body = Array(#"{"candles":[{"open":1.5,"high":null,"low":1.4,"close":1.45,"volume":10,"datetime":1659697200000}],"symbol":"NET","empty":false}"#.utf8)
        let parsed = try SchwabPriceHistory.parse(body: body, request: SchwabPriceHistoryRequest(
            symbol: "NET", timeframe: .m1, window: KeyWindow(from: 0, to: day("2025-01-01"))))
        #expect(parsed.bars.isEmpty)
        #expect(parsed.rejects.map(\.description) == ["schwab:NET:2022-08-05T11:00:00Z: missing_field: field 'high' value 'null': missing"])
        #expect(parsed.rejects.first?.rawText == "1659697200000,1.5,null,1.4,1.45,10.0")
    }

    @Test func requestParametersFollowSchwabsTable() throws {
        for tf in Timeframe.allCases where tf != .h1 {
            let p = try #require(SchwabPriceHistoryRequest.parameters(tf))
            #expect(SchwabPriceHistoryRequest.isValid(p), "\(tf)")
        }
        #expect(SchwabPriceHistoryRequest.parameters(.h1) == nil)
        #expect(throws: VendorError.self) {
            try SchwabPriceHistoryRequest(symbol: "AAPL", timeframe: .h1, window: KeyWindow(from: 0, to: 1))
        }
        typealias P = SchwabPriceHistoryRequest.Parameters
        #expect(!SchwabPriceHistoryRequest.isValid(P(periodType: "day", frequencyType: "daily", frequency: 1)))
        #expect(!SchwabPriceHistoryRequest.isValid(P(periodType: "day", frequencyType: "minute", frequency: 60)))
        #expect(!SchwabPriceHistoryRequest.isValid(P(periodType: "ytd", frequencyType: "monthly", frequency: 1)))
        #expect(!SchwabPriceHistoryRequest.isValid(P(periodType: "year", frequencyType: "weekly", frequency: 2)))
        #expect(SchwabPriceHistoryRequest.isValid(P(periodType: "month", frequencyType: "weekly", frequency: 1)))

        let request = try SchwabPriceHistoryRequest(
            symbol: "$SPX", timeframe: .m5,
            window: KeyWindow(from: instant("2024-03-01T14:30:00Z"), to: instant("2024-03-01T21:00:00Z")))
        #expect(request.request.pathAndQuery == "/pricehistory?symbol=%24SPX&periodType=day&frequencyType=minute"
            + "&frequency=5&startDate=1709303400000&endDate=1709326800000&needExtendedHoursData=false&needPreviousClose=false")
    }
}
