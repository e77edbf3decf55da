import Foundation
import JutsuStore
import JutsuTestSupport
import Testing

/// The admin API's read endpoints against a real server on a free port and a real database.
@Suite struct AdminEndpointTests {
    @Test func healthzAndReadyzAnswer() async throws {
        let h = try await AdminHarness.start("adminhealth", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        let health = try await h.get("/healthz")
        #expect(health.status == 200)
        #expect(try health.json()["status"] as? String == "ok")

        let ready = try await h.get("/readyz")
        #expect(ready.status == 200, "\(ready.text)")
        let body = try ready.json()
        #expect(body["status"] as? String == "ready")
        let checks = try #require(body["checks"] as? [String: [String: Any]])
        #expect(Set(checks.keys) == ["database", "migrations", "scheduler", "lifecycle"])
        #expect(checks.values.allSatisfy { $0["ok"] as? Bool == true })
        #expect(body["error"] == nil)
        await h.stop()
    }

    @Test func readyzIs503WhenTheSchedulerDoesNotTickOrTheServiceStops() async throws {
        let h = try await AdminHarness.start("adminnotick", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")], beat: false)
        let silent = try await h.get("/readyz")
        #expect(silent.status == 503)
        #expect(try silent.errorCode() == "not_ready")
        let checks = try #require(try silent.json()["checks"] as? [String: [String: Any]])
        #expect(checks["scheduler"]?["ok"] as? Bool == false)
        #expect(checks["database"]?["ok"] as? Bool == true)

        h.pulse.beat(nextIn: 3600)
        #expect(try await h.get("/readyz").status == 200)
        h.scheduler.stop()
        let stopping = try await h.get("/readyz")
        #expect(stopping.status == 503)
        #expect((try stopping.json()["checks"] as? [String: [String: Any]])?["lifecycle"]?["ok"] as? Bool == false)
        await h.stop()
    }

    @Test func readyzIs503WhenTheDatabaseIsGone() async throws {
        let h = try await AdminHarness.start("admindbgone", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        #expect(try await h.get("/readyz").status == 200)
        let admin = try PGConnectionFactory.admin()
        try admin.execute("DROP DATABASE \(h.db.name) WITH (FORCE)")
        let gone = try await h.get("/readyz")
        #expect(gone.status == 503, "\(gone.text)")
        #expect(try gone.errorCode() == "not_ready")
        let checks = try #require(try gone.json()["checks"] as? [String: [String: Any]])
        #expect(checks["database"]?["ok"] as? Bool == false)
        #expect(checks["migrations"]?["ok"] as? Bool == false)
        // Reads that need the database answer 503 JSON too.
        let runs = try await h.get("/api/v1/runs")
        #expect(runs.status == 503)
        #expect(try runs.errorCode() == "database_unavailable")
        await h.stop()
    }

    @Test func unknownRoutesAndBadParametersAreJSONErrors() async throws {
        let h = try await AdminHarness.start("adminerrors", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        for (path, status, code) in [
            ("/nope", 404, "not_found"), ("/api/v1/runs/12345", 404, "not_found"), ("/api/v1/runs/abc", 400, "bad_request"),
            ("/api/v1/runs?limit=0", 400, "bad_request"), ("/api/v1/runs?limit=501", 400, "bad_request"),
            ("/api/v1/runs?status=nope", 400, "bad_request"), ("/api/v1/runs?since=yesterday", 400, "bad_request"),
            ("/api/v1/runs?cursor=x", 400, "bad_request"), ("/api/v1/freshness?tier=urgent", 400, "bad_request"),
            ("/api/v1/freshness?status=old", 400, "bad_request"), ("/api/v1/freshness?timeframe=7m", 400, "bad_request"),
            ("/api/v1/gaps?since=2024", 400, "bad_request"), ("/api/v1/runs?cursor=5&before=x", 400, "bad_request"),
("/api/v1/freshness?timeframe=", 400, "bad_request"),
        ] {
            let reply = try await h.get(path)
            #expect(reply.status == status, "\(path): \(reply.text)")
            #expect(reply.headers["content-type"] == "application/json", "\(path)")
            let error = try reply.json()["error"] as? [String: Any]
            #expect(error?["code"] as? String == code, "\(path): \(reply.text)")
            #expect((error?["message"] as? String)?.isEmpty == false, "\(path)")
        }
        #expect(try await h.get("/api/v1/runs?cursor=5&before=4").status == 200)
        // A known path with a method it does not take: 405 naming the allowed ones (as schemathesis expects).
        for (method, path, allowed) in [("TRACE", "/readyz", "GET"), ("DELETE", "/api/v1/runs/7", "GET"),
                                        ("GET", "/api/v1/pipelines/alpha/runs", "POST"), ("PUT", "/", "GET")] {
            let reply = try await h.request(method, path)
            #expect(reply.status == 405, "\(method) \(path): \(reply.text)")
            #expect(reply.headers["allow"] == allowed, "\(method) \(path)")
            #expect((try reply.json()["error"] as? [String: Any])?["code"] as? String == "method_not_allowed")
        }
        await h.stop()
    }

    @Test func freshnessIsTheCLIDocumentWithFilters() async throws {
        let h = try await AdminHarness.start("adminfresh", pipelines: [
            "alpha.yaml": AdminHarness.pipeline("alpha"),
            "beta.yaml": AdminHarness.pipeline("beta", file: "in/pipeline_inputs__BRK-A.csv"),
        ])
        for name in ["alpha", "beta"] {
            let started = try await h.trigger(name)
            #expect(started.status == 202, "\(started.text)")
            let id = try #require(try started.json()["run_id"] as? Int)
            #expect(try await RunPolling.finished(h, id) == "succeeded")
        }
        // The snapshot is refreshed in the background (max age 0.2 s here): wait for both series.
        var document: [String: Any] = [:]
        #expect(try await AdminHarness.waitUntil {
            document = try await h.get("/api/v1/freshness").json()
            return (document["results"] as? [[String: Any]])?.count == 2
        })
        let reply = try await h.get("/api/v1/freshness")
        #expect(reply.headers["x-jutsu-snapshot-at"] != nil)
        #expect(Set(document.keys) == ["metadata", "snapshotted_at", "results", "warnings"])

        // The same results as `jutsu-ingest freshness --format json` (less what moves with the clock).
        let cli = try CommandLineTool().run(["freshness", "--format", "json", "--database-url", h.db.url, "--pipelines", h.dir])
        #expect(cli.status == 0, "\(cli.stderr)")
        func stable(_ doc: [String: Any]) -> [NSDictionary] {
            ((doc["results"] as? [[String: Any]]) ?? []).map { row in
                var row = row
                row["snapshotted_at"] = nil
                row["age_seconds"] = nil
                return row as NSDictionary
            }
        }
        #expect(stable(try cli.json()) == stable(document))

        func symbols(_ query: String) async throws -> [String] {
            let reply = try await h.get("/api/v1/freshness?\(query)")
            #expect(reply.status == 200, "\(query): \(reply.text)")
            return ((try reply.json()["results"] as? [[String: Any]]) ?? []).compactMap { $0["symbol"] as? String }.sorted()
        }
        #expect(try await symbols("symbols=AAPL") == ["AAPL"])
        #expect(try await symbols("symbols=brk-a,AAPL") == ["AAPL", "BRK.A"])
        #expect(try await symbols("timeframe=1d").count == 2)
        #expect(try await symbols("timeframe=1h").isEmpty)
        #expect(try await symbols("tier=standard").count == 2)
        #expect(try await symbols("tier=critical").isEmpty)
        let status = try #require((document["results"] as? [[String: Any]])?.first?["status"] as? String)
        #expect(try await symbols("status=\(status)").count >= 1)
        #expect(try await symbols("status=\(status == "fresh" ? "missing" : "fresh")&symbols=AAPL").count <= 1)
        await h.stop()
    }

    @Test func gapsIsTheCLIDocument() async throws {
        let h = try await AdminHarness.start("admingaps", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        let started = try await h.trigger("alpha")
        let id = try #require(try started.json()["run_id"] as? Int)
        #expect(try await RunPolling.finished(h, id) == "succeeded")
        let reply = try await h.get("/api/v1/gaps")
        #expect(reply.status == 200, "\(reply.text)")
        let cli = try CommandLineTool().run(["gaps", "--format", "json", "--database-url", h.db.url, "--pipelines", h.dir])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(try reply.json() as NSDictionary == (try cli.json()) as NSDictionary)
        let series = try #require(try reply.json()["series"] as? [[String: Any]])
        #expect(series.count == 1 && series[0]["symbol"] as? String == "AAPL")
        let filtered = try await h.get("/api/v1/gaps?symbols=MSFT&since=2014-06-01")
        #expect((try filtered.json()["series"] as? [Any])?.isEmpty == true)
        await h.stop()
    }
}

/// Database helpers of the suite.
enum PGConnectionFactory {
    /// The test server's `postgres` database (to drop a test database under a running server).
    static func admin() throws -> JutsuStore.PGConnection {
        try JutsuStore.PGConnection(conninfo: try TestDatabase.serverURL(), database: "postgres")
    }
}

/// Waiting for a run through the API.
enum RunPolling {
    /// The run's final status as `/api/v1/runs/{id}` reports it (nil: still running after 90 s).
    static func finished(_ h: AdminHarness, _ id: Int) async throws -> String? {
        var status: String?
        _ = try await AdminHarness.waitUntil {
            let reply = try await h.get("/api/v1/runs/\(id)")
            status = (try reply.json()["run"] as? [String: Any])?["status"] as? String
            return status != nil && status != "running"
        }
        return status == "running" ? nil : status
    }
}
