import JutsuCore
import Testing

@testable import JutsuCSV

/// Every real fixture: symbol, timeframe, row count, first and last keys (checked by hand
/// against the files), and the corporate actions on their rows.
@Suite struct RealFixtureTests {
    struct Expectation: Sendable, CustomStringConvertible {
        var file: String
        var symbol: String
        var timeframe: Timeframe
        var rows: Int
        var firstKey: String
        var lastKey: String
        var description: String { file }
    }

    static let expectations: [Expectation] = [
        // Newest first; `2023-04-14 00:00:00+09:00` is the 2023-04-14 session although it is
        // 2023-04-13T15:00Z.
        .init(file: "yahoo-csv/4063-T-1d-bad-stock-split.csv", symbol: "4063.T", timeframe: .d1, rows: 22,
              firstKey: "2023-04-14T00:00:00Z", lastKey: "2023-03-15T00:00:00Z"),
        .init(file: "yahoo-csv/4063-T-1d-bad-stock-split-fixed.csv", symbol: "4063.T", timeframe: .d1, rows: 22,
              firstKey: "2023-04-14T00:00:00Z", lastKey: "2023-03-15T00:00:00Z"),
        .init(file: "yahoo-csv/8TRA-DE-1d-missing-div-adjust.csv", symbol: "8TRA.DE", timeframe: .d1, rows: 5,
              firstKey: "2023-05-30T00:00:00Z", lastKey: "2023-06-06T00:00:00Z"),
        .init(file: "yahoo-csv/AET-L-1d-100x-error.csv", symbol: "AET.L", timeframe: .d1, rows: 23,
              firstKey: "2022-06-06T00:00:00Z", lastKey: "2022-05-03T00:00:00Z"),
        .init(file: "yahoo-csv/AET-L-1d-100x-error-fixed.csv", symbol: "AET.L", timeframe: .d1, rows: 23,
              firstKey: "2022-06-06T00:00:00Z", lastKey: "2022-05-03T00:00:00Z"),
        // `2024-10-21 10:00:00+01:00` is 09:00Z; the last row is already in GMT.
        .init(file: "yahoo-csv/ASAI-L-1h-bad-unit.csv", symbol: "ASAI.L", timeframe: .h1, rows: 20,
              firstKey: "2024-10-21T09:00:00Z", lastKey: "2024-10-30T14:00:00Z"),
        // `2026-05-26 04:00:00-04:00` (pre-market) is 08:00Z.
        .init(file: "yahoo-csv/EA-15m-no-bad-divs.csv", symbol: "EA", timeframe: .m15, rows: 319,
              firstKey: "2026-05-26T08:00:00Z", lastKey: "2026-06-03T18:15:00Z"),
        .init(file: "yahoo-csv/MOB-ST-1d-bad-stock-split.csv", symbol: "MOB.ST", timeframe: .d1, rows: 16,
              firstKey: "2023-05-08T00:00:00Z", lastKey: "2023-05-30T00:00:00Z"),
        .init(file: "csv-zipline/pipeline_inputs__AAPL.csv", symbol: "AAPL", timeframe: .d1, rows: 127,
              firstKey: "2014-03-03T00:00:00Z", lastKey: "2014-08-29T00:00:00Z"),
        .init(file: "csv-zipline/pipeline_inputs__BRK-A.csv", symbol: "BRK.A", timeframe: .d1, rows: 127,
              firstKey: "2014-03-03T00:00:00Z", lastKey: "2014-08-29T00:00:00Z"),
        .init(file: "csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz", symbol: "AAPL", timeframe: .d1,
              rows: 754, firstKey: "2012-01-03T00:00:00Z", lastKey: "2014-12-31T00:00:00Z"),
        .init(file: "csv-zipline/csvdir_samples__csvdir__daily__KO.csv.gz", symbol: "KO", timeframe: .d1,
              rows: 754, firstKey: "2012-01-03T00:00:00Z", lastKey: "2014-12-31T00:00:00Z"),
        .init(file: "csv-zipline/csvdir_samples__csvdir__daily__MSFT.csv.gz", symbol: "MSFT", timeframe: .d1,
              rows: 754, firstKey: "2012-01-03T00:00:00Z", lastKey: "2014-12-31T00:00:00Z"),
    ]

