import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JutsuTestSupport
import Testing

/// `jutsu-ingest serve` with its admin API, as a process: --bind, the token from a file, a
/// trigger, SIGTERM; the token in no log line at trace level.
@Suite struct ServeAdminTests {
    static func workspace() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-admin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CommandLineTool.fixture("real/csv-zipline/pipeline_inputs__AAPL.csv"),
                                         toPath: "\(dir)/in/pipeline_inputs__AAPL.csv")
        try AdminHarness.pipeline("alpha").write(toFile: "\(dir)/alpha.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    static func output(_ log: String) -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

    /// The port of `admin_address=127.0.0.1:PORT` in the log.
    static func port(_ log: String) -> Int? {
        let text = output(log)
        guard let range = text.range(of: "admin_address=127\\.0\\.0\\.1:[0-9]+", options: .regularExpression) else { return nil }
        return Int(text[range].split(separator: ":").last ?? "")
    }

    static func call(_ method: String, _ url: String, token: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession(configuration: .ephemeral).data(for: request)
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    static func exitStatus(_ process: Process, within seconds: Double) async -> Int32? {
        guard await AdminHarness.waitUntil(seconds, { !process.isRunning }) else { return nil }
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test func serveAnswersOnItsBindAndStopsCleanly() async throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let token = "file-token-\(UUID().uuidString)"
        try (token + "\n").write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        #expect(chmod(dir + "/token", 0o600) == 0)
        let db = try TestDatabase("serveadmin")
        let log = dir + "/serve.log"
        let process = try CommandLineTool().start(
            ["serve", "--pipelines", dir, "--database-url", db.url, "--tick", "1", "--bind", "127.0.0.1:0", "--log-level", "trace"],
            environment: ["JUTSU_ADMIN_TOKEN_FILE": dir + "/token"], output: log)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        #expect(await AdminHarness.waitUntil { Self.port(log) != nil }, "\(Self.output(log))")
        let base = "http://127.0.0.1:\(try #require(Self.port(log)))"
        #expect(try await Self.call("GET", base + "/healthz").0 == 200)
        #expect(try await AdminHarness.waitUntil { try await Self.call("GET", base + "/readyz").0 == 200 }, "\(Self.output(log))")

        let wrong = "not-\(token)"
        let refused = try await Self.call("POST", base + "/api/v1/pipelines/alpha/runs", token: wrong)
        #expect(refused.0 == 401)
        #expect(!refused.1.contains(wrong))
        let accepted = try await Self.call("POST", base + "/api/v1/pipelines/alpha/runs", token: token)
        #expect(accepted.0 == 202, "\(accepted.1)")
        #expect(try await AdminHarness.waitUntil { try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'succeeded'") == 1 })

        // The real renderers: the dashboard page and the service's Prometheus text.
        let page = try await Self.call("GET", base + "/")
        #expect(page.0 == 200)
        #expect(page.1.contains("<title>jutsu-ingest dashboard</title>") && page.1.contains("data-series=\"AAPL:1d\""), "\(page.1.prefix(500))")
        let metrics = try await Self.call("GET", base + "/metrics")
        #expect(metrics.0 == 200)
        #expect(metrics.1.contains("jutsu_runs_total{") && metrics.1.contains("jutsu_series_status{"), "\(metrics.1.prefix(500))")
        // This instance's scheduler gauges after the database-wide families.
        #expect(metrics.1.contains("\njutsu_scheduler_last_tick_timestamp_seconds ") && metrics.1.contains("\njutsu_scheduler_running{pipeline=\""),
                "\(metrics.1.suffix(800))")

        kill(process.processIdentifier, SIGTERM)
        #expect(await Self.exitStatus(process, within: 90) == 0, "\(Self.output(log))")
        let text = Self.output(log)
        #expect(text.contains("admin API listening") && text.contains("admin_token=configured"))
        #expect(text.contains(" trace "))   // really at trace level
        #expect(!text.contains(token))
        #expect(!text.contains(wrong))
        // Stopped: nothing listens any more.
        await #expect(throws: (any Error).self) { _ = try await Self.call("GET", base + "/healthz") }
    }

    @Test func aTokenFileOthersCanReadIsRefused() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "t0ken\n".write(toFile: dir + "/token", atomically: true, encoding: .utf8)
        #expect(chmod(dir + "/token", 0o644) == 0)
        let out = try CommandLineTool().run(["serve", "--pipelines", dir, "--database-url", "postgresql://nobody@/none?host=/nonexistent"],
                                            environment: ["JUTSU_ADMIN_TOKEN_FILE": dir + "/token"])
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("chmod 600"))
        #expect(!out.stderr.contains("t0ken"))
    }

    @Test func anAddressInUseExitsOne() async throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("serveinuse")
        // A first serve holds a port; a second one asked for the same port cannot start.
        let first = try CommandLineTool().start(
            ["serve", "--pipelines", dir, "--database-url", db.url, "--tick", "1", "--bind", "127.0.0.1:0"], output: dir + "/first.log")
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        #expect(await AdminHarness.waitUntil { Self.port(dir + "/first.log") != nil }, "\(Self.output(dir + "/first.log"))")
        let port = try #require(Self.port(dir + "/first.log"))
        let second = try CommandLineTool().run(["serve", "--pipelines", dir, "--database-url", db.url, "--bind", "127.0.0.1:\(port)"])
        #expect(second.status == 1, "\(second.stderr)")
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(port)"))

        // --bind none: no API, the scheduler alone.
        let quiet = try CommandLineTool().start(
            ["serve", "--pipelines", dir, "--database-url", db.url, "--tick", "1", "--bind", "none", "--instance", "quiet"],
            output: dir + "/quiet.log")
        defer { if quiet.isRunning { kill(quiet.processIdentifier, SIGKILL) } }
        #expect(await AdminHarness.waitUntil { Self.output(dir + "/quiet.log").contains("admin API disabled") })
        kill(quiet.processIdentifier, SIGTERM)
        kill(first.processIdentifier, SIGTERM)
        #expect(await Self.exitStatus(quiet, within: 90) == 0)
        #expect(await Self.exitStatus(first, within: 90) == 0)
    }
}
