import Foundation
import JutsuTestSupport
import Testing

/// `jutsu-ingest serve` as a process: the start-up catch-up of a `* * * * *` pipeline over the
/// CSV fixtures, two instances on one database, SIGHUP, a bad file, SIGTERM.
///
/// Every wait has a deadline far above what a loaded machine needs; every process is killed at
/// the end of its test whatever happened.
@Suite struct ServeCommandTests {
    /// A running `serve`, its stdout and stderr in a file.
    final class Serve {
        let process: Process
        let log: String

        init(_ dir: String, _ db: TestDatabase, instance: String, tick: Double = 1, extra: [String] = []) throws {
            log = "\(dir)/serve-\(instance).log"
            process = try CommandLineTool().start(
                // Any free port for the admin API: tests run in parallel, two instances per test.
                ["serve", "--pipelines", dir, "--database-url", db.url, "--instance", instance, "--tick", "\(tick)",
                 "--bind", "127.0.0.1:0"] + extra,
                output: log)
        }

        var output: String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }

        func signal(_ number: Int32) { Foundation.kill(process.processIdentifier, number) }

        /// The exit status, or nil when the process still runs after `seconds`.
        func exitStatus(within seconds: Double) -> Int32? {
            guard ServeCommandTests.waitUntil(seconds, { !process.isRunning }) else { return nil }
            process.waitUntilExit()
            return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
        }

        /// Kills the process if it still runs (always called at the end of a test).
        func kill() {
            if process.isRunning {
                Foundation.kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    /// Polls `condition` every 0.2 s for up to `seconds`.
    static func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return try condition()
    }

    /// Generous: the debug binary migrates, ticks and loads a few hundred rows on a busy machine.
    static let deadline = 90.0

    /// A temp directory with the two zipline CSV fixtures in `in/`.
    static func workspace() throws -> String { try PipelineRunTests.workspace() }

    /// A pipeline reading one fixture file, due every minute, caught up at start-up.
    static func writePipeline(_ dir: String, name: String, symbolFile: String) throws {
        try """
            name: \(name)
            source:
              kind: csv
              paths: [in/pipeline_inputs__\(symbolFile).csv]
            symbols: from_source
            timeframe: 1d
            schedule:
              cron: "* * * * *"
              catch_up: true

            """.write(toFile: "\(dir)/\(name).yaml", atomically: true, encoding: .utf8)
    }

    /// Fires of `pipeline` that succeeded with a run of trigger `schedule`.
    static func succeededFires(_ db: TestDatabase, _ pipeline: String) throws -> Int64 {
        try db.scalar("""
            SELECT count(*) FROM scheduled_runs s JOIN ingest_runs r USING (run_id)
            WHERE s.pipeline = '\(pipeline)' AND s.status = 'succeeded' AND r.status = 'succeeded'
              AND r.trigger = 'schedule' AND r.pipeline = '\(pipeline)'
            """)
    }

    static func rows(_ db: TestDatabase, _ symbol: String) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM market_data WHERE symbol = '\(symbol)'")
    }

