import Foundation
import JutsuHTTP
import JutsuVendors
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `jutsu-replay` executable as the benchmarks run it: a child process, its port on stdout's
/// first line, a request log file. Every wait has a deadline and the child is always killed and
/// reaped, so a server that never answers fails the test instead of hanging it.
@Suite struct ReplayCommandTests {
    static let file = "chart-AAPL-2020-08-31-to-2020-11-07.json"

    /// `JUTSU_TEST_REPLAY_BINARY`, else the `jutsu-replay` built next to this test bundle
    /// (whatever the scratch path), as AuthCommandTests finds `jutsu-ingest`.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["JUTSU_TEST_REPLAY_BINARY"], !path.isEmpty { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test binary may sit inside `*.xctest/Contents/MacOS` (macOS).
        while directory.lastPathComponent != "debug" && directory.lastPathComponent != "release" && directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("jutsu-replay").path
    }

    /// Reads `fd` one byte at a time up to the first newline, waiting at most until `deadline`.
    /// Nil on end of file, a read error or the deadline.
    static func readLine(_ fd: Int32, deadline: Date) -> String? {
        var bytes: [UInt8] = []
        while bytes.count < 4096 {
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { return nil }
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(min(left, 1) * 1000) + 1)
            if polled < 0 && errno == EINTR { continue }
            guard polled >= 0 else { return nil }
            if polled == 0 { continue }
            var byte: UInt8 = 0
            let count = read(fd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            guard count == 1 else { return nil }  // EOF: the child exited
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }

    /// SIGTERM, then SIGKILL if it is still running after `grace` seconds; reaped either way.
    static func stop(_ process: Process, grace: Double = 5) {
        guard process.isRunning else { return }
        // The child may have been started with SIGTERM blocked (Foundation's Process on Linux passes
        // the calling thread's mask on): jutsu-replay unblocks it, other children may not.
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            let hard = Date().addingTimeInterval(grace)
            while process.isRunning && Date() < hard { usleep(10_000) }
        }
    }

    /// Polls `body` until it is true or `seconds` pass.
    static func eventually(_ seconds: Double, _ body: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if body() { return true }
            usleep(20_000)
        }
        return body()
    }

    @Test(.timeLimit(.minutes(1)))
    func servesARecordingFromAScenarioFileAndLogsTheRequest() async throws {
        let binary = Self.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "jutsu-replay not found at \(binary): build it (swift build --build-tests builds it too)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jutsu-replay-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let scenario = directory.appendingPathComponent("scenario.json")
        let log = directory.appendingPathComponent("replay.log")
        let root = realFixtures.appendingPathComponent("yahoo-chart").path
        let scenarioJSON: [String: Any] = [
            "root": root,
            "routes": [["path": aaplPath, "query": ["interval": "1d"], "file": Self.file]],
        ]
        try JSONSerialization.data(withJSONObject: scenarioJSON).write(to: scenario)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--scenario", scenario.path, "--port", "0", "--log", log.path]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            Self.stop(process)
            try? stdout.fileHandleForReading.close()
        }

        // The first line only: the server keeps running (and stdout open) until it is stopped.
        let line = try #require(Self.readLine(stdout.fileHandleForReading.fileDescriptor, deadline: Date().addingTimeInterval(20)),
                                "no port line from jutsu-replay within 20 s")
        let port = try #require(UInt16(line), "first line is not a port: \(line)")
        #expect(port > 0)

        let client = HTTPClient(
            configuration: HTTPClientConfiguration(connectTimeout: 5, totalTimeout: 10, retry: RetryPolicy(maxRetries: 0, baseDelay: 0.01),
                                                   rateLimits: [:]),
            environment: HTTPClientEnvironment(log: { _ in }))
        let query = "?period1=1598832000&period2=1604707200&interval=1d&events=div%2Csplits&includePrePost=false"
        let response = try await client.get(HTTPRequest(url: "http://127.0.0.1:\(port)\(aaplPath)\(query)", source: "yahoo"))
        #expect(response.status == 200)
        #expect(response.attempts == 1)
        // The body is the recording's: it parses to its 49 daily bars.
        let request = try YahooChartRequest(symbol: "AAPL", timeframe: .d1, window: KeyWindow(from: 1_598_832_000, to: 1_604_707_200),
                                            includePrePost: false)
        let parsed = try YahooChart.parse(status: response.status, body: response.body, request: request)
        #expect(parsed.bars.count >= 45)
        #expect(parsed.bars.allSatisfy { $0.symbol.description == "AAPL" })

        // An unknown path is a 404, logged too.
        let missing = try await client.get(HTTPRequest(url: "http://127.0.0.1:\(port)/v8/finance/chart/NOPE?interval=1d", source: "yahoo"))
        #expect(missing.status == 404)

        // The log file has one line per request: time, path (query redacted as needed) and status.
        var lines: [String] = []
        let logged = Self.eventually(5) {
            lines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return lines.count >= 2
        }
        #expect(logged, "log file: \(lines)")
        #expect(lines.count == 2)
        let first = try #require(lines.first)
        #expect(first.contains("GET \(aaplPath)?"))
        #expect(first.contains("interval=1d"))
        #expect(first.hasSuffix("-> 200"))
        #expect(ISO8601DateFormatter.withFractionalSeconds.date(from: String(first.prefix { $0 != " " })) != nil)
        #expect(lines.last?.contains("/v8/finance/chart/NOPE") == true)
        #expect(lines.last?.hasSuffix("-> 404") == true)

        Self.stop(process)
        #expect(!process.isRunning)
        // Stopped by SIGTERM within the grace period, not killed.
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGTERM)
    }

    @Test(.timeLimit(.minutes(1)))
    func aBadScenarioExitsWithUsageInsteadOfAPort() throws {
        let binary = Self.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "jutsu-replay not found at \(binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--scenario", "/nonexistent/scenario.json"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer {
            Self.stop(process)
            try? stdout.fileHandleForReading.close()
        }
        // End of file, not a port, and no wait beyond the deadline.
        #expect(Self.readLine(stdout.fileHandleForReading.fileDescriptor, deadline: Date().addingTimeInterval(20)) == nil)
        #expect(Self.eventually(10) { !process.isRunning })
        if !process.isRunning { #expect(process.terminationStatus == 2) }
    }
}

extension ISO8601DateFormatter {
    static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
