import JutsuCore
import JutsuStore
import JutsuTestSupport
import Testing
import Foundation

@Suite struct BatchLoaderTests {
    func newRun(_ conn: PGConnection) throws -> Int64 {
        try RunRegistry(connection: conn).start(command: "import", trigger: "test")
    }

    /// (ctid, xmin) of every stored bar: unchanged when nothing was rewritten.
    func rowVersions(_ conn: PGConnection) throws -> [String] {
        let r = try conn.execute("SELECT symbol || ts::text || ctid::text || xmin::text FROM market_data ORDER BY 1")
        return (0..<r.rowCount).map { r.string($0, 0)! }
    }

    @Test func insertsThenReportsUnchangedWithoutRewriting() throws {
        let db = try TestDatabase("load")
        let conn = try db.connect()
        let days = Bars.weekdays(from: Bars.day(2013, 12, 20), count: 30)   // spans two yearly partitions
        let bars = days.map { Bars.bar("AAPL", $0, "523.420044") } + days.map { Bars.bar("BRK.B", $0, "174100") }
        let run1 = try newRun(conn)
        let first = try BatchLoader(connection: conn, runID: run1, operation: "import").load(Bars.batch(bars))
        #expect(first.counts.read == 60 && first.counts.inserted == 60 && first.counts.isBalanced)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 60)
        #expect(try db.metadataMismatches() == 0)
        let before = try rowVersions(conn)

        let run2 = try newRun(conn)
        let second = try BatchLoader(connection: conn, runID: run2, operation: "import").load(Bars.batch(bars))
        #expect(second.counts.unchanged == 60)
        #expect(second.counts.inserted == 0 && second.counts.updated == 0)
        #expect(try rowVersions(conn) == before, "identical data must not rewrite rows")
        #expect(try db.scalar("SELECT rows_unchanged FROM ingest_runs WHERE run_id = \(run2)") == 60)
        #expect(try db.scalar("SELECT count(*) FROM data_audit_log WHERE run_id = \(run2)") == 2)
    }

    /// One batch whose rows name their data sources (a legacy series that switched vendors):
    /// each row is stored with its own source, metadata per (series, source) equals a recount,
    /// and a later batch with the sources swapped on some keys moves them.
    @Test func rowsOfSeveralSourcesInOneBatch() throws {
        let db = try TestDatabase("srcs")
        let conn = try db.connect()
        let days = Bars.weekdays(from: Bars.day(2015, 1, 5), count: 12)
        let schwab = DataSourceName("schwab")!, yahoo = DataSourceName("yahoo")!
        func batch(_ pick: (Int) -> DataSourceName, close: String) -> LoadBatch {
            var b = LoadBatch(origin: "test", dataSource: schwab)
            for (i, ts) in days.enumerated() { b.append(Bars.bar("SPY", ts, close), line: Int64(i + 1), source: pick(i)) }
            return b
        }
        let first = batch({ $0 < 4 || $0 >= 8 ? schwab : yahoo }, close: "200")
        #expect(first.sources == [schwab, yahoo] && first.sourceOf.count == 12)
        let r1 = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "migrate").load(first)
        #expect(r1.counts.inserted == 12 && r1.counts.isBalanced)
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE data_source = 'yahoo'") == 4)
        #expect(try db.scalar("SELECT bar_count FROM data_metadata WHERE data_source = 'schwab'") == 8)
        #expect(try db.scalar("SELECT bar_count FROM data_metadata WHERE data_source = 'yahoo'") == 4)
        #expect(try db.metadataMismatches() == 0)