    @Test(arguments: expectations)
    func parsesWithSymbolTimeframeCountAndKeys(_ e: Expectation) throws {
        let got = try Fixtures.read(Fixtures.path("real/" + e.file))
        #expect(got.dialect.symbol == symbol(e.symbol))
        #expect(got.dialect.symbolSource == .fileName)
        #expect(got.dialect.timeframe == e.timeframe)
        #expect(got.rejects == [])
        #expect(got.bars.count == e.rows)
        #expect(got.rowsRead == Int64(e.rows))
        #expect(got.bars.first.map { iso($0.bar.ts) } == e.firstKey)
        #expect(got.bars.last.map { iso($0.bar.ts) } == e.lastKey)
        #expect(got.bars.allSatisfy { $0.bar.symbol == symbol(e.symbol) && $0.bar.timeframe == e.timeframe })
        // Lines: the header is line 1, rows follow without gaps.
        #expect(got.bars.map(\.line) == (0..<e.rows).map { Int64($0 + 2) })
        #expect(got.dialect.compressed == e.file.hasSuffix(".gz"))
    }

    @Test func yahooColumnsAreMappedAndAdjCloseIgnoredByDesign() throws {
        let got = try Fixtures.read(Fixtures.path("real/yahoo-csv/4063-T-1d-bad-stock-split.csv"))
        let d = got.dialect
        #expect(d.dateFormat == .isoDateTime)
        #expect(d.timeframeSource == .fileName)
        #expect(d.ignoredByDesignColumns == ["Adj Close"])
        #expect(d.ignoredColumns == [])
        #expect(d.columns.dividend == 7 && d.columns.split == 8 && d.columns.volume == 6)
        let first = try #require(got.bars.first?.bar)
        #expect(first.open == price("4126") && first.high == price("4130") && first.low == price("4055"))
        #expect(first.close == price("4129") && first.volume == 7_459_400)
        // 2023-03-30: 55 dividend and a 5:1 split on the same row.
        #expect(got.actions == [
            CorporateAction(symbol: symbol("4063.T"), exDate: CivilDate(year: 2023, month: 3, day: 30)!, kind: .dividend, value: price("55")),
            CorporateAction(symbol: symbol("4063.T"), exDate: CivilDate(year: 2023, month: 3, day: 30)!, kind: .split, value: price("5")),
        ])
    }

    @Test func ziplineAppleGzipHasOneSplitAndItsDividends() throws {
        let got = try Fixtures.read(Fixtures.path("real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz"))
        let splits = got.actions.filter { $0.kind == .split }
        #expect(splits == [
            CorporateAction(symbol: symbol("AAPL"), exDate: CivilDate(year: 2014, month: 6, day: 9)!, kind: .split, value: price("7"))
        ])
        #expect(got.actions.filter { $0.kind == .dividend }.count == 10)
        let first = try #require(got.bars.first?.bar)
        #expect(first.open == price("58.485714") && first.close == price("58.747143") && first.volume == 75_555_200)
        #expect(got.dialect.timeframeSource == .fileName)  // `__daily__` in the name
        #expect(got.dialect.columns.split == 7)
    }

    @Test func floatNoiseIsRoundedHalfEvenToSixDecimals() throws {
        let got = try Fixtures.read(Fixtures.path("real/csv-zipline/pipeline_inputs__AAPL.csv"))
        let first = try #require(got.bars.first?.bar)
        #expect(first.open.micros == 523_420_044)  // 523.4200440000001
        #expect(first.low.micros == 522_809_990)  // 522.8099900000001
        #expect(got.dialect.timeframeSource == .data)
    }

    @Test func intradayDividendIsDatedByTheLocalDateAsWritten() throws {
        let got = try Fixtures.read(Fixtures.path("real/yahoo-csv/EA-15m-no-bad-divs.csv"))
        #expect(got.actions == [
            CorporateAction(symbol: symbol("EA"), exDate: CivilDate(year: 2026, month: 5, day: 27)!, kind: .dividend, value: price("0.19"))
        ])
    }

    @Test func reverseSplitRatioIsKept() throws {
        let got = try Fixtures.read(Fixtures.path("real/yahoo-csv/MOB-ST-1d-bad-stock-split.csv"))
        #expect(got.actions.map(\.value) == [price("0.1")])
        #expect(got.actions.first?.exDate == CivilDate(year: 2023, month: 5, day: 24))
    }
}
