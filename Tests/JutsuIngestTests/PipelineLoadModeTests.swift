import Foundation
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuTestSupport
import Testing

/// `load.mode`, `load.source_priority`, `validate.rules` severities and `normalize` in pipeline runs.
@Suite struct PipelineLoadModeTests {
    typealias T = PipelineRunTests

    /// One file of six weekday bars of XYZ, 2020-01-02 .. 2020-01-09.
    static func write(_ dir: String, closes: [String] = ["10.5", "10.6", "10.7", "10.8", "10.9", "11"],
                      dates: [String] = ["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07", "2020-01-08", "2020-01-09"]) throws {
        var text = "date,open,high,low,close,volume\n"
        for (d, c) in zip(dates, closes) { text += "\(d),10,12,9,\(c),100\n" }
        try text.write(toFile: dir + "/in/XYZ.csv", atomically: true, encoding: .utf8)
    }

    static func workspace() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mode-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try write(dir)
        return dir
    }

    static func spec(_ dir: String, name: String = "modes", source: String = "csv", mode: LoadMode = .upsert,
                     priority: [String] = []) -> PipelineSpec {
        var spec = T.spec(dir, name: name, lookback: .bars(0))
        spec.source.name = source
        spec.load = LoadSpec(mode: mode, sourcePriority: priority)
        return spec
    }

    static let full = PipelineRunRequest(fullRefresh: true, now: T.now)

    @Test func appendNeverChangesStoredBars() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("append")
        #expect(try T.run(Self.spec(dir, mode: .append), db).totals == .init(read: 6, inserted: 6))
        try Self.write(dir, closes: ["10.5", "11.9", "10.7", "10.8", "10.9", "11", "11.1"],
                       dates: ["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07", "2020-01-08", "2020-01-09", "2020-01-10"])
        let second = try T.run(Self.spec(dir, mode: .append), db, Self.full)
        #expect(second.totals == .init(read: 7, inserted: 1, unchanged: 5, rejected: 1))
        #expect(second.rows.rejectsByReason == ["exists": 1])
        #expect(try db.connect().execute("SELECT close::text FROM market_data WHERE ts = '2020-01-03'").string(0, 0) == "10.600000")
        #expect(try db.scalar("SELECT count(*) FROM rejected_bars WHERE reason_code = 'exists' AND message LIKE '%load.mode append%'") == 1)
    }

    @Test func aLessTrustedSourceDoesNotOverwrite() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("priority")
        _ = try T.run(Self.spec(dir, name: "gold", source: "gold"), db)
        try Self.write(dir, closes: ["10.5", "11.9", "10.7", "10.8", "10.9", "11"])
        let tin = try T.run(Self.spec(dir, name: "tin", source: "tin", priority: ["gold", "tin"]), db)
        #expect(tin.totals == .init(read: 6, unchanged: 5, rejected: 1))
        #expect(tin.rows.rejectsByReason == ["source_priority": 1])
        #expect(try db.connect().execute("SELECT close::text || ' ' || data_source FROM market_data WHERE ts = '2020-01-03'").string(0, 0)
                == "10.600000 gold")
        // Without the priority list the newer row wins and moves to its source.
        let any = try T.run(Self.spec(dir, name: "tin2", source: "tin"), db)
        #expect(any.totals == .init(read: 6, updated: 1, unchanged: 5))
        #expect(try db.metadataMismatches() == 0)
    }

    @Test func replaceRangeDeletesWhatTheSourceNoLongerHas() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("replace")
        _ = try T.run(Self.spec(dir, mode: .replaceRange), db)
        // The vendor withdrew two sessions.
        try Self.write(dir, closes: ["10.5", "10.7", "10.8", "11"], dates: ["2020-01-02", "2020-01-06", "2020-01-07", "2020-01-09"])
        let second = try T.run(Self.spec(dir, mode: .replaceRange), db, Self.full)
        #expect(second.totals == .init(read: 4, unchanged: 4))
        #expect(second.deleted == 2)
        #expect(T.series(second, "XYZ")?.deleted == 2)
        #expect(try db.scalar("SELECT count(*) FROM market_data") == 4)
        #expect(try db.scalar("SELECT bar_count FROM data_metadata WHERE symbol = 'XYZ'") == 4)
        #expect(try db.scalar("SELECT rows_deleted FROM ingest_runs ORDER BY run_id DESC LIMIT 1") == 2)
        #expect(try db.metadataMismatches() == 0)
    }

    @Test func warnRulesStoreAndCountAndNormalizeMapsAndScales() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Prices in cents, one Saturday bar.
        try "date,open,high,low,close,volume\n2020-01-03,1000,1200,900,1050,100\n2020-01-04,1000,1200,900,1060,100\n"
            .write(toFile: dir + "/in/XYZ.csv", atomically: true, encoding: .utf8)
        let db = try TestDatabase("warn")
        var spec = Self.spec(dir)
        spec.validate.rules = [.weekendDailyBar: .warn]
        spec.normalize = NormalizeSpec(priceScale: "0.01", symbolMap: [try Symbol(canonicalizing: "XYZ"): try Symbol(canonicalizing: "XYZ.B")])
        let summary = try T.run(spec, db)
        #expect(summary.totals == .init(read: 2, inserted: 2))
        #expect(summary.warned == 1)
        #expect(summary.series.map(\.symbol) == ["XYZ.B"])
        #expect(try db.connect().execute("SELECT string_agg(close::text, ' ' ORDER BY ts) FROM market_data WHERE symbol = 'XYZ.B'").string(0, 0)
                == "10.500000 10.600000")
        #expect(try db.scalar("SELECT rows_warned FROM ingest_runs") == 1)

        spec.validate.rules = [:]   // the default: error
        let strict = try T.run(spec, db, Self.full)
        #expect(strict.rows.rejectsByReason == ["weekend_daily_bar": 1])
    }
}

