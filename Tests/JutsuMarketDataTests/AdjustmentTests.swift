import Foundation
import JutsuCore
import JutsuMarketData
import JutsuTestSupport
import JutsuVendors
import Testing

/// Back-adjusted bars across the AAPL 2014 7:1 and 2020 4:1 splits, and against the vendors'
/// adjusted closes where a fixture has them.
@Suite struct AdjustmentTests {
    /// zipline's csvdir AAPL: prices already split-adjusted while the file still says split=7.0 on
    /// 2014-06-09 (the double-adjustment trap). The split is detected as reflected and not applied
    /// again; the dividends are. Adjusted closes are continuous across the split day.
    @Test func csvdirAAPLAcross2014Split() async throws {
        let loaded = try Loaded("adj2014", ["real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz"])
        let schedule = try loaded.reader().adjustmentSchedule(symbol: "AAPL", timeframe: .d1)
        let split = try #require(schedule.events.first { $0.kind == .split })
        #expect(split.exDate == day("2014-06-09") && split.value == Price(micros: 7_000_000))
        #expect(!split.isApplied && split.note.contains("already reflected"))
        #expect(split.previousClose == Price(micros: 92_224_289) && split.exDateOpen == Price(micros: 92_699_997))
        let dividends = schedule.events.filter { $0.kind == .dividend }
        #expect(dividends.count == 10 && dividends.allSatisfy(\.isApplied))

        let raw = try await loaded.read("AAPL", .d1)
        let adjusted = try await loaded.read("AAPL", .d1, adjustment: .backAdjusted)
        #expect(adjusted.map(\.ts) == raw.map(\.ts))
        // Bars from the last ex-date (2014-11-06) on are untouched, exactly.
        for (a, r) in zip(adjusted, raw) where a.ts >= ts("2014-11-06") { #expect(a == r) }
        // 2014-06-06 by hand: the two later dividends, each 1 - dividend / close before its ex-date.
        let f = (1 - 0.47 / 94.959999) * (1 - 0.47 / 108.860001)
        let june6 = try #require(adjusted.first { $0.ts == ts("2014-06-06") })
        #expect(abs(double(june6.close) - 92.224289 * f) < 1e-6)
        #expect(june6.volume == 87_484_600)   // no split applied: volumes as stored
        // Continuous across the split day: the adjusted close moves as the stored one (+1.6%), not 7x.
        let june9 = try #require(adjusted.first { $0.ts == ts("2014-06-09") })
        let move = double(june9.close) / double(june6.close)
        #expect(abs(move - 93.699997 / 92.224289) < 1e-6)
        // No day-to-day move in the whole adjusted series looks like a split (AAPL's worst day here: -12%).
        let moves = zip(adjusted, adjusted.dropFirst()).map { double($1.close) / double($0.close) }
        #expect(moves.allSatisfy { $0 > 0.8 && $0 < 1.25 })
        // A dividend day: the ratio of adjusted to raw steps by exactly that dividend's factor.
        let before = try #require(adjusted.firstIndex { $0.ts == ts("2014-08-07") })
        let step = (double(adjusted[before - 1].close) / double(raw[before - 1].close)) / (double(adjusted[before].close) / double(raw[before].close))
        #expect(abs(step - (1 - 0.47 / 94.959999)) < 1e-7)
    }

    /// zipline's pipeline_inputs AAPL is as traded (645.57 -> 92.70 on 2014-06-09) with no split
    /// column; with the 7:1 split recorded, the reader detects the unadjusted basis, applies it, and
    /// the adjusted prices equal the vendor's split-adjusted prices (the csvdir file) for the same days.
    @Test func rawAAPLWithSplitMatchesVendorSplitAdjusted() async throws {
        let loaded = try Loaded("adjraw", ["real/csv-zipline/pipeline_inputs__AAPL.csv"])
        try loaded.db.connect().execute("""
            INSERT INTO corporate_actions (symbol, ex_date, kind, value, data_source) VALUES ('AAPL', '2014-06-09', 'split', 7, 'csv')
            """)
        let schedule = try loaded.reader().adjustmentSchedule(symbol: "AAPL", timeframe: .d1)
        #expect(schedule.events.count == 1 && schedule.events[0].isApplied && schedule.events[0].note.contains("as traded"))
        let raw = try await loaded.read("AAPL", .d1)
        let adjusted = try await loaded.read("AAPL", .d1, adjustment: Adjustment.backAdjusted.with(dividends: false))
        let vendor = try Loaded("adjvendor", ["real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz"])
        let reference = Dictionary(uniqueKeysWithValues: try vendor.storedBars("AAPL", .d1).map { ($0.ts, $0) })
        var compared = 0
        for (a, r) in zip(adjusted, raw) {
            let v = try #require(reference[a.ts])
            if a.ts < ts("2014-06-09") {
                #expect(a.volume == r.volume * 7)
                for (ours, theirs) in [(a.open, v.open), (a.high, v.high), (a.low, v.low), (a.close, v.close)] {
                    // The vendor rounds to ~8 significant digits: agree to 2e-7 relative.
                    #expect(abs(double(ours) / double(theirs) - 1) < 2e-7, "\(UnixTime.iso8601(a.ts)): \(ours) vs \(theirs)")
                }
                compared += 1
            } else {
                #expect(a == r)
            }
        }
        #expect(compared == 68)
        let june6 = try #require(adjusted.first { $0.ts == ts("2014-06-06") })
        #expect(june6.close == Price(micros: 92_224_289))   // 645.570023 / 7 = 92.2242890, rounded half-even
    }

    /// The 2020 4:1 split and the 0.205 dividend, from the recorded Yahoo chart (derived CSV):
    /// continuous across the split day, and equal to Yahoo's adjusted close up to one constant
    /// factor (Yahoo's also carries every dividend up to 2025, after this fixture's last bar).
    @Test func yahooAAPLAcross2020Split() async throws {
        let loaded = try Loaded("adj2020", ["derived/yahoo-chart-2020__AAPL.csv"])
        let schedule = try loaded.reader().adjustmentSchedule(symbol: "AAPL", timeframe: .d1)
        #expect(schedule.events.map(\.kind) == [.split, .dividend])
        #expect(schedule.events[0].exDate == day("2020-08-31") && schedule.events[0].previousClose == nil)
        #expect(schedule.events[1].exDate == day("2020-11-06") && schedule.events[1].previousClose == Price(micros: 119_030_000))
        let adjusted = try await loaded.read("AAPL", .d1, adjustment: .backAdjusted)
        let yahoo = try dateValues("derived/yahoo-chart-2020__AAPL-adjclose.csv")
        #expect(adjusted.count == yahoo.count && adjusted.count == 49)
        #expect(adjusted.first?.ts == ts("2020-08-31"))
        let scale = yahoo.last!.value / double(adjusted.last!.close)
        var worst = 0.0
        for (bar, y) in zip(adjusted, yahoo) {
            #expect(UnixTime.iso8601(bar.ts).hasPrefix(y.date))
            worst = max(worst, abs(double(bar.close) * scale / y.value - 1))
        }
        // Both sides are float32 values (7.2 significant digits, ~6e-8) and Yahoo rounds its
        // factors: 1e-5 relative is two orders above what float32 explains, and far below the
        // 0.17% a missed dividend would make. Measured: see the message.
        #expect(worst < 1e-5, "worst relative difference \(worst)")
        // The dividend's own factor: before and after 2020-11-06 the ratio to the stored close steps by 1 - 0.205/119.03.
        let raw = try await loaded.read("AAPL", .d1)
        let n = adjusted.count
        #expect(abs(double(adjusted[n - 2].close) / double(raw[n - 2].close) - (1 - 0.205 / 119.03)) < 1e-7)
        // Continuous across the split day (no 4x step): 2020-08-31 -> 09-01 moves +4.0% as traded.
        #expect(abs(double(adjusted[1].close) / double(adjusted[0].close) - 134.18 / 129.04) < 1e-6)
    }

    /// The derived CSV is what the production Yahoo parser (JutsuVendors) makes of the recording:
    /// the same keys, prices, volumes and corporate actions come back through the reader.
    @Test func derivedFixtureEqualsTheYahooParser() async throws {
        let recording = try Data(contentsOf: URL(fileURLWithPath: CommandLineTool.fixture("real/yahoo-chart/chart-AAPL-2020-08-31-to-2020-11-07.json")))
        let exchange = try #require(try JSONSerialization.jsonObject(with: recording) as? [String: Any])
        let body = try JSONSerialization.data(withJSONObject: try #require((exchange["response"] as? [String: Any])?["bodyJson"]))
        let request = try YahooChartRequest(symbol: "AAPL", timeframe: .d1,
                                            window: KeyWindow(from: ts("2020-08-31"), to: ts("2020-11-07")),
                                            receivedAt: ts("2025-02-20"))
        let parsed = try YahooChart.parse(body: Array(body), request: request)
        let loaded = try Loaded("adjparser", ["derived/yahoo-chart-2020__AAPL.csv"])
        #expect(try await loaded.read("AAPL", .d1) == parsed.bars)
        let events = try loaded.reader().adjustmentSchedule(symbol: "AAPL", timeframe: .d1).events
        #expect(events.map(\.exDate) == parsed.actions.map(\.exDate))
        #expect(events.map(\.kind) == parsed.actions.map(\.kind))
        #expect(events.map(\.value) == parsed.actions.map(\.value))
    }

    /// yfinance's 4063.T (fixed): the 5:1 split on 2023-03-30 already applied to the prices, a 55
    /// dividend the same day; the reader's adjusted close equals the file's `Adj Close`.
    @Test func shinEtsuMatchesYahooAdjClose() async throws {
        let loaded = try Loaded("adj4063", ["real/yahoo-csv/4063-T-1d-bad-stock-split-fixed.csv"])
        let adjusted = try await loaded.read("4063.T", .d1, adjustment: .backAdjusted)
        let text = try String(contentsOfFile: CommandLineTool.fixture("real/yahoo-csv/4063-T-1d-bad-stock-split-fixed.csv"), encoding: .utf8)
        var adjClose: [String: Double] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: ",")
            adjClose[String(f[0].prefix(10))] = Double(f[5])!
        }
        #expect(adjusted.count == 22)
        for bar in adjusted {
            let y = try #require(adjClose[String(UnixTime.iso8601(bar.ts).prefix(10))])
            #expect(abs(double(bar.close) / y - 1) < 1e-6, "\(UnixTime.iso8601(bar.ts)): \(bar.close) vs \(y)")
        }
    }

    /// A dividend that is not below the previous close cannot be a factor: a typed error.
    @Test func impossibleDividendIsRefused() async throws {
        let loaded = try Loaded("adjbad", ["real/csv-zipline/pipeline_inputs__AAPL.csv"])
        try loaded.db.connect().execute("""
            INSERT INTO corporate_actions (symbol, ex_date, kind, value, data_source) VALUES ('AAPL', '2014-04-01', 'dividend', 600, 'csv')
            """)
        do {
            _ = try await loaded.read("AAPL", .d1, adjustment: .backAdjusted)
            Issue.record("no error")
        } catch let error as MarketDataError {
            #expect(error.code == .corporateAction && error.message.contains("2014-04-01") && error.symbol == "AAPL")
        }
    }
}
