import Foundation
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuStore
import JutsuTestSupport
import Logging
import Testing

/// Pipeline runs on a real server: incremental windows, full refresh, reject ratios, locking.
@Suite struct PipelineRunTests {
    static let now = Int64(Date().timeIntervalSince1970)

    /// A temp directory with copies of the two real zipline inputs (AAPL, BRK.A; 127 rows each).
    static func workspace() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        for name in ["pipeline_inputs__AAPL.csv", "pipeline_inputs__BRK-A.csv"] {
            try FileManager.default.copyItem(atPath: CommandLineTool.fixture("real/csv-zipline/\(name)"), toPath: "\(dir)/in/\(name)")
        }
        return dir
    }

    static func spec(_ dir: String, name: String = "zipline", lookback: Lookback = .bars(5),
                     symbols: SymbolSelection = .fromSource, maxRejectRatio: Double = 0.10) -> PipelineSpec {
        PipelineSpec(name: name, source: SourceSpec(kind: .csv, name: "csv", paths: ["in/*.csv"]), symbols: symbols,
                     timeframe: .d1, lookback: lookback, validate: ValidateSpec(maxRejectRatio: maxRejectRatio),
                     concurrency: 2, file: dir + "/pipeline.yaml")
    }

    static func run(_ spec: PipelineSpec, _ db: TestDatabase, _ request: PipelineRunRequest = PipelineRunRequest(now: now)) throws -> PipelineRunSummary {
        try PipelineRunner(spec: spec, request: request, logger: Logger(label: "test"), connect: { try db.connect() }).run()
    }

    static func series(_ summary: PipelineRunSummary, _ symbol: String) -> PipelineRunSummary.Series? {
        summary.series.first { $0.symbol == symbol }
    }

    static func runsBalanced(_ db: TestDatabase) throws -> Bool {
        try db.scalar("""
            SELECT count(*) FROM ingest_runs
            WHERE rows_read <> rows_inserted + rows_updated + rows_unchanged + rows_rejected + rows_discarded
            """) == 0
    }

    /// Without lookback, a re-run over unchanged files reads nothing: it succeeds with every
    /// known series at 0 rows and their watermarks kept (a schedule re-runs it every fire).
    @Test func aRunWithNothingNewSucceedsAndKeepsTheWatermarks() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("pipenothing")
        let spec = Self.spec(dir, lookback: .bars(0))
        let first = try Self.run(spec, db)
        #expect(first.status == .succeeded, "\(first.error ?? "")")
        let again = try Self.run(spec, db)
        #expect(again.status == .succeeded, "\(again.error ?? "")")
        #expect(again.series.map(\.symbol).sorted() == ["AAPL", "BRK.A"])
        #expect(again.series.allSatisfy { $0.status == .succeeded && $0.rows.read == 0 })
        #expect(try db.scalar("SELECT extract(epoch FROM watermark_ts)::bigint FROM pipeline_series_state WHERE symbol = 'AAPL'")
                == 1_409_270_400)
        #expect(try db.scalar("SELECT count(*) FROM pipeline_series_state WHERE last_status = 'succeeded'") == 2)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 254)
    }

    @Test func incrementalRunReadsNewBarsPlusLookbackAndMovesTheWatermark() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("pipeinc")
        let spec = Self.spec(dir)

        let first = try Self.run(spec, db)
        #expect(first.status == .succeeded, "\(first.error ?? "")")
        #expect(first.totals == .init(read: 254, inserted: 254))
        #expect(Self.series(first, "AAPL")?.basis == "first_run")
        #expect(try db.scalar("SELECT extract(epoch FROM watermark_ts)::bigint FROM pipeline_series_state WHERE symbol = 'AAPL'")
                == 1_409_270_400)   // 2014-08-29

        // The vendor file grows by three sessions.
        let handle = try #require(FileHandle(forWritingAtPath: dir + "/in/pipeline_inputs__AAPL.csv"))
        handle.seekToEndOfFile()
        handle.write(Data("2014-09-02,103.06,103.74,102.72,103.3,53564000\n2014-09-03,103.1,103.2,98.58,98.94,125421000\n2014-09-04,98.85,100.09,97.79,98.12,85718000\n".utf8))
        try handle.close()

        let second = try Self.run(spec, db)
        #expect(second.status == .succeeded, "\(second.error ?? "")")
        let aapl = try #require(Self.series(second, "AAPL"))
        #expect(aapl.basis == "incremental")
        #expect(aapl.rows == .init(read: 8, inserted: 3, unchanged: 5))   // 3 new + lookback 5
        #expect(aapl.from == 1_408_924_800)   // 2014-08-25, the 5th newest stored bar
        #expect(Self.series(second, "BRK.A")?.rows == .init(read: 5, unchanged: 5))
        #expect(second.skipped == 2 * 127 - 10)
        #expect(try db.scalar("SELECT extract(epoch FROM watermark_ts)::bigint FROM pipeline_series_state WHERE symbol = 'AAPL'")
                == 1_409_788_800)   // 2014-09-04
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 257)

        // --full-refresh reads everything again and changes nothing.
        let full = try Self.run(spec, db, PipelineRunRequest(fullRefresh: true, now: Self.now))
        #expect(full.totals == .init(read: 257, unchanged: 257))
        #expect(Self.series(full, "AAPL")?.basis == "full_refresh")
        #expect(try Self.runsBalanced(db))
        #expect(try db.metadataMismatches() == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE pipeline = 'zipline' AND status = 'succeeded'") == 3)
    }

    @Test func lookbackAsTimeAndSinceAndSymbolFilter() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("pipesince")
        _ = try Self.run(Self.spec(dir, lookback: .seconds(7 * 86_400)), db)
        let again = try Self.run(Self.spec(dir, lookback: .seconds(7 * 86_400)), db)
        // 2014-08-22 .. 2014-08-29: six sessions per symbol.
        #expect(Self.series(again, "AAPL")?.rows == .init(read: 6, unchanged: 6))

        let since = try Self.run(Self.spec(dir), db, PipelineRunRequest(
            symbols: [try Symbol(canonicalizing: "BRK-A")], since: CivilDate(year: 2014, month: 8, day: 1), now: Self.now))
        #expect(since.series.map(\.symbol) == ["BRK.A"])
        #expect(Self.series(since, "BRK.A")?.basis == "since")
        #expect(Self.series(since, "BRK.A")?.rows == .init(read: 21, unchanged: 21))
    }

    @Test func seriesAboveTheRejectRatioLoadsNothingButKeepsItsRejects() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A third vendor file: 4 good rows, 2 with high below low (33% rejected).
        try """
            date,open,high,low,close,volume
            2020-01-02,10,11,9,10.5,100
            2020-01-03,10,11,9,10.5,100
            2020-01-06,10,8,9,10.5,100
            2020-01-07,10,11,9,10.5,100
            2020-01-08,10,8,9,10.5,100
            2020-01-09,10,11,9,10.5,100

            """.write(toFile: dir + "/in/BAD.csv", atomically: true, encoding: .utf8)
        let db = try TestDatabase("piperatio")
        // Alone, the series' failure fails the run.
        let alone = try Self.run(Self.spec(dir), db, PipelineRunRequest(symbols: [try Symbol(canonicalizing: "BAD")], now: Self.now))
        #expect(alone.status == .failed)
        #expect(alone.totals == .init(read: 6, rejected: 2, discarded: 4))
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'failed' AND rows_discarded = 4") == 1)

        let summary = try Self.run(Self.spec(dir), db)
        #expect(summary.status == .partial)
        let bad = try #require(Self.series(summary, "BAD"))
        #expect(bad.status == .failed)
        #expect(bad.rows == .init(read: 6, rejected: 2, discarded: 4))
        #expect(bad.error?.contains("max_reject_ratio") == true)
        #expect(Self.series(summary, "AAPL")?.status == .succeeded)
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'BAD'") == 0)
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars WHERE symbol = 'BAD' AND reason_code = 'high_below_low'") == 4)
        #expect(try db.scalar("SELECT count(*) FROM data_audit_log WHERE symbol = 'BAD' AND status = 'failed' AND rows_discarded = 4") == 2)
        #expect(try db.scalar("SELECT consecutive_failures FROM pipeline_series_state WHERE symbol = 'BAD'") == 2)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'partial' AND rows_discarded = 4") == 1)
        #expect(try Self.runsBalanced(db))

        // With a looser threshold the same file loads.
        let loose = try Self.run(Self.spec(dir, maxRejectRatio: 0.5), db)
        #expect(loose.status == .succeeded)
        #expect(Self.series(loose, "BAD")?.rows == .init(read: 6, inserted: 4, rejected: 2))
        #expect(try db.scalar("SELECT consecutive_failures FROM pipeline_series_state WHERE symbol = 'BAD'") == 0)
    }

    @Test func aSecondRunOfTheSamePipelineDoesNotStart() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("pipelock")
        let spec = Self.spec(dir)
        // Another process holds the pipeline (as a running `run` would).
        let other = try db.connect()
        #expect(try PipelineStateStore(connection: other).lock(pipeline: spec.name, wait: false))
        #expect(throws: PipelineRunError.self) { try Self.run(spec, db) }
        do { _ = try Self.run(spec, db) } catch {
            #expect("\(error)".contains("pipeline 'zipline' is already running"))
        }
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        try PipelineStateStore(connection: other).unlock(pipeline: spec.name)
        #expect(try Self.run(spec, db).status == .succeeded)
    }

    @Test func concurrentRunsNeverDoubleLoad() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("pipeconc")
        let spec = Self.spec(dir)
        let outcomes = OutcomeBox()
        let group = DispatchGroup()
        for _ in 0..<2 {
            group.enter()
            Thread {
                defer { group.leave() }
                do { outcomes.add(.success(try Self.run(spec, db, PipelineRunRequest(wait: true, now: Self.now)))) } catch {
                    outcomes.add(.failure(error))
                }
            }.start()
        }
        group.wait()
        let summaries = outcomes.values.compactMap { try? $0.get() }
        #expect(summaries.count == 2, "\(outcomes.values)")
        // One run loaded everything; the other, after waiting, found it all stored.
        #expect(summaries.map(\.totals.inserted).sorted() == [0, 254])
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 254)
        #expect(try db.scalar("SELECT count(*) FROM (SELECT 1 FROM market_data GROUP BY symbol, timeframe, ts HAVING count(*) > 1) d") == 0)
        #expect(try db.metadataMismatches() == 0)
        #expect(try Self.runsBalanced(db))
    }

    @Test func dryRunWritesNothing() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("pipedry")
        let summary = try Self.run(Self.spec(dir), db, PipelineRunRequest(dryRun: true, now: Self.now))
        #expect(summary.totals == .init(read: 254, inserted: 254))
        #expect(summary.runID == nil)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 0)
        #expect(try db.scalar("SELECT count(*) FROM pipeline_series_state") == 0)
    }

    @Test func planShowsWindowsWithoutWriting() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("pipeplan")
        let spec = Self.spec(dir, symbols: .list([try Symbol(canonicalizing: "AAPL"), try Symbol(canonicalizing: "MSFT")]))
        let before = try PipelinePlanner(spec: spec, request: PipelineRunRequest(now: Self.now)).plan(connection: try db.connect())
        #expect(before.series.map(\.symbol) == ["AAPL", "MSFT"])
        #expect(before.series[0].basis == "first_run")
        #expect(before.series[0].rows == 127)
        #expect(before.series[1].rows == 0)   // listed, but no file has it
        let run = try Self.run(spec, db)
        #expect(run.status == .partial)   // MSFT: no rows in the source
        #expect(Self.series(run, "MSFT")?.error == "no rows for this series in the source")
        let after = try PipelinePlanner(spec: spec, request: PipelineRunRequest(now: Self.now)).plan(connection: try db.connect())
        #expect(after.series[0].basis == "incremental")
        #expect(after.series[0].watermark == 1_409_270_400)
        #expect(after.series[0].rows == 5)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs") == 1)
    }
}

extension PipelineRunSummary.Rows {
    init(read: Int64, inserted: Int64 = 0, updated: Int64 = 0, unchanged: Int64 = 0, rejected: Int64 = 0, discarded: Int64 = 0) {
        var counts = LoadCounts()
        counts.read = read - discarded
        counts.inserted = inserted
        counts.updated = updated
        counts.unchanged = unchanged
        counts.rejected = rejected
        self.init(counts, discarded: discarded)
    }
}

final class OutcomeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<PipelineRunSummary, any Error>] = []
    func add(_ r: Result<PipelineRunSummary, any Error>) { lock.lock(); storage.append(r); lock.unlock() }
    var values: [Result<PipelineRunSummary, any Error>] { lock.lock(); defer { lock.unlock() }; return storage }
}
