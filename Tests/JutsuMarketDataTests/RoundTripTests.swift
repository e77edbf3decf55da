import Foundation
import JutsuCore
import JutsuMarketData
import JutsuTestSupport
import Testing

/// Bars imported from every real fixture come back through the reader exactly: values, keys, order.
@Suite struct RoundTripTests {
    struct Fixture: Sendable, CustomTestStringConvertible {
        var file: String, symbol: String, timeframe: Timeframe, rows: Int
        var testDescription: String { file }
    }

    /// Every file of fixtures/real (as RealFixtureImportTests imports them) and the derived 2020 AAPL file.
    static let fixtures: [Fixture] = [
        .init(file: "real/csv-zipline/csvdir_samples__csvdir__daily__AAPL.csv.gz", symbol: "AAPL", timeframe: .d1, rows: 754),
        .init(file: "real/csv-zipline/csvdir_samples__csvdir__daily__KO.csv.gz", symbol: "KO", timeframe: .d1, rows: 754),
        .init(file: "real/csv-zipline/csvdir_samples__csvdir__daily__MSFT.csv.gz", symbol: "MSFT", timeframe: .d1, rows: 754),
        .init(file: "real/csv-zipline/pipeline_inputs__AAPL.csv", symbol: "AAPL", timeframe: .d1, rows: 127),
        .init(file: "real/csv-zipline/pipeline_inputs__BRK-A.csv", symbol: "BRK.A", timeframe: .d1, rows: 127),
        .init(file: "real/yahoo-csv/4063-T-1d-bad-stock-split.csv", symbol: "4063.T", timeframe: .d1, rows: 22),
        .init(file: "real/yahoo-csv/4063-T-1d-bad-stock-split-fixed.csv", symbol: "4063.T", timeframe: .d1, rows: 22),
        .init(file: "real/yahoo-csv/8TRA-DE-1d-missing-div-adjust.csv", symbol: "8TRA.DE", timeframe: .d1, rows: 5),
        .init(file: "real/yahoo-csv/AET-L-1d-100x-error.csv", symbol: "AET.L", timeframe: .d1, rows: 23),
        .init(file: "real/yahoo-csv/AET-L-1d-100x-error-fixed.csv", symbol: "AET.L", timeframe: .d1, rows: 23),
        .init(file: "real/yahoo-csv/ASAI-L-1h-bad-unit.csv", symbol: "ASAI.L", timeframe: .h1, rows: 20),
        .init(file: "real/yahoo-csv/EA-15m-no-bad-divs.csv", symbol: "EA", timeframe: .m15, rows: 319),
        .init(file: "real/yahoo-csv/MOB-ST-1d-bad-stock-split.csv", symbol: "MOB.ST", timeframe: .d1, rows: 16),
        .init(file: "derived/yahoo-chart-2020__AAPL.csv", symbol: "AAPL", timeframe: .d1, rows: 49),
    ]

    @Test(arguments: fixtures)
    func everyStoredBarComesBack(_ f: Fixture) async throws {
        let loaded = try Loaded("roundtrip", [f.file])
        let stored = try loaded.storedBars(f.symbol, f.timeframe)
        #expect(!stored.isEmpty && stored.count <= f.rows)
        // Only rejected rows are missing from the store (and they are counted).
        #expect(Int64(stored.count) + (try loaded.db.scalar("SELECT count(*) FROM rejected_bars")) == Int64(f.rows))

        let streamed = try await loaded.read(f.symbol, f.timeframe)
        #expect(streamed == stored)   // every field of every bar, in the same (ascending ts) order
        #expect(zip(streamed, streamed.dropFirst()).allSatisfy { $0.ts < $1.ts })

        var synchronous: [Bar] = []
        try loaded.reader().forEachBar(symbol: f.symbol, timeframe: f.timeframe, range: .all) { bar throws(MarketDataError) in
            synchronous.append(bar)
        }
        #expect(synchronous == stored)
    }

