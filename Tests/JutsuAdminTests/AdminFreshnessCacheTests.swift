import Foundation
@testable import JutsuAdmin
import JutsuStore
import JutsuTestSupport
import Logging
import Testing

/// The freshness snapshot behind `/api/v1/freshness`: one refresh for many readers, no reader
/// waiting once a snapshot exists, gzip for clients that accept it.
@Suite struct AdminFreshnessCacheTests {
    static func seed(_ db: TestDatabase, series: Int) throws {
        try db.connect().execute("""
            INSERT INTO data_metadata (symbol, timeframe, data_source, first_bar_ts, last_bar_ts, bar_count, last_fetch_at)
            SELECT 'S' || lpad(s::text, 4, '0'), '1d', 'bench', '2024-01-02', '2024-01-31', 21, now()
            FROM generate_series(1, \(series)) AS s
            """)
    }

    @Test func manyReadersShareOneRefreshAndNeverWaitOnceASnapshotExists() async throws {
        let db = try TestDatabase("admincache")
        try Self.seed(db, series: 300)
        let pool = ReadPool(size: 2) { try db.connect() }
        defer { pool.close() }
        let cache = FreshnessCache(pool: pool, inputs: FreshnessInputs(), maxAge: 0.5, logger: Logger(label: "test"))

        // 64 readers at once before any snapshot: one refresh, everyone gets its result.
        let first = try await withThrowingTaskGroup(of: Int64.self) { group in
            for _ in 0..<64 { group.addTask { try await cache.snapshot().at } }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(first.count == 1)
        #expect(cache.refreshes == 1)
        let snapshot = try #require(cache.latest)
        #expect(snapshot.rows.count == 300)

        // Older than maxAge: readers get the current snapshot at once and one refresh starts.
        try await Task.sleep(nanoseconds: 1_100_000_000)
        try db.connect().execute("DELETE FROM data_metadata WHERE symbol = 'S0001'")
        let stale = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<32 { group.addTask { try await cache.snapshot().rows.count } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(stale.allSatisfy { $0 == 300 })
        #expect(cache.refreshes == 2)
        #expect(try await AdminHarness.waitUntil(30) { cache.latest?.rows.count == 299 })
    }

    @Test func theWholeReportIsGzippedForClientsThatAcceptIt() async throws {
        let h = try await AdminHarness.start("admingzip", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        try Self.seed(h.db, series: 50)
        #expect(try await AdminHarness.waitUntil {
            (try await h.get("/api/v1/freshness").json()["results"] as? [Any])?.count == 50
        })
        // curl without --compressed: the raw body, then gunzip.
        func curl(_ arguments: String, then filter: String = "") throws -> Data {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "curl -s \(arguments) http://127.0.0.1:\(h.port)/api/v1/freshness \(filter)"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        let headers = String(decoding: try curl("-D - -o /dev/null -H 'Accept-Encoding: gzip'"), as: UTF8.self).lowercased()
        #expect(headers.contains("content-encoding: gzip"), "\(headers)")
        #expect(headers.contains("vary: accept-encoding"))
        let plainHeaders = String(decoding: try curl("-D - -o /dev/null -H 'Accept-Encoding: gzip;q=0, identity'"), as: UTF8.self)
        #expect(!plainHeaders.lowercased().contains("content-encoding"), "\(plainHeaders)")
        let gzipped = try curl("-H 'Accept-Encoding: gzip'", then: "| gzip -dc")
        let plain = try curl("")
        let unzipped = try #require(try JSONSerialization.jsonObject(with: gzipped) as? [String: Any])
        let identity = try #require(try JSONSerialization.jsonObject(with: plain) as? [String: Any])
        #expect((unzipped["results"] as? [Any])?.count == 50)
        #expect((identity["results"] as? [Any])?.count == 50)
        // Filtered answers are plain JSON.
        let filtered = String(decoding: try curl("-D - -o /dev/null -H 'Accept-Encoding: gzip' -G -d symbols=S0001"), as: UTF8.self)
        #expect(!filtered.lowercased().contains("content-encoding"))
        await h.stop()
    }
}
