import Foundation
import JutsuCore
import JutsuMarketData
import JutsuTestSupport
import Testing

/// freshness(), the guard (stale, missing, gaps) and series().
@Suite struct GuardTests {
    static let aapl = "real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz"
    static let all2012to2014 = BarRange(from: day("2012-01-01"), through: day("2014-12-31"))
    /// 2014-12-31 23:00Z: the last session (closed 21:00Z) is in.
    static let endOf2014 = ts("2014-12-31") + 23 * 3600

    @Test func freshSeriesPassesWithEverySessionChecked() async throws {
        let loaded = try Loaded("guardok", [Self.aapl])
        let check = try await loaded.data.check(symbol: "AAPL", timeframe: .d1, range: Self.all2012to2014, at: Self.endOf2014)
        #expect(check.freshness.status == .fresh && check.freshness.lagBars == 0 && check.freshness.calendar == "XNYS")
        #expect(check.freshness.newestBar == ts("2014-12-31") && check.freshness.expectedBar == ts("2014-12-31"))
        // NYSE sessions 2012-2014: 250 + 252 + 252, one bar each.
        #expect(check.gapsChecked && check.sessionsChecked == 754)
    }

    @Test func staleSeriesIsRefused() async throws {
        let loaded = try Loaded("guardstale", [Self.aapl])
        let at = ts("2015-01-31")
        let verdict = try await loaded.data.freshness(symbol: "AAPL", timeframe: .d1, at: at)
        // January 2015 had 20 NYSE sessions (New Year's Day and MLK day closed).
        #expect(verdict.status == .stale && verdict.lagBars == 20 && verdict.expectedBar == ts("2015-01-30"))
        do {
            try await loaded.data.check(symbol: "AAPL", timeframe: .d1, range: Self.all2012to2014, at: at)
            Issue.record("not refused")
        } catch {
            #expect(error.code == .stale && error.freshness == verdict)
            #expect(error.description.contains("20 sessions behind"))
        }
    }

    @Test func gapsInTheRangeAreRefusedWithTheSessions() async throws {
        let loaded = try Loaded("guardgaps", [Self.aapl])
        try loaded.db.connect().execute("DELETE FROM market_data WHERE ts IN ('2013-03-05Z', '2013-03-06Z', '2014-01-02Z')")
        do {
            try await loaded.data.check(symbol: "AAPL", timeframe: .d1, range: Self.all2012to2014, at: Self.endOf2014)
            Issue.record("not refused")
        } catch {
            #expect(error.code == .gaps)
            #expect(error.gaps == [SessionGap(from: day("2013-03-05"), through: day("2013-03-06"), count: 2),
                                   SessionGap(from: day("2014-01-02"), through: day("2014-01-02"), count: 1)])
        }
        // A range that avoids them passes.
        let later = BarRange(from: day("2014-01-03"), through: day("2014-12-31"))
        #expect(try await loaded.data.check(symbol: "AAPL", timeframe: .d1, range: later, at: Self.endOf2014).sessionsChecked == 251)
        // A range reaching before the first stored bar is a gap too (the data is not there).
        do {
            try await loaded.data.check(symbol: "AAPL", timeframe: .d1, range: BarRange(from: day("2011-12-28"), through: day("2012-01-05")),
                                        at: Self.endOf2014)
            Issue.record("not refused")
        } catch {
            #expect(error.gaps == [SessionGap(from: day("2011-12-28"), through: day("2011-12-30"), count: 3)])
        }
    }

    @Test func unknownSeriesIsMissing() async throws {
        let loaded = try Loaded("guardmissing", [Self.aapl])
        do {
            try await loaded.data.check(symbol: "KO", timeframe: .d1, range: Self.all2012to2014, at: Self.endOf2014)
            Issue.record("not refused")
        } catch {
            #expect(error.code == .missing && error.freshness?.status == .missing && error.symbol == "KO")
        }
    }

    @Test func seriesListsWhatIsStored() async throws {
        let loaded = try Loaded("series", [Self.aapl, "real/yahoo-csv/EA-15m-no-bad-divs.csv", "real/csv-zipline/pipeline_inputs__BRK-A.csv"])
        let series = try await loaded.data.series()
        #expect(series.map(\.symbol) == ["AAPL", "BRK.A", "EA"])
        #expect(series.map(\.timeframe) == [.d1, .d1, .m15])
        #expect(series[0].barCount == 754 && series[0].firstBar == ts("2012-01-03") && series[0].lastBar == ts("2014-12-31"))
        #expect(series[0].sources == ["csv"] && series[0].lastFetchAt != nil)
        #expect(series[2].barCount == 319)
        #expect(try loaded.reader().series(symbol: "brk-a", timeframe: .d1)?.barCount == 127)
        #expect(try loaded.reader().series(symbol: "KO", timeframe: .d1) == nil)
    }
}