    /// Every scheduled run is finished and is exactly one `ingest_runs` row of trigger `schedule`.
    static func expectEachFireRanOnce(_ db: TestDatabase) throws {
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE status <> 'succeeded'") == 0)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE attempts <> 1") == 0)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs")
                == db.scalar("SELECT count(*) FROM ingest_runs WHERE trigger = 'schedule'"))
        #expect(try db.scalar("SELECT count(DISTINCT run_id) FROM scheduled_runs") == db.scalar("SELECT count(*) FROM scheduled_runs"))
    }

    @Test func serveRunsTheCatchUpFireAndStopsOnSigterm() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.writePipeline(dir, name: "alpha", symbolFile: "AAPL")
        let db = try TestDatabase("serveone")
        let startedAt = Int64(Date().timeIntervalSince1970)
        let serve = try Serve(dir, db, instance: "one")
        defer { serve.kill() }

        let ran = try Self.waitUntil(Self.deadline) { try Self.succeededFires(db, "alpha") >= 1 }
        #expect(ran, "no scheduled run succeeded:\n\(serve.output)")
        // The catch-up fire is the minute before start-up (or the start-up minute itself).
        #expect(try db.scalar("SELECT extract(epoch FROM min(fire_at))::bigint FROM scheduled_runs") <= startedAt)
        #expect(try Self.rows(db, "AAPL") == 127)

        serve.signal(SIGTERM)
        #expect(serve.exitStatus(within: Self.deadline) == 0, "\(serve.output)")
        try Self.expectEachFireRanOnce(db)
        let output = serve.output
        #expect(output.contains("serve started"))
        #expect(output.contains("pipeline=alpha") && output.contains("next_fire_utc=") && output.contains("next_fire_local="))
        #expect(output.contains("scheduled run finished"))
        #expect(output.contains("SIGTERM: stopping"))
    }

    @Test func twoInstancesOnOneDatabaseRunTheFireOnce() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.writePipeline(dir, name: "alpha", symbolFile: "AAPL")
        let db = try TestDatabase("servetwo")
        let a = try Serve(dir, db, instance: "a")
        defer { a.kill() }
        let b = try Serve(dir, db, instance: "b")
        defer { b.kill() }

        let ran = try Self.waitUntil(Self.deadline) { try Self.succeededFires(db, "alpha") >= 1 }
        #expect(ran, "no scheduled run succeeded:\na:\n\(a.output)\nb:\n\(b.output)")
        // Both are up and ticking (each has logged its schedule) before they are stopped.
        #expect(Self.waitUntil(Self.deadline) { a.output.contains("next_fire_utc=") && b.output.contains("next_fire_utc=") })
        a.signal(SIGTERM)
        b.signal(SIGTERM)
        #expect(a.exitStatus(within: Self.deadline) == 0, "\(a.output)")
        #expect(b.exitStatus(within: Self.deadline) == 0, "\(b.output)")

        try Self.expectEachFireRanOnce(db)
        // The catch-up fire: one claim, one run, whichever instance won it.
        #expect(try db.scalar("""
            SELECT count(*) FROM scheduled_runs
            WHERE fire_at = (SELECT min(fire_at) FROM scheduled_runs) AND instance IN ('a', 'b')
            """) == 1)
        #expect(try Self.rows(db, "AAPL") == 127)
    }

    @Test func sighupLoadsAnAddedPipelineAndCatchesItUp() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.writePipeline(dir, name: "alpha", symbolFile: "AAPL")
        let db = try TestDatabase("servehup")
        let serve = try Serve(dir, db, instance: "hup")
        defer { serve.kill() }
        #expect(try Self.waitUntil(Self.deadline) { try Self.succeededFires(db, "alpha") >= 1 }, "\(serve.output)")
        #expect(try Self.rows(db, "BRK.A") == 0)

        try Self.writePipeline(dir, name: "beta", symbolFile: "BRK-A")
        serve.signal(SIGHUP)
        let caughtUp = try Self.waitUntil(Self.deadline) { try Self.succeededFires(db, "beta") >= 1 }
        #expect(caughtUp, "the added pipeline did not run:\n\(serve.output)")
        #expect(try Self.rows(db, "BRK.A") == 127)
        #expect(serve.process.isRunning)

        serve.signal(SIGTERM)
        #expect(serve.exitStatus(within: Self.deadline) == 0, "\(serve.output)")
        try Self.expectEachFireRanOnce(db)
        #expect(serve.output.contains("pipelines reloaded"))
    }

    @Test func aBadPipelineFileIsReportedAndTheGoodOneRuns() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.writePipeline(dir, name: "alpha", symbolFile: "AAPL")
        try "name: broken\nsource: {kind: nosuchkind}\ntimeframe: 1d\n".write(toFile: dir + "/broken.yaml", atomically: true, encoding: .utf8)
        let db = try TestDatabase("servebad")
        let serve = try Serve(dir, db, instance: "bad")
        defer { serve.kill() }
        #expect(try Self.waitUntil(Self.deadline) { try Self.succeededFires(db, "alpha") >= 1 }, "\(serve.output)")
        // file:line:col: message
        #expect(serve.output.range(of: "\(dir)/broken.yaml:[0-9]+:[0-9]+: ", options: .regularExpression) != nil, "\(serve.output)")
        serve.signal(SIGTERM)
        #expect(serve.exitStatus(within: Self.deadline) == 0, "\(serve.output)")
    }

    /// A pipeline whose input is a FIFO nobody writes: its run blocks until the process dies.
    static func blockedWorkspace() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-fifo-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        #expect(mkfifo(dir + "/in/pipeline_inputs__AAPL.csv", 0o600) == 0)
        try writePipeline(dir, name: "alpha", symbolFile: "AAPL")
        return dir
    }

    static func runningClaims(_ db: TestDatabase) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM scheduled_runs WHERE status = 'running'")
    }

    @Test func aRunStillGoingAtTheShutdownDeadlineExitsOneAndLeavesItsClaimToLapse() throws {
        let dir = try Self.blockedWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("servedeadline")
        let serve = try Serve(dir, db, instance: "slow", extra: ["--shutdown-timeout", "2"])
        defer { serve.kill() }
        #expect(try Self.waitUntil(Self.deadline) { try Self.runningClaims(db) == 1 }, "\(serve.output)")

        serve.signal(SIGTERM)
        #expect(serve.exitStatus(within: Self.deadline) == 1, "\(serve.output)")
        #expect(serve.output.contains("shutdown timeout: runs still going"))
        // Not finished, not released: the lease runs out and any instance takes the fire over.
        #expect(try Self.runningClaims(db) == 1)
    }

    @Test func aSecondSigtermStopsWithoutWaitingForRuns() throws {
        let dir = try Self.blockedWorkspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("servetwice")
        let serve = try Serve(dir, db, instance: "twice", extra: ["--shutdown-timeout", "3600"])
        defer { serve.kill() }
        #expect(try Self.waitUntil(Self.deadline) { try Self.runningClaims(db) == 1 }, "\(serve.output)")

        serve.signal(SIGTERM)
        #expect(Self.waitUntil(Self.deadline) { serve.output.contains("SIGTERM: stopping") }, "\(serve.output)")
        #expect(serve.process.isRunning)   // waiting for the blocked run
        serve.signal(SIGINT)
        #expect(serve.exitStatus(within: Self.deadline) == 1, "\(serve.output)")
        #expect(serve.output.contains("stopped by a second signal"))
    }

    @Test func noScheduledPipelineIsAUsageError() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "name: manual\nsource: {kind: csv, paths: [\"in/*.csv\"]}\nsymbols: from_source\ntimeframe: 1d\n"
            .write(toFile: dir + "/manual.yaml", atomically: true, encoding: .utf8)
        // Never gets as far as the database.
        let out = try CommandLineTool().run(["serve", "--pipelines", dir, "--database-url", "postgresql://nobody@/none?host=/nonexistent"])
        #expect(out.status == 2, "\(out.stderr)")
        #expect(out.stderr.contains("no valid pipeline with a schedule"))
    }
}
