import Foundation
import JutsuStore
import Testing

/// `/api/v1/runs` pages and filters, `/api/v1/runs/{id}` details, `/api/v1/pipelines`.
@Suite struct AdminRunsTests {
    /// Twelve finished runs: pipeline `odd`/`even`, every third `failed`, started 19 h ago (run 1)
    /// to 8 h ago (run 12), one hour apart.
    static func seedRuns(_ h: AdminHarness) throws {
        try h.db.connect().execute("""
            INSERT INTO ingest_runs (command, pipeline, trigger, status, started_at, finished_at)
            SELECT 'run', CASE WHEN g % 2 = 0 THEN 'even' ELSE 'odd' END, 'test',
                   CASE WHEN g % 3 = 0 THEN 'failed' ELSE 'succeeded' END, now() - (20 - g) * interval '1 hour', now()
            FROM generate_series(1, 12) AS g ORDER BY g
            """)
    }

    static func ids(_ reply: Reply) throws -> [Int] {
        ((try reply.json()["items"] as? [[String: Any]]) ?? []).compactMap { $0["run_id"] as? Int }
    }

    @Test func runsArePagedByCursorAndFiltered() async throws {
        let h = try await AdminHarness.start("adminruns", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        try Self.seedRuns(h)

        let all = try await h.get("/api/v1/runs")
        #expect(all.status == 200)
        #expect(try Self.ids(all) == Array((1...12).reversed()))
        #expect(try all.json()["limit"] as? Int == 50)
        #expect(try all.json()["next_cursor"] is NSNull)

        var pages: [[Int]] = []
        var cursor: Int?
        repeat {
            let reply = try await h.get("/api/v1/runs?limit=5" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(reply.status == 200, "\(reply.text)")
            pages.append(try Self.ids(reply))
            cursor = try reply.json()["next_cursor"] as? Int
        } while cursor != nil && pages.count < 10
        #expect(pages == [[12, 11, 10, 9, 8], [7, 6, 5, 4, 3], [2, 1]])
        #expect(try Self.ids(await h.get("/api/v1/runs?before=5&limit=2")) == [4, 3])

        #expect(try Self.ids(await h.get("/api/v1/runs?pipeline=even")) == [12, 10, 8, 6, 4, 2])
        #expect(try Self.ids(await h.get("/api/v1/runs?status=failed")) == [12, 9, 6, 3])
        #expect(try Self.ids(await h.get("/api/v1/runs?status=failed&pipeline=odd")) == [9, 3])
        let since = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-10.5 * 3600))
        #expect(try Self.ids(await h.get("/api/v1/runs?since=\(since)")) == [12, 11, 10])
        #expect(try Self.ids(await h.get("/api/v1/runs?pipeline=nobody")).isEmpty)

        let item = try #require((try all.json()["items"] as? [[String: Any]])?.first)
        for key in ["run_id", "pipeline", "command", "trigger", "status", "started_at", "finished_at", "duration_seconds", "read",
                    "inserted", "updated", "unchanged", "rejected", "discarded", "deleted", "error"] {
            #expect(item.keys.contains(key), "\(key)")
        }
        await h.stop()
    }

    @Test func aRunHasItsSeriesAndItsRejectsByReason() async throws {
        let h = try await AdminHarness.start("adminrun", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        try Self.seedRuns(h)
        try h.db.connect().execute("""
            INSERT INTO data_audit_log (run_id, symbol, timeframe, data_source, operation, status, rows_read, rows_inserted,
                                        rows_rejected, first_bar_ts, last_bar_ts)
            VALUES (1, 'AAPL', '1d', 'csv', 'run', 'succeeded', 14, 10, 4, '2024-01-02', '2024-01-19');
            INSERT INTO rejected_bars (run_id, source_location, symbol, timeframe, raw_text, reason_code, message)
            SELECT 1, 'in/a.csv:' || g, 'AAPL', '1d', 'x', CASE WHEN g < 4 THEN 'high_below_low' ELSE 'future_timestamp' END, 'm'
            FROM generate_series(1, 4) AS g;
            """)
        let reply = try await h.get("/api/v1/runs/1")
        #expect(reply.status == 200, "\(reply.text)")
        let body = try reply.json()
        #expect((body["run"] as? [String: Any])?["run_id"] as? Int == 1)
        let series = try #require(body["series"] as? [[String: Any]])
        #expect(series.count == 1)
        #expect(series.first?["symbol"] as? String == "AAPL")
        #expect(series.first?["inserted"] as? Int == 10)
        #expect(series.first?["first_bar"] as? String == "2024-01-02T00:00:00Z")
        let rejects = try #require(body["rejects"] as? [String: Any])
        #expect(rejects["total"] as? Int == 4)
        let byReason = try #require(rejects["by_reason"] as? [[String: Any]])
        #expect(byReason.map { $0["reason"] as? String ?? "" } == ["high_below_low", "future_timestamp"])
        #expect(byReason.map { $0["count"] as? Int ?? 0 } == [3, 1])

        let empty = try await h.get("/api/v1/runs/2")
        #expect((try empty.json()["series"] as? [Any])?.isEmpty == true)
        #expect(((try empty.json()["rejects"] as? [String: Any])?["total"]) as? Int == 0)
        let missing = try await h.get("/api/v1/runs/999")
        #expect(missing.status == 404)
        #expect(try missing.errorCode() == "not_found")
        await h.stop()
    }

    @Test func pipelinesListScheduleNextFireAndLastRun() async throws {
        let h = try await AdminHarness.start("adminpipes", pipelines: [
            "alpha.yaml": AdminHarness.pipeline("alpha"),
            "beta.yaml": AdminHarness.pipeline("beta", cron: "*/5 * * * *"),
        ])
        let started = try await h.trigger("alpha")
        let id = try #require(try started.json()["run_id"] as? Int)
        #expect(try await RunPolling.finished(h, id) == "succeeded")

        let reply = try await h.get("/api/v1/pipelines")
        #expect(reply.status == 200, "\(reply.text)")
        let items = try #require(try reply.json()["items"] as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: items.map { ($0["name"] as? String ?? "", $0) })
        #expect(Set(byName.keys) == ["alpha", "beta"])
        let alpha = try #require(byName["alpha"])
        #expect((alpha["schedule"] as? [String: Any])?["cron"] as? String == "0 0 1 1 *")
        #expect((alpha["schedule"] as? [String: Any])?["timezone"] as? String == "UTC")
        #expect((alpha["next_fire"] as? String)?.hasSuffix("-01-01T00:00:00Z") == true)
        #expect(alpha["running"] as? Bool == false)
        #expect(alpha["running_since"] is NSNull)
        #expect((alpha["last_run"] as? [String: Any])?["run_id"] as? Int == id)
        #expect((alpha["last_run"] as? [String: Any])?["trigger"] as? String == "api")
        #expect(byName["beta"]?["last_run"] is NSNull)
        #expect((byName["beta"]?["file"] as? String)?.hasSuffix("/beta.yaml") == true)
        await h.stop()
    }
}