@Suite struct PipelineFallbackTests {
    @Test func theFallbackSourceLoadsTheSeriesTheFirstOneFailed() throws {
        let dir = try PipelineLoadModeTests.workspace()   // in/XYZ.csv: six good bars
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The primary vendor's XYZ file is broken (3 of 6 rows rejected); its ABC file is fine.
        try FileManager.default.createDirectory(atPath: dir + "/primary", withIntermediateDirectories: true)
        try "date,open,high,low,close,volume\n2020-01-02,10,8,9,10.5,100\n2020-01-03,10,8,9,10.5,100\n2020-01-06,10,8,9,10.5,100\n2020-01-07,10,12,9,10.5,100\n2020-01-08,10,12,9,10.5,100\n2020-01-09,10,12,9,10.5,100\n"
            .write(toFile: dir + "/primary/XYZ.csv", atomically: true, encoding: .utf8)
        try "date,open,high,low,close,volume\n2020-01-02,10,12,9,10.5,100\n".write(toFile: dir + "/primary/ABC.csv", atomically: true, encoding: .utf8)
        var spec = PipelineRunTests.spec(dir, name: "withfallback")
        spec.source = SourceSpec(kind: .csv, name: "vendor_a", paths: ["primary/*.csv"])
        spec.fallback = SourceSpec(kind: .csv, name: "vendor_b", paths: ["in/*.csv"])
        let db = try TestDatabase("fallback")
        let summary = try PipelineRunTests.run(spec, db)
        #expect(summary.status == .succeeded, "\(summary.error ?? "")")
        let xyz = try #require(PipelineRunTests.series(summary, "XYZ"))
        #expect(xyz.status == .succeeded)
        #expect(xyz.source == "vendor_b")
        #expect(xyz.primaryError?.contains("max_reject_ratio") == true)
        #expect(xyz.rows == .init(read: 12, inserted: 6, rejected: 3, discarded: 3))
        #expect(PipelineRunTests.series(summary, "ABC")?.source == "vendor_a")
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'XYZ' AND data_source = 'vendor_b'") == 6)
        #expect(try PipelineRunTests.runsBalanced(db))
        #expect(try db.connect().execute("SELECT last_status FROM pipeline_series_state WHERE symbol = 'XYZ'").string(0, 0) == "succeeded")
    }
}
