import Foundation
import JutsuCore
@testable import JutsuIngest
import JutsuStore
import JutsuTestSupport
import Testing

/// The dashboard of a live `jutsu-ingest serve` (the built binary over the fixture database) in a
/// real headless Chromium (Debian's `chromium`, installed by scripts/install-deps): the DOM
/// Chromium builds from `GET /` (`--dump-dom`, kept as `dashboard.html`) holds the expected
/// `data-status` of every fixture series and `data-state` of its cells, and a screenshot is
/// taken and kept at `$JUTSU_ARTIFACTS_DIR/dashboard.png` (default `.build/artifacts/`) for CI.
/// `JUTSU_CHROMIUM` names another browser binary; `JUTSU_SKIP_BROWSER=1` skips the suite.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["JUTSU_SKIP_BROWSER"] != "1"))
struct DashboardBrowserTests {
    /// A live `jutsu-ingest serve` over the fixture database on a free port, stopped (SIGTERM,
    /// exit 0 expected) after `body` has used its dashboard URL. The page is asked for at the
    /// fixture's instant (`?at=`), as a user looks at a past moment.
    static func withServedDashboard(database db: TestDatabase, _ body: (URL) throws -> Void) throws {
        let dir = try DashboardFixture.pipelinesDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = dir + "/serve.log"
        let serve = try CommandLineTool().start(
            ["serve", "--pipelines", dir, "--database-url", db.url, "--instance", "browser", "--bind", "127.0.0.1:0"], output: log)
        defer {
            if serve.isRunning {
                kill(serve.processIdentifier, SIGKILL)
                serve.waitUntilExit()
            }
        }
        func output() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        func port() -> String? {
            guard let range = output().range(of: "admin_address=127\\.0\\.0\\.1:[0-9]+", options: .regularExpression) else { return nil }
            return String(output()[range].split(separator: ":").last ?? "")
        }
        let deadline = Date().addingTimeInterval(60)
        while port() == nil, serve.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        let bound = try #require(port(), "serve did not report its admin address:\n\(output())")
        try body(try #require(URL(string: "http://127.0.0.1:\(bound)/?at=\(UnixTime.iso8601(DashboardFixture.now))")))
        kill(serve.processIdentifier, SIGTERM)
        let stopBy = Date().addingTimeInterval(60)
        while serve.isRunning, Date() < stopBy { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!serve.isRunning, "serve did not stop on SIGTERM:\n\(output())")
        if !serve.isRunning { #expect(serve.terminationStatus == 0, "\(output())") }
    }

    static var artifactsDirectory: URL {
        if let dir = ProcessInfo.processInfo.environment["JUTSU_ARTIFACTS_DIR"], !dir.isEmpty {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        // Tests/JutsuIngestTests/Service/<this file> -> the package root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/artifacts", isDirectory: true)
    }

    static func chromium() -> String? {
        if let path = ProcessInfo.processInfo.environment["JUTSU_CHROMIUM"], !path.isEmpty { return path }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
            .first(where: FileManager.default.isExecutableFile)
    }

    @Test func chromiumShowsEverySeriesState() throws {
        let browser = try #require(Self.chromium(), "no chromium: run scripts/install-deps (or set JUTSU_SKIP_BROWSER=1)")
        let db = try TestDatabase("browser")
        try DashboardFixture.load(db)
        let artifacts = Self.artifactsDirectory
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        try Self.withServedDashboard(database: db) { url in
            let dom = try Self.run(browser, ["--dump-dom", url.absoluteString])
            #expect(dom.status == 0, "chromium --dump-dom: \(dom.stderr.suffix(2000))")
            try Data(dom.stdout.utf8).write(to: artifacts.appendingPathComponent("dashboard.html"))
            let markup = DashboardMarkup(dom.stdout)
            var states: [String: String] = [:]
            for row in markup.rows { states[row.series] = row.status }
            #expect(states == DashboardFixture.expected, "DOM: \(dom.stdout.prefix(3000))")
            #expect(markup.row("GAPPY:1d")?.cells.first?["data-state"] == "gap")
            #expect(markup.row("GAPPY:1d")?.cells.first?["data-session"] == "2024-01-09")
            #expect(markup.row("STALE:1d")?.cells.contains { $0["data-state"] == "stale" && $0["data-session"] == "2024-01-11" } == true)
            #expect(markup.row("MISSING:1d")?.cells.first?["data-state"] == "missing")
            #expect(markup.row("LOWAGE:1d")?.cells.contains { $0["data-state"] == "aging" } == true)
            #expect(markup.runs.count == 4)

            let screenshot = artifacts.appendingPathComponent("dashboard.png")
            try? FileManager.default.removeItem(at: screenshot)
            let shot = try Self.run(browser, ["--screenshot=\(screenshot.path)", "--window-size=1400,1000", url.absoluteString])
            #expect(shot.status == 0, "chromium --screenshot: \(shot.stderr.suffix(2000))")
            let png = try Data(contentsOf: screenshot)
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
            // IHDR: width and height, big-endian, at bytes 16...23.
            let bytes = Array(png.prefix(24))
            #expect(bytes.count == 24)
            if bytes.count == 24 {
                let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
                #expect(width == 1400 && height == 1000, "\(width)x\(height)")
            }
            // A blank 1400x1000 PNG compresses to a few KB; the page's text, heatmap and timeline do not.
            #expect(png.count > 20_000, "screenshot of \(png.count) bytes looks blank")
        }
    }

    /// Runs headless Chromium with a throwaway profile; stdout and stderr through files (no pipe
    /// to fill up), killed after 120 s.
    static func run(_ browser: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("jutsu-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let out = temp.appendingPathComponent("stdout"), err = temp.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--hide-scrollbars", "--user-data-dir=\(temp.appendingPathComponent("profile").path)"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = temp.path
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Thread.sleep(forTimeInterval: 2)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            Issue.record("chromium did not finish within 120 s")
        }
        process.waitUntilExit()
        return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}
