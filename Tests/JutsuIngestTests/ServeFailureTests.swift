import Foundation
import JutsuTestSupport
import Testing

/// `jutsu-ingest serve` when things break mid-run (docs/operations.md, "Failures"): the instance
/// running a fire is killed (another takes the fire over once the lease passed), PostgreSQL is
/// restarted under a loading run (the service recovers by itself). In both, every row of the
/// input ends up stored exactly once.
///
/// The runs load a generated CSV in batches of 10 rows (one transaction each), so they are
/// mid-run for seconds; every wait has a deadline; every process is killed at the end.
@Suite(.serialized) struct ServeFailureTests {
    typealias Serve = ServeCommandTests.Serve

    static let rowCount = 20_000
    static let deadline = 150.0

    /// A temp dir with `in/pipeline_inputs__BIG.csv`: `rowCount` valid weekday bars from 1930,
    /// and pipeline `big` over it (daily at 00:00 UTC, caught up at start-up: the fire of today
    /// runs at once and stays the pipeline's due fire all day; batches of 10 rows).
    static func workspace() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("serve-fail-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        var csv = "day,open,high,low,close,volume\n"
        csv.reserveCapacity(rowCount * 48)
        var day = 0   // days since 1930-01-01 (a Wednesday)
        var written = 0
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = calendar.date(from: DateComponents(year: 1930, month: 1, day: 1))!
        let formatter = DateFormatter()
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd"
        while written < rowCount {
            let weekday = (3 + day) % 7   // 0 = Sunday; 1930-01-01 is a Wednesday (3)
            if weekday != 0 && weekday != 6 {
                let date = start.addingTimeInterval(Double(day) * 86_400)
                let base = 100 + written % 50
                csv += "\(formatter.string(from: date)),\(base).5,\(base + 2),\(base - 1),\(base + 1),\(1000 + written)\n"
                written += 1
            }
            day += 1
        }
        try csv.write(toFile: dir + "/in/pipeline_inputs__BIG.csv", atomically: true, encoding: .utf8)
        try """
            name: big
            source:
              kind: csv
              paths: [in/pipeline_inputs__BIG.csv]
            symbols: from_source
            timeframe: 1d
            load:
              batch_size: 10
            schedule:
              cron: "0 0 * * *"
              catch_up: true

            """.write(toFile: "\(dir)/big.yaml", atomically: true, encoding: .utf8)
        return dir
    }

    static func rows(_ db: TestDatabase) throws -> Int64 {
        try db.scalar("SELECT count(*) FROM market_data WHERE symbol = 'BIG'")
    }