    /// Range ends are inclusive on `ts`; the answer is the matching slice of the stored bars.
    @Test func rangeSelectsInclusiveSlice() async throws {
        let loaded = try Loaded("range", ["real/csv-zipline/pipeline_inputs__AAPL.csv"])
        let stored = try loaded.storedBars("AAPL", .d1)
        let range = BarRange(from: ts("2014-06-06"), through: ts("2014-06-10"))
        let slice = try await loaded.read("AAPL", .d1, range: range)
        #expect(slice.map(\.ts) == [ts("2014-06-06"), ts("2014-06-09"), ts("2014-06-10")])
        #expect(slice == stored.filter { range.from <= $0.ts && $0.ts <= range.through })
        #expect(slice[0].close == Price(micros: 645_570_023))   // 645.570023, as in the file
        #expect(slice[1].open == Price(micros: 92_699_997))
        #expect(try await loaded.read("AAPL", .d1, range: BarRange(from: day("2015-01-01"), through: day("2015-12-31"))).isEmpty)
        #expect(try await loaded.read("MSFT", .d1).isEmpty)
    }

    /// Small chunks and a one-chunk buffer (so the producer waits on the consumer all the time)
    /// give the same bars.
    @Test func backpressureKeepsEveryBar() async throws {
        let loaded = try Loaded("chunks", ["real/csv-zipline/csvdir_samples__csvdir__daily__KO.csv.gz"])
        var stream = loaded.data.bars(symbol: "KO", timeframe: .d1)
        stream.chunkSize = 7
        stream.bufferedChunks = 1
        var bars: [Bar] = []
        for try await bar in stream {
            bars.append(bar)
            if bars.count % 100 == 0 { try await Task.sleep(nanoseconds: 1_000_000) }
        }
        #expect(bars == (try loaded.storedBars("KO", .d1)))
    }

    /// A consumer on the main actor (as in an `async main`) reads on its own actor: same bars.
    @MainActor @Test func mainActorConsumer() async throws {
        let loaded = try Loaded("mainactor", ["real/csv-zipline/csvdir_samples__csvdir__daily__KO.csv.gz"])
        var bars: [Bar] = []
        var stream = loaded.data.bars(symbol: "KO", timeframe: .d1)
        stream.chunkSize = 100
        for try await bar in stream {
            MainActor.assertIsolated()
            bars.append(bar)
        }
        #expect(bars == (try loaded.storedBars("KO", .d1)))
    }

    /// Leaving the loop early stops the producer and closes its connection.
    @Test func earlyExitClosesTheConnection() async throws {
        let loaded = try Loaded("early", ["real/csv-zipline/csvdir_samples__csvdir__daily__MSFT.csv.gz"])
        var stream = loaded.data.bars(symbol: "MSFT", timeframe: .d1)
        stream.chunkSize = 10
        stream.bufferedChunks = 1
        var seen = 0
        for try await _ in stream {
            seen += 1
            if seen == 25 { break }
        }
        #expect(seen == 25)
        var open: Int64 = -1
        for _ in 0..<50 {
            open = try loaded.db.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'jutsu-marketdata' AND datname = current_database()")
            if open == 0 { break }
            try await Task.sleep(nanoseconds: 100_000_000)
        }
        #expect(open == 0, "the reader's connection is still open")
    }

    /// A cancelled consumer gets `cancelled`.
    @Test func cancellationEndsTheStream() async throws {
        let loaded = try Loaded("cancel", ["real/csv-zipline/csvdir_samples__csvdir__daily__MSFT.csv.gz"])
        let data = loaded.data
        let task = Task { () async throws(MarketDataError) -> Int in
            var stream = data.bars(symbol: "MSFT", timeframe: .d1)
            stream.chunkSize = 1
            stream.bufferedChunks = 1
            var n = 0
            for try await _ in stream {
                n += 1
                if n == 3 { withUnsafeCurrentTask { $0?.cancel() } }
            }
            return n
        }
        let result = await task.result
        switch result {
        case .success(let n): Issue.record("not cancelled: read \(n) bars")
        case .failure(let error): #expect((error as? MarketDataError)?.code == .cancelled, "\(error)")
        }
    }

    @Test func badSymbolIsAnInvalidRequest() async throws {
        let loaded = try Loaded("badsym", [])
        do {
            _ = try await loaded.read("AA PL;drop", .d1)
            Issue.record("no error")
        } catch let error as MarketDataError {
            #expect(error.code == .invalidRequest)
        }
    }
}
