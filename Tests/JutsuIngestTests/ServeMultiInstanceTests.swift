import Foundation
import JutsuTestSupport
import Testing

/// Two `jutsu-ingest serve` processes on one database, a pipeline firing every five seconds
/// (`*/5 * * * * *`, a seconds field) for about a minute: every fire in the window is claimed
/// once, runs once (one `ingest_runs` row each) and succeeds; none is missing.
@Suite(.serialized) struct ServeMultiInstanceTests {
    typealias Serve = ServeCommandTests.Serve

    static let period: Int64 = 5
    static let window = 60.0
    static let deadline = 90.0

    @Test func twoInstancesRunEveryFireOfAFiveSecondScheduleExactlyOnce() throws {
        let dir = try ServeCommandTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // A tiny CSV: a run takes well under the period.
        try """
            name: fast
            source:
              kind: csv
              paths: [in/pipeline_inputs__AAPL.csv]
            symbols: from_source
            timeframe: 1d
            schedule:
              cron: "*/\(Self.period) * * * * *"
              catch_up: true

            """.write(toFile: "\(dir)/fast.yaml", atomically: true, encoding: .utf8)
        let db = try TestDatabase("servemulti")
        let a = try Serve(dir, db, instance: "a", tick: 0.5)
        defer { a.kill() }
        let b = try Serve(dir, db, instance: "b", tick: 0.5)
        defer { b.kill() }

        let first = try ServeCommandTests.waitUntil(Self.deadline) {
            try ServeCommandTests.succeededFires(db, "fast") >= 1
        }
        #expect(first, "no fire succeeded:\na:\n\(a.output)\nb:\n\(b.output)")
        #expect(ServeCommandTests.waitUntil(Self.deadline) { a.output.contains("next_fire_utc=") && b.output.contains("next_fire_utc=") })
        Thread.sleep(forTimeInterval: Self.window)
        let stopAt = Int64(Date().timeIntervalSince1970)
        a.signal(SIGTERM)
        b.signal(SIGTERM)
        #expect(a.exitStatus(within: Self.deadline) == 0, "\(a.output)")
        #expect(b.exitStatus(within: Self.deadline) == 0, "\(b.output)")

        let r = try db.connect().execute("""
            SELECT extract(epoch FROM fire_at)::bigint, status, attempts, instance, coalesce(error, '') FROM scheduled_runs
            WHERE pipeline = 'fast' ORDER BY fire_at
            """)
        let fires = (0..<r.rowCount).compactMap { r.int64($0, 0) }
        let report = (0..<r.rowCount).map { "\(r.int64($0, 0) ?? 0) \(r.string($0, 1) ?? "") \(r.int64($0, 2) ?? 0) \(r.string($0, 3) ?? "") \(r.string($0, 4) ?? "")" }
        let firstFire = try #require(fires.first)
        // Every fire from the first one to shortly before the stop (a tick, plus a loaded
        // machine's delay), one row each: none missing, none twice (the key is the fire).
        let expected = Array(stride(from: firstFire, through: stopAt - 3, by: Int(Self.period)))
        #expect(Array(fires.prefix(expected.count)) == expected, "\(report)\na:\n\(a.output)\nb:\n\(b.output)")
        #expect(fires.count >= Int(Self.window) / Int(Self.period) - 1, "\(report)")
        #expect(Set(fires).count == fires.count)
        #expect(fires.allSatisfy { $0 % Self.period == 0 })
        // Each ran once and succeeded, as one pipeline run of its own.
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE status <> 'succeeded' OR attempts <> 1") == 0, "\(report)")
        try ServeCommandTests.expectEachFireRanOnce(db)
        #expect(try ServeCommandTests.succeededFires(db, "fast") == Int64(fires.count))
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status <> 'succeeded'") == 0)
        // Both instances took part in the work (they race for each fire).
        let instances = Set((0..<r.rowCount).compactMap { r.string($0, 3) })
        #expect(instances.isSubset(of: ["a", "b"]))
        // The data: the file once.
        #expect(try ServeCommandTests.rows(db, "AAPL") == 127)
        #expect(try db.metadataMismatches() == 0)
        #expect(a.output.contains("cron=*/5 * * * * *"), "\(a.output)")
        #expect(!a.output.contains("fires come closer together than --tick"), "\(a.output)")
    }
}
