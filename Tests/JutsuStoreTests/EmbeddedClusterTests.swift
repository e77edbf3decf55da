import Foundation
import Testing

@testable import JutsuStore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Database locator")
struct DatabaseLocatorTests {
    let project = "/srv/quant/project"

    private func resolve(flag: String? = nil, _ environment: [String: String]) throws -> DatabaseTarget {
        try DatabaseLocator.resolve(flag: flag, environment: environment, projectDirectory: project,
                                    startEmbedded: false)
    }

    @Test func flagWinsOverEverything() throws {
        let target = try resolve(flag: "postgresql://u:pw@flag/db",
                                 ["DATABASE_URL": "postgresql://env/db", "PGHOST": "pghost"])
        #expect(target.origin == .flag)
        #expect(target.conninfo == "postgresql://u:pw@flag/db")
        #expect(!target.redactedDescription.contains("pw"))
        #expect(target.redactedDescription.contains("flag/db"))
    }

    @Test func databaseURLWinsOverLibpqVariables() throws {
        let target = try resolve(["DATABASE_URL": "host=env password=hunter2", "PGHOST": "pghost"])
        #expect(target.origin == .environmentURL)
        #expect(target.conninfo == "host=env password=hunter2")
        #expect(!target.redactedDescription.contains("hunter2"))
    }

    @Test(arguments: ["PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGSERVICE"])
    func libpqVariableSelectsLibpqEnvironment(name: String) throws {
        let target = try resolve([name: "x-value", "PGAPPNAME": "a"])
        #expect(target.origin == .libpqEnvironment)
        #expect(target.conninfo == "")
        #expect(target.redactedDescription.contains(name))
        #expect(target.redactedDescription.contains("x-value") == (name != "PGPASSWORD"))
    }

    @Test func emptyAndTuningOnlyVariablesFallThroughToEmbedded() throws {
        let target = try resolve(flag: "", ["DATABASE_URL": "", "PGHOST": "", "PGSSLMODE": "require", "PGAPPNAME": "x"])
        #expect(target.origin == .embedded(dataDirectory: project + "/.jutsu/pg/data"))
        #expect(target.conninfo.contains("dbname=jutsu"))
        #expect(target.conninfo.contains("user=postgres"))
        // startEmbedded: false touches nothing.
        #expect(!FileManager.default.fileExists(atPath: project + "/.jutsu"))
    }

    @Test func projectDirectoryPrefersJutsuHome() {
        #expect(DatabaseLocator.projectDirectory(environment: ["JUTSU_HOME": "/data/j"], currentDirectory: "/cwd") == "/data/j")
        #expect(DatabaseLocator.projectDirectory(environment: ["JUTSU_HOME": ""], currentDirectory: "/cwd") == "/cwd")
        #expect(DatabaseLocator.embeddedRoot(projectDirectory: "/cwd/") == "/cwd/.jutsu/pg")
    }

    @Test(arguments: [
        ("postgresql://u:secret@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgres://u:se@cret@h1,h2/db?sslmode=require", "postgres://u:***@h1,h2/db?sslmode=require"),
        ("postgresql://u@h/db?password=secret&sslmode=require", "postgresql://u@h/db?password=***&sslmode=require"),
        ("postgresql://h/db?sslpassword=k&pass%77ord=x", "postgresql://h/db?sslpassword=***&pass%77ord=***"),
        ("postgresql://u:p@h?password=q", "postgresql://u:***@h?password=***"),
        ("postgresql://user@host/db", "postgresql://user@host/db"),
        ("host=h password=secret dbname=d", "host=h password=*** dbname=d"),
        ("host=h password = 'se cr\\'et' user=u", "host=h password = *** user=u"),
        ("password=a\\ b host=h", "password=*** host=h"),
        ("host='/tmp/x y' port=5432", "host='/tmp/x y' port=5432"),
        ("", ""),
    ])
    func redactionHidesPasswordsOnly(input: String, expected: String) {
        #expect(DatabaseLocator.redact(input) == expected)
    }
}

@Suite("Embedded cluster layout")
struct EmbeddedClusterLayoutTests {
    @Test func portIsStableAndInRange() {
        let a = EmbeddedClusterLayout(root: "/nonexistent/one/.jutsu/pg")
        let b = EmbeddedClusterLayout(root: "/nonexistent/one/.jutsu/pg/")
        let c = EmbeddedClusterLayout(root: "/nonexistent/two/.jutsu/pg")
        #expect((20000...29999).contains(a.port))
        #expect(a == b)
        #expect(a.hash != c.hash)
        #expect(a.socketDirectory == "/nonexistent/one/.jutsu/pg/run")
        #expect(a.conninfo() == "host=/nonexistent/one/.jutsu/pg/run port=\(a.port) dbname=jutsu user=postgres")
    }

    @Test func longOrOddPathsPutTheSocketInTmp() {
        let long = EmbeddedClusterLayout(root: "/nonexistent/" + String(repeating: "deep/", count: 20) + ".jutsu/pg")
        #expect(long.socketDirectory == "/tmp/jutsu-" + long.hash)
        let comma = EmbeddedClusterLayout(root: "/nonexistent/a,b/.jutsu/pg")
        #expect(comma.socketDirectory.hasPrefix("/tmp/jutsu-"))
        let spaced = EmbeddedClusterLayout(root: "/nonexistent/my project/.jutsu/pg")
        #expect(spaced.conninfo().hasPrefix("host='/nonexistent/my project/.jutsu/pg/run' "))
    }

