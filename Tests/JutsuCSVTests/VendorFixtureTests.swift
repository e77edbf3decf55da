import Foundation
import JutsuCore
import Testing

@testable import JutsuCSV

/// Real vendor files of `fixtures/real/vendors/` read through `BarFileReader`, against their
/// `.truth.json` (written independently of this project: see PROVENANCE.md). The truth's
/// prices are decimal text, turned into micro-units here with Foundation's `Decimal`, not the
/// reader's number parser. Options are only what the truth's `flags_needed` lists.
@Suite struct VendorFixtureTests {
    struct Truth: Decodable {
        struct TruthBar: Decodable {
            var ts: String
            var open: String
            var high: String
            var low: String
            var close: String
            var volume: Int64?
        }
        var bar_count: Int
        var bars: [TruthBar]
    }

    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var options: CSVOptions
        var format: DateFormat
        var timeframe: Timeframe
        /// NSE's volume is `Shares Traded`, a name the header mapper does not know.
        var checkVolume = true
        var description: String { file }
    }

    static let cases: [Case] = [
        .init(file: "google-finance/orcl-2010-googlefinance.csv", options: CSVOptions(symbol: symbol("ORCL")),
              format: .dayMonthNameShortYear, timeframe: .d1),
        .init(file: "nse-india/NIFTY 50-02-04-2025-to-02-04-2026.csv", options: CSVOptions(symbol: symbol("NIFTY50")),
              format: .dayMonthNameYear, timeframe: .d1, checkVolume: false),
        // Broker server time, read as UTC (the truth's reading); EURUSD60 is MT4's naming.
        .init(file: "metatrader4/EURUSD60.csv", options: CSVOptions(symbol: symbol("EURUSD"), timeframe: .h1, zone: "UTC"),
              format: .dottedYearFirst, timeframe: .h1),
        // `Gmt time`: UTC without --timezone.
        .init(file: "dukascopy/test.csv", options: CSVOptions(symbol: symbol("AUDUSD")),
              format: .dottedDayFirst, timeframe: .m1),
    ]

    static func truth(_ file: String) throws -> Truth {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("real/vendors/" + file + ".truth.json")))
        return try JSONDecoder().decode(Truth.self, from: data)
    }

    /// `"24.66"` -> 24_660_000 micro-units, by Foundation's decimal arithmetic.
    static func micros(_ text: String) throws -> Int64 {
        let value = try #require(Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")))
        let scaled = NSDecimalNumber(decimal: value * 1_000_000)
        let rounded = scaled.rounding(accordingToBehavior: nil)
        #expect(rounded == scaled, "\(text) has more than six decimals")
        return rounded.int64Value
    }

    static func compare(_ got: [SourcedBar], _ truth: Truth, checkVolume: Bool) throws {
        // Truth bars are oldest first whatever the file's order.
        let bars = got.map(\.bar).sorted { $0.ts < $1.ts }
        #expect(bars.count == truth.bar_count)
        #expect(truth.bars.count == truth.bar_count)
        for (bar, want) in zip(bars, truth.bars) {
            let (open, high, low, close) = try (micros(want.open), micros(want.high), micros(want.low), micros(want.close))
            #expect(iso(bar.ts) == want.ts)
            #expect(bar.open.micros == open, "open \(want.ts)")
            #expect(bar.high.micros == high, "high \(want.ts)")
            #expect(bar.low.micros == low, "low \(want.ts)")
            #expect(bar.close.micros == close, "close \(want.ts)")
            if checkVolume, let volume = want.volume { #expect(bar.volume == volume, "volume \(want.ts)") }
        }
    }

    @Test(arguments: cases)
    func readsAsTheTruthSays(_ c: Case) throws {
        let truth = try Self.truth(c.file)
        let got = try Fixtures.read(Fixtures.path("real/vendors/" + c.file), options: c.options)
        #expect(got.dialect.dateFormat == c.format)
        #expect(got.dialect.timeframe == c.timeframe)
        #expect(got.rejects == [])
        try Self.compare(got.bars, truth, checkVolume: c.checkVolume)
    }

    /// The first and last bars of each file, written here by hand from the file's own text.
    @Test func firstAndLastBarsByHand() throws {
        let google = try Fixtures.read(Fixtures.path("real/vendors/" + Self.cases[0].file), options: Self.cases[0].options)
        // `31-Dec-10,31.22,31.33,30.93,31.30` is the first row (newest first); `4-Jan-10` the last.
        #expect(google.bars.first.map { iso($0.bar.ts) } == "2010-12-31T00:00:00Z")
        #expect(google.bars.first?.bar.close == price("31.30"))
        #expect(google.bars.last.map { iso($0.bar.ts) } == "2010-01-04T00:00:00Z")
        let nse = try Fixtures.read(Fixtures.path("real/vendors/" + Self.cases[1].file), options: Self.cases[1].options)
        #expect(nse.bars.first.map { iso($0.bar.ts) } == "2026-04-01T00:00:00Z")  // 01-APR-2026
        #expect(nse.bars.last.map { iso($0.bar.ts) } == "2025-04-02T00:00:00Z")  // 02-APR-2025
        let mt = try Fixtures.read(Fixtures.path("real/vendors/" + Self.cases[2].file), options: Self.cases[2].options)
        #expect(mt.dialect.columns.time == 1)
        #expect(mt.bars.first.map { iso($0.bar.ts) } == "2019-02-15T14:00:00Z")  // 2019.02.15,14:00
        #expect(mt.bars.map { iso($0.bar.ts) }.contains("2019-02-17T22:05:00Z"))  // off-grid, as written
        let duka = try Fixtures.read(Fixtures.path("real/vendors/" + Self.cases[3].file), options: Self.cases[3].options)
        #expect(duka.dialect.zone == "UTC" && duka.dialect.zoneFromColumnName)
        #expect(duka.bars.last.map { iso($0.bar.ts) } == "2019-03-14T04:59:00Z")  // 14.03.2019 04:59:00.000
    }

    /// Every row of mplfinance's intraday file is `11/5/2019 H:MM`: day first or month first
    /// cannot be told from the file, so the reader refuses to guess; with the order given it
    /// reads as the truth says (5 November 2019, New York time).
    @Test func ambiguousRealSlashFileNeedsTheOrder() throws {
        let file = "intraday-mdy/SP500_NOV2019_IDay.csv"
        let path = Fixtures.path("real/vendors/" + file)
        let options = CSVOptions(symbol: symbol("SPX"), zone: "America/New_York")
        let error = try #require(throws: CSVError.self) { try Fixtures.read(path, options: options) }
        #expect(error.message.contains("--date-format dd/mm/yyyy") && error.message.contains("--date-format mm/dd/yyyy"))
        var given = options
        given.dateFormat = .usDate
        let got = try Fixtures.read(path, options: given)
        #expect(got.rejects == [])
        try Self.compare(got.bars, try Self.truth(file), checkVolume: true)
    }
}