        // Now every row from yahoo with another close: the schwab rows move over.
        let second = batch({ _ in yahoo }, close: "201")
        let r2 = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "migrate").load(second)
        #expect(r2.counts.updated == 12)
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE data_source = 'yahoo'") == 12)
        #expect(try db.metadataMismatches() == 0)
        // Split and rejoined, a batch keeps each row's source.
        let parts = first.split(parts: 2) { $0.ts < days[6] ? 0 : 1 }
        var joined = parts[0]
        joined.append(contentsOf: parts[1])
        #expect((0..<12).map { joined.sources[joined.sourceIndex(ofRow: $0)] } == (0..<12).map { $0 < 4 || $0 >= 8 ? schwab : yahoo })
    }

    @Test func exactPricesRoundTrip() throws {
        let db = try TestDatabase("prices")
        let conn = try db.connect()
        let texts = ["0.000001", "1", "10000", "12345.678901", "999999999999.999999", "0.5", "1234.5", "100000000.000100", "7.000010"]
        let days = Bars.weekdays(from: Bars.day(2020, 1, 6), count: texts.count)
        let bars = zip(days, texts).map { ts, text -> Bar in
            let p = Bars.price(text)
            return Bar(symbol: try! Symbol(canonicalizing: "X"), timeframe: .d1, ts: ts, open: p, high: p, low: p, close: p, volume: 1)
        }
        _ = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(Bars.batch(bars))
        let r = try conn.execute("SELECT open::text FROM market_data ORDER BY ts")
        #expect((0..<r.rowCount).map { r.string($0, 0)! } == texts.map { Bars.price($0).description })
    }

    @Test func changedRowsAreUpdatedAndOnlyThose() throws {
        let db = try TestDatabase("upd")
        let conn = try db.connect()
        let days = Bars.weekdays(from: Bars.day(2014, 3, 3), count: 10)
        let bars = days.map { Bars.bar("MSFT", $0, "40") }
        _ = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(Bars.batch(bars))
        var revised = bars
        revised[3].close = Bars.price("40.5")
        revised[3].high = Bars.price("42")
        let newDay = Bars.bar("MSFT", Bars.day(2014, 3, 31), "41")
        let result = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import")
            .load(Bars.batch(revised + [newDay], source: "yahoo"))
        #expect(result.counts.updated == 1)
        #expect(result.counts.unchanged == 9)
        #expect(result.counts.inserted == 1)
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE data_source = 'yahoo'") == 2)
        #expect(try db.metadataMismatches() == 0)
        // The merge turned hash and merge joins off for its own statements only.
        let settings = try conn.execute("SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin')")
        #expect(settings.string(0, 0) == "on" && settings.string(0, 1) == "on")
    }

    @Test func laterDuplicateInALaterBatchWins() throws {
        let db = try TestDatabase("dup")
        let conn = try db.connect()
        let run = try newRun(conn)
        let loader = BatchLoader(connection: conn, runID: run, operation: "import")
        let ts = Bars.day(2015, 6, 1)
        _ = try loader.load(Bars.batch([Bars.bar("KO", ts, "40")]))
        let second = try loader.load(Bars.batch([Bars.bar("KO", ts, "41")], supersedes: [0]))
        #expect(second.counts.read == 1 && second.counts.rejected == 1)
        #expect(second.counts.rejectsByReason["duplicate"] == 1)
        #expect(try conn.execute("SELECT close::text FROM market_data").string(0, 0) == "41.000000")
        let totals = try conn.execute("SELECT rows_read, rows_inserted, rows_rejected FROM ingest_runs WHERE run_id = \(run)")
        #expect(totals.int64(0, 0) == 2 && totals.int64(0, 1) == 1 && totals.int64(0, 2) == 1)
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars WHERE reason_code = 'duplicate'") == 1)
    }

    /// A few rows spread over a long stored stretch (late corrections) are looked up key by key
    /// in their leaves, not by reading the stretch back: changed ones updated, the same ones
    /// unchanged, across several yearly leaves.
    @Test func sparseLateRowsAreComparedKeyByKey() throws {
        let db = try TestDatabase("sparse")
        let conn = try db.connect()
        let days = Bars.weekdays(from: Bars.day(2016, 1, 4), count: 1_000)
        _ = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(Bars.batch(days.map { Bars.bar("IBM", $0) }))
        let picked = [3, 260, 520, 777, 999].map { days[$0] }
        let late = picked.enumerated().map { i, ts in Bars.bar("IBM", ts, i % 2 == 0 ? "11" : "10") }
        let r = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(Bars.batch(late))
        #expect(r.counts.updated == 3)
        #expect(r.counts.unchanged == 2)
        #expect(r.counts.inserted == 0)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 1_000)
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE close = 11") == 3)
        #expect(try db.scalar("SELECT count(DISTINCT tableoid) FROM market_data WHERE close = 11") == 3)
        #expect(try db.metadataMismatches() == 0)
    }

    @Test func staleMetadataFallsBackToComparingEveryRow() throws {
        let db = try TestDatabase("stale")
        let conn = try db.connect()
        let bars = Bars.weekdays(from: Bars.day(2016, 1, 4), count: 5).map { Bars.bar("IBM", $0) }
        _ = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(Bars.batch(bars))
        try conn.execute("DELETE FROM data_metadata")
        let again = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(Bars.batch(bars))
        #expect(again.counts.unchanged == 5)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 5)
    }

    @Test func rejectsAndCorporateActionsCommitWithTheBatch() throws {
        let db = try TestDatabase("rej")
        let conn = try db.connect()
        var batch = Bars.batch([Bars.bar("AAPL", Bars.day(2014, 6, 9), "92.7")])
        batch.rejects.append(RejectRecord(location: "test.csv:7", symbol: "AAPL", timeframe: .d1, rawText: "2014-06-10,x\t\\y",
                                          reason: .badNumber, message: "field 'open' value 'x': not a number"))
        batch.corporateActions.append(CorporateAction(symbol: try Symbol(canonicalizing: "AAPL"),
                                                      exDate: CivilDate(year: 2014, month: 6, day: 9)!, kind: .split, value: Bars.price("7")))
        let result = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(batch)
        #expect(result.counts.read == 2 && result.counts.rejected == 1 && result.counts.inserted == 1)
        let reject = try conn.execute("SELECT source_location, raw_text, reason_code FROM rejected_bars")
        #expect(reject.string(0, 0) == "test.csv:7")
        #expect(reject.string(0, 1) == "2014-06-10,x\t\\y")
        #expect(reject.string(0, 2) == "bad_number")
        #expect(try conn.execute("SELECT value::text FROM corporate_actions WHERE kind = 'split'").string(0, 0) == "7.000000")
    }

    @Test func failedBatchLeavesNothingBehind() throws {
        let db = try TestDatabase("atomic")
        let conn = try db.connect()
        let run = try newRun(conn)
        // A volume the schema refuses makes the COPY fail after other rows were sent.
        var bars = Bars.weekdays(from: Bars.day(2017, 1, 2), count: 20).map { Bars.bar("GE", $0) }
        bars[19].volume = -1
        #expect(throws: StoreError.self) {
            _ = try BatchLoader(connection: conn, runID: run, operation: "import").load(Bars.batch(bars))
        }
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        #expect(try db.scalar("SELECT count(*) FROM data_metadata") == 0)
        #expect(try db.scalar("SELECT rows_read FROM ingest_runs WHERE run_id = \(run)") == 0)
    }

    @Test func partitionPruningKeepsToOneLeaf() throws {
        let db = try TestDatabase("prune")
        let conn = try db.connect()
        var bars: [Bar] = []
        for year in 2012...2015 {
            bars += Bars.weekdays(from: Bars.day(year, 3, 1), count: 3).map { Bars.bar("AAPL", $0) }
        }
        bars += [Bars.bar("AAPL", Bars.day(2014, 3, 3) + 13 * 3600 + 1800, timeframe: .m1)]
        _ = try BatchLoader(connection: conn, runID: try newRun(conn), operation: "import").load(Bars.batch(bars))
        let plan = try conn.execute("""
            EXPLAIN (COSTS OFF) SELECT * FROM market_data
            WHERE symbol = 'AAPL' AND timeframe = '1d' AND ts >= '2014-01-01' AND ts < '2014-12-31'
            """)
        let text = (0..<plan.rowCount).map { plan.string($0, 0)! }.joined(separator: "\n")
        #expect(text.contains("market_data_1d_2014"))
        for other in ["market_data_1d_2012", "market_data_1d_2013", "market_data_1d_2015", "market_data_1m"] {
            #expect(!text.contains(other), "plan scans \(other):\n\(text)")
        }
        #expect(try db.scalar("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'market\\_data\\_1d\\_%'") == 4)
    }

    @Test func abandonedRunsAreMarkedAborted() throws {
        let db = try TestDatabase("abort")
        var owner: PGConnection? = try db.connect()
        let run = try RunRegistry(connection: owner!).start(command: "import", trigger: "test")
        let other = try db.connect()
        #expect(try RunRegistry(connection: other).abortAbandonedRuns().isEmpty, "a live run is not aborted")
        owner = nil   // the process holding the run goes away
        _ = owner
        var aborted: [Int64] = []
        for _ in 0..<50 where aborted.isEmpty {   // the server notices the closed session asynchronously
            aborted = try RunRegistry(connection: other).abortAbandonedRuns()
            if aborted.isEmpty { usleep(20_000) }
        }
        #expect(aborted == [run])
        #expect(try other.execute("SELECT status FROM ingest_runs WHERE run_id = \(run)").string(0, 0) == "aborted")
    }
}