    @Test func versionOutputParses() {
        #expect(PostgresBinaries.parseMajor(fromVersionOutput: "pg_ctl (PostgreSQL) 16.4\n") == 16)
        #expect(PostgresBinaries.parseMajor(fromVersionOutput: "pg_ctl (PostgreSQL) 17beta1") == 17)
        #expect(PostgresBinaries.parseMajor(fromVersionOutput: "nonsense") == nil)
    }
}

/// Real clusters: initdb, pg_ctl and psql from the installed PostgreSQL (scripts/install-deps).
@Suite("Embedded cluster")
struct EmbeddedClusterTests {
    /// A short, fresh project directory (socket paths must stay short): inside
    /// scripts/test's temp dir when there is one, whose teardown then also stops any
    /// cluster a test interrupted by Ctrl-C left running; else under /tmp.
    private func makeProject(mode: Int = 0o755) throws -> String {
        let base = ProcessInfo.processInfo.environment["JUTSU_TEST_PGDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let dir = base + "/jt-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: mode])
        return dir
    }

    private func psql(_ conninfo: String, _ sql: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func createsStartsReusesAndStops() throws {
        let project = try makeProject()
        let cluster = EmbeddedCluster(root: DatabaseLocator.embeddedRoot(projectDirectory: project))
        defer {
            try? cluster.destroy()
            try? FileManager.default.removeItem(atPath: project)
        }
        #expect(!cluster.isInitialized)
        #expect(cluster.status().isRunning == false)

        // Two callers at once (as two CLI processes would): one initdb, one server.
        let results = ResultBox()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            results.append(Result { try cluster.ensureRunning() })
        }
        let conninfos = try results.values.map { try $0.get() }
        #expect(conninfos.count == 2 && conninfos[0] == conninfos[1])
        let conninfo = conninfos[0]
        #expect(cluster.isInitialized)

        let first = cluster.status()
        #expect(first.isRunning)
        #expect(first.pid != nil)
        #expect(first.serverVersion?.hasPrefix("1") == true)
        #expect(first.conninfo == conninfo)
        #expect(FileManager.default.fileExists(atPath: first.logFile))

        let one = try psql(conninfo, "select 1")
        #expect(one.status == 0 && one.output == "1", "\(one.output)")
        #expect(try psql(conninfo, "create table marker(x int)").status == 0)

        // Reuse: same server, same port, no second initdb (the marker table survives).
        #expect(try cluster.ensureRunning() == conninfo)
        let second = cluster.status()
        #expect(second.port == first.port && second.pid == first.pid)

        // Stopped, then started again on demand with its data.
        try cluster.stop()
        #expect(cluster.status().isRunning == false)
        try cluster.stop()  // stopping a stopped cluster is fine
        #expect(try cluster.ensureRunning() == conninfo)
        #expect(cluster.status().port == first.port)
        #expect(try psql(conninfo, "select count(*) from marker").output == "0")

        // After a machine restart postmaster.pid (and the socket's lock file) name a
        // process that is gone; the next start must cope.
        let pidFile = first.dataDirectory + "/postmaster.pid"
        let lockFile = first.socketDirectory + "/.s.PGSQL.\(first.port).lock"
        let livePidFile = try String(contentsOfFile: pidFile, encoding: .utf8)
        let liveLockFile = try String(contentsOfFile: lockFile, encoding: .utf8)
        try cluster.stop()
        let gonePid: Substring = "999999"
        #expect(kill(999_999, 0) != 0)
        for (path, live) in [(pidFile, livePidFile), (lockFile, liveLockFile)] {
            let stale = ([gonePid] + live.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()).joined(separator: "\n")
            try stale.write(toFile: path, atomically: false, encoding: .utf8)
        }
        #expect(cluster.status().isRunning == false)
        #expect(try cluster.ensureRunning() == conninfo)
        #expect(try psql(conninfo, "select count(*) from marker").output == "0")

        try cluster.stop()
        #expect(cluster.status().isRunning == false)
    }

    /// As root, a project the postgres user cannot reach (e.g. under /root) gets its
    /// cluster in /var/lib/jutsu-ingest/<hash>, recorded in LOCATION.
    @Test(.enabled(if: geteuid() == 0, "only root relocates"))
    func relocatesWhenPostgresCannotReachTheProject() throws {
        let project = try makeProject(mode: 0o700)
        let root = DatabaseLocator.embeddedRoot(projectDirectory: project)
        let cluster = EmbeddedCluster(root: root)
        defer {
            try? cluster.destroy()
            try? FileManager.default.removeItem(atPath: project)
        }
        let target = try DatabaseLocator.resolve(flag: nil, environment: [:], projectDirectory: project)
        let status = cluster.status()
        #expect(status.isRelocated)
        #expect(status.isRunning)
        #expect(status.dataDirectory.hasPrefix("/var/lib/jutsu-ingest/"))
        #expect(target.origin == .embedded(dataDirectory: status.dataDirectory))
        let location = try String(contentsOfFile: root + "/LOCATION", encoding: .utf8)
        #expect(location.trimmingCharacters(in: .whitespacesAndNewlines) + "/data" == status.dataDirectory)
        #expect(try psql(target.conninfo, "select current_database()").output == "jutsu")

        let relocatedDirectory = (status.dataDirectory as NSString).deletingLastPathComponent
        try cluster.destroy()
        #expect(!FileManager.default.fileExists(atPath: relocatedDirectory))
        #expect(!FileManager.default.fileExists(atPath: root))
    }
}

/// Collects results from concurrent callers.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Result<String, any Error>] = []

    func append(_ result: Result<String, any Error>) {
        lock.lock(); defer { lock.unlock() }
        stored.append(result)
    }

    var values: [Result<String, any Error>] {
        lock.lock(); defer { lock.unlock() }
        return stored
    }
}