    /// Every row once, metadata exact, no run left `running`, counters balanced.
    static func expectStoredOnce(_ db: TestDatabase) throws {
        #expect(try rows(db) == Int64(rowCount))
        #expect(try db.scalar("SELECT count(*) FROM (SELECT DISTINCT symbol, timeframe, ts FROM market_data) k") == Int64(rowCount))
        #expect(try db.metadataMismatches() == 0)
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'running'") == 0)
        #expect(try db.scalar("""
            SELECT count(*) FROM ingest_runs WHERE rows_read <> rows_inserted + rows_updated + rows_unchanged + rows_rejected
            """) == 0)
        #expect(try db.scalar("SELECT coalesce(sum(rows_inserted), 0) FROM ingest_runs") == Int64(rowCount))
    }

    /// Waits (only in the last three minutes of a UTC day, up to them) so that today's fire is
    /// still the pipeline's due fire when its lease runs out (a later fire would supersede it).
    static func waitUntilTodaysFireStaysDue() {
        _ = ServeCommandTests.waitUntil(200) {
            let second = Int(Date().timeIntervalSince1970) % 86_400
            return second >= 5 && second < 86_400 - 180
        }
    }

    @Test func aKilledInstancesFireIsTakenOverAndCompletedOnce() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("servekill")
        Self.waitUntilTodaysFireStaysDue()
        let a = try Serve(dir, db, instance: "a", extra: ["--lease", "3"])
        defer { a.kill() }
        let b = try Serve(dir, db, instance: "b", extra: ["--lease", "3"])
        defer { b.kill() }

        // Whichever instance claimed the catch-up fire is loading it: kill that one mid-run.
        let loading = try ServeCommandTests.waitUntil(Self.deadline) {
            try db.scalar("SELECT count(*) FROM scheduled_runs WHERE status = 'running'") == 1 && Self.rows(db) >= 100
        }
        #expect(loading, "no run got going:\na:\n\(a.output)\nb:\n\(b.output)")
        let holder = try #require(try db.connect().execute("SELECT instance FROM scheduled_runs WHERE status = 'running'").string(0, 0))
        let (victim, survivor) = holder == "a" ? (a, b) : (b, a)
        victim.kill()
        let atKill = try Self.rows(db)
        #expect(atKill < Int64(Self.rowCount), "the run finished before it could be killed; make the input bigger")

        // The survivor takes the fire over once the lease passed and completes it.
        let takenOver = try ServeCommandTests.waitUntil(Self.deadline) {
            try db.scalar("""
                SELECT count(*) FROM scheduled_runs
                WHERE fire_at = (SELECT min(fire_at) FROM scheduled_runs) AND status = 'succeeded' AND attempts = 2
                """) == 1
        }
        #expect(takenOver, "the fire was not taken over:\nsurvivor:\n\(survivor.output)")
        #expect(survivor.output.contains("took over a scheduled run whose lease expired"), "\(survivor.output)")
        let instance = try db.connect().execute("""
            SELECT instance FROM scheduled_runs WHERE fire_at = (SELECT min(fire_at) FROM scheduled_runs)
            """).string(0, 0)
        #expect(instance == (holder == "a" ? "b" : "a"))

        survivor.signal(SIGTERM)
        #expect(survivor.exitStatus(within: Self.deadline) == 0, "\(survivor.output)")
        try Self.expectStoredOnce(db)
        // The killed run is closed as aborted by the next run; its committed batches were kept.
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'aborted'") == 1)
        #expect(try db.scalar("SELECT rows_inserted FROM ingest_runs WHERE status = 'aborted'") >= 100)
    }

    /// A second throwaway server (scripts/pg-test-server) this test may stop and start.
    final class OwnServer {
        let dir: String
        let port: String
        let url: String
        static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/pg-test-server").path

        init() throws {
            let out = try Self.bash("\"$0\" start", args: [Self.script])
            func value(_ name: String) -> String? {
                guard let range = out.range(of: "\(name)=") else { return nil }
                let rest = out[range.upperBound...]
                return String(rest.prefix { $0 != " " && $0 != "\n" })
            }
            guard let dir = value("JUTSU_TEST_PGDIR"), let port = value("JUTSU_TEST_PGPORT") else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "pg-test-server start: \(out)"])
            }
            self.dir = dir
            self.port = port
            url = "postgresql://postgres@/postgres?host=\(dir)&port=\(port)"
        }

        /// Runs `bash -c script args...` to its end; its stdout. Not through Foundation's
        /// `Process`: its exit monitor missed this child's exit once (the test hung in
        /// `waitUntilExit` with the child a zombie), so posix_spawn and our own waitpid.
        @discardableResult
        static func bash(_ script: String, args: [String]) throws -> String {
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("pgctl-\(UUID().uuidString).out").path
            defer { try? FileManager.default.removeItem(atPath: out) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            let argv = ["/bin/bash", "-c", script] + args
            var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
            defer { cArgs.forEach { free($0) } }
            var pid: pid_t = 0
            let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, &cArgs, environ)
            guard spawned == 0 else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "posix_spawn bash: \(spawned)"])
            }
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }

        /// `pg_ctl` on this server, as the script runs it (as `postgres` when root). The script
        /// is sourced with `$0` = `pgctl`: sourced with its own path as `$0` it acts as a command.
        func pgctl(_ arguments: String) throws {
            let out = try Self.bash("""
                source "$1"; d="$2"; p="$3"
                pg_test__as_server_user "$(pg_test_bindir)/pg_ctl" -D "$d/data" -l "$d/server.log" -w -t 60 \(arguments) >&2 \
                    && echo pgctl-ok
                """, args: ["pgctl", Self.script, dir, port])
            guard out.contains("pgctl-ok") else {
                throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "pg_ctl \(arguments) failed"])
            }
        }

        func stopFast() throws { try pgctl("-m fast stop") }

        func start() throws {
            try pgctl("""
                -o "-c listen_addresses='' -k $d -p $p -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                -c max_connections=100 -c shared_buffers=256MB" start
                """)
        }

        func remove() { _ = try? Self.bash("\"$0\" stop \"$1\"", args: [Self.script, dir]) }
    }

    @Test func serveRecoversFromADatabaseRestartMidRun() throws {
        let server = try OwnServer()
        defer { server.remove() }
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try TestDatabase("serverestart", serverURL: server.url)
        Self.waitUntilTodaysFireStaysDue()
        let serve = try Serve(dir, db, instance: "restart", extra: ["--lease", "3"])
        defer { serve.kill() }

        let loading = try ServeCommandTests.waitUntil(Self.deadline) { try Self.rows(db) >= 100 }
        #expect(loading, "no run got going:\n\(serve.output)")
        let beforeStop = try Self.rows(db)
        try server.stopFast()
        Thread.sleep(forTimeInterval: 2)
        try server.start()
        #expect(beforeStop < Int64(Self.rowCount), "the run finished before the database stopped; make the input bigger")

        // The service comes back by itself and some fire completes the data.
        let done = ServeCommandTests.waitUntil(Self.deadline) {
            guard let stored = try? Self.rows(db), stored == Int64(Self.rowCount) else { return false }
            return (try? db.scalar("""
                SELECT count(*) FROM scheduled_runs s JOIN ingest_runs r USING (run_id)
                WHERE s.status = 'succeeded' AND r.status = 'succeeded'
                """)) ?? 0 >= 1
        }
        #expect(done, "the data was not completed after the restart:\n\(serve.output)")
        #expect(serve.process.isRunning, "\(serve.output)")
        serve.signal(SIGTERM)
        #expect(serve.exitStatus(within: Self.deadline) == 0, "\(serve.output)")
        try Self.expectStoredOnce(db)
        #expect(try db.scalar("SELECT count(*) FROM scheduled_runs WHERE status = 'running'") == 0)
        // Recovered within the fire: the run the restart broke was started again by the same
        // claim (not failed, not taken over), and the broken run is closed `aborted`.
        let output = serve.output
        #expect(output.contains("database went away during the scheduled run; running it again"), "\(output)")
        #expect(try db.scalar("""
            SELECT count(*) FROM scheduled_runs
            WHERE fire_at = (SELECT min(fire_at) FROM scheduled_runs) AND status = 'succeeded' AND attempts = 1
            """) == 1, "\(output)")
        #expect(try db.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'aborted'") >= 1)
        if ProcessInfo.processInfo.environment["JUTSU_TEST_PRINT_SERVE_LOG"] != nil { print(output) }
    }
}
