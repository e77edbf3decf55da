import Foundation
import JutsuAuth
import JutsuHTTP
import JutsuReplay
import Testing

/// `jutsu-ingest auth schwab` and `auth status` as a user runs them, against the replay server.
@Suite struct AuthCommandTests {
    /// `JUTSU_TEST_BINARY` (set by scripts/test), else the `jutsu-ingest` built next to this test
    /// bundle (whatever the scratch path).
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["JUTSU_TEST_BINARY"], !path.isEmpty { return path }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // The test binary may sit inside `*.xctest/Contents/MacOS` (macOS).
        while directory.lastPathComponent != "debug" && directory.lastPathComponent != "release" && directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("jutsu-ingest").path
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A pipeline file pointing its token endpoint at the harness, in the harness's directory.
    static func pipeline(_ harness: AuthHarness) throws -> String {
        try FileManager.default.createDirectory(at: harness.directory, withIntermediateDirectories: true)
        let path = harness.directory.appendingPathComponent("schwab-daily.yaml").path
        try """
            name: schwab-daily
            source:
              kind: schwab
              app_key: ${JUTSU_TEST_SCHWAB_APP_KEY}
              app_secret: ${JUTSU_TEST_SCHWAB_APP_SECRET}
              token_url: \(harness.tokenURL)
            symbols: [AAPL]
            timeframe: 1d

            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let credentials = ["JUTSU_TEST_SCHWAB_APP_KEY": appKey, "JUTSU_TEST_SCHWAB_APP_SECRET": appSecret]

    @Test func authSchwabWithRedirectURLWritesTheDefaultTokenFile() throws {
        let harness = try AuthHarness(routes: [AuthHarness.exchangeRoute()])
        defer { harness.stop() }
        let pipeline = try Self.pipeline(harness)
        let out = try Self.run(["auth", "schwab", "--pipeline", pipeline, "--redirect-url", "https://127.0.0.1/?code=C0.cli%40&session=s"],
                               environment: Self.credentials)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("https://api.schwabapi.com/v1/oauth/authorize?client_id=\(appKey)"))
        let tokenFile = harness.directory.appendingPathComponent(".jutsu/schwab-token.json").path
        #expect(out.stdout.contains(tokenFile))
        #expect(out.stdout.contains("valid until"))
        for secret in [appSecret, accessToken1, refreshToken] { #expect(!(out.stdout + out.stderr).contains(secret)) }
        #expect(try mode(of: tokenFile) == 0o600)
        let stored = try #require(try SchwabTokenFile(path: tokenFile).read())
        #expect(stored.accessToken == accessToken1)
        #expect(Dictionary(uniqueKeysWithValues: FormEncoding.decode(try #require(harness.posts.first).body))["code"] == "C0.cli@")

        // `auth status` needs no credentials.
        let status = try Self.run(["auth", "status", "--pipeline", pipeline])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("schwab-daily: valid"))
    }

    @Test func authStatusFailsWithoutATokenFileAndABadRedirectIsAUsageError() throws {
        let harness = try AuthHarness(routes: [AuthHarness.exchangeRoute()])
        defer { harness.stop() }
        let pipeline = try Self.pipeline(harness)
        let status = try Self.run(["auth", "status", "--pipeline", pipeline])
        #expect(status.status == 1)
        #expect(status.stderr.contains("missing"))
        #expect(status.stderr.contains("jutsu-ingest auth schwab --pipeline \(pipeline)"))

        let bad = try Self.run(["auth", "schwab", "--pipeline", pipeline, "--redirect-url", "https://127.0.0.1/?session=s"],
                               environment: Self.credentials)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("no `code`"))
        #expect(harness.posts.isEmpty)
    }
}
