import Foundation
import Testing

/// `POST /api/v1/pipelines/{name}/runs`: runs, overlap, stopping, and the bearer token.
@Suite struct AdminTriggerTests {
    @Test func aTriggeredRunIsAcceptedAndCompletes() async throws {
        let h = try await AdminHarness.start("admintrigger", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        let reply = try await h.trigger("alpha")
        #expect(reply.status == 202, "\(reply.text)")
        let body = try reply.json()
        let id = try #require(body["run_id"] as? Int)
        #expect(body["pipeline"] as? String == "alpha")
        #expect(body["run"] as? String == "/api/v1/runs/\(id)")
        #expect(reply.headers["location"] == "/api/v1/runs/\(id)")

        #expect(try await RunPolling.finished(h, id) == "succeeded")
        let run = try await h.get("/api/v1/runs/\(id)").json()
        #expect((run["run"] as? [String: Any])?["trigger"] as? String == "api")
        #expect((run["run"] as? [String: Any])?["inserted"] as? Int == 127)
        #expect((run["series"] as? [[String: Any]])?.first?["symbol"] as? String == "AAPL")
        #expect(try h.db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'AAPL'") == 127)
        await h.stop()
    }

    @Test func aSecondTriggerWhileThePipelineRunsIs409() async throws {
        // A FIFO nobody writes: the run blocks in its first read until the test closes it.
        let h = try await AdminHarness.start("adminoverlap", pipelines: ["slow.yaml": AdminHarness.pipeline("slow", file: "in/blocked.csv")],
                                             triggerWait: 1)
        let fifo = h.dir + "/in/blocked.csv"
        #expect(mkfifo(fifo, 0o600) == 0)

        let first = try await h.trigger("slow")
        #expect(first.status == 202, "\(first.text)")
        #expect(try first.json()["status"] as? String == "starting")   // no run row yet after triggerWait
        #expect(try first.json()["run_id"] is NSNull)
        #expect(h.scheduler.runningPipelines["slow"] != nil)

        let second = try await h.trigger("slow")
        #expect(second.status == 409, "\(second.text)")
        #expect(try second.errorCode() == "pipeline_running")
        let pipelines = try await h.get("/api/v1/pipelines").json()
        #expect(((pipelines["items"] as? [[String: Any]])?.first?["running"]) as? Bool == true)
        // The scheduler's own fires wait too: a tick starts nothing of a running pipeline.
        #expect(try h.scheduler.tick(now: Int64(Date().timeIntervalSince1970) + 400 * 86_400).isEmpty)

        // Unblock: open the FIFO for writing and close it (end of file).
        let writer = open(fifo, O_WRONLY)
        #expect(writer >= 0)
        close(writer)
        #expect(await AdminHarness.waitUntil { h.scheduler.runningPipelines.isEmpty })
        await h.stop()
    }

    @Test func noTriggerOnceStopping() async throws {
        let h = try await AdminHarness.start("adminstopping", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        h.scheduler.stop()
        let reply = try await h.trigger("alpha")
        #expect(reply.status == 503, "\(reply.text)")
        #expect(try reply.errorCode() == "stopping")
        #expect(try h.db.scalar("SELECT count(*) FROM ingest_runs") == 0)
        await h.stop()
    }

    @Test func mutatingNeedsTheBearerTokenAndNeverEchoesOrLogsIt() async throws {
        let h = try await AdminHarness.start("adminauth", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")])
        let wrong = "wrong-\(UUID().uuidString)"

        let missing = try await h.trigger("alpha", token: nil)
        #expect(missing.status == 401)
        #expect(try missing.errorCode() == "unauthorized")
        #expect(missing.headers["www-authenticate"]?.hasPrefix("Bearer") == true)

        let bad = try await h.trigger("alpha", token: wrong)
        #expect(bad.status == 401)
        #expect(try bad.errorCode() == "unauthorized")
        #expect(!bad.text.contains(wrong))
        // A prefix of the right token, and the right token under another scheme, are wrong too.
        #expect(try await h.trigger("alpha", token: String(AdminHarness.token.dropLast())).status == 401)
        let basic = try await h.request("POST", "/api/v1/pipelines/alpha/runs", headers: ["Authorization": "Basic \(AdminHarness.token)"])
        #expect(basic.status == 401)
        #expect(!basic.text.contains(AdminHarness.token))
        #expect(try h.db.scalar("SELECT count(*) FROM ingest_runs") == 0)

        // The right token: authorised (here: no such pipeline, 404; then a real run).
        #expect(try await h.trigger("nosuch").status == 404)
        let right = try await h.trigger("alpha")
        #expect(right.status == 202)
        let id = try #require(try right.json()["run_id"] as? Int)
        #expect(try await RunPolling.finished(h, id) == "succeeded")
        #expect(!right.text.contains(AdminHarness.token))

        await h.stop()
        let log = h.log.text
        #expect(log.contains("run triggered"))   // the log was captured, at trace level
        #expect(!log.contains(AdminHarness.token))
        #expect(!log.contains(wrong))
    }

    @Test func withoutAConfiguredTokenMutatingIs403() async throws {
        let h = try await AdminHarness.start("adminnotoken", pipelines: ["alpha.yaml": AdminHarness.pipeline("alpha")], token: nil)
        for token: String? in [nil, "anything"] {
            let reply = try await h.trigger("alpha", token: token)
            #expect(reply.status == 403)
            #expect(try reply.errorCode() == "no_token_configured")
            let message = ((try reply.json()["error"] as? [String: Any])?["message"] as? String) ?? ""
            #expect(message.contains("JUTSU_ADMIN_TOKEN") && message.contains("JUTSU_ADMIN_TOKEN_FILE"))
        }
        // Reads need no token.
        #expect(try await h.get("/api/v1/pipelines").status == 200)
        await h.stop()
    }
}
