import Foundation
import JutsuAuth
import JutsuHTTP
import JutsuReplay
import Testing

let appKey = "test-app-key-K3y"
let appSecret = "test-app-secret-S3cr3t"
let accessToken1 = "I0.access-token-one@"
let accessToken2 = "I0.access-token-two@"
let refreshToken = "refresh-token-R3fr3sh@"
let tokenPath = "/v1/oauth/token"

/// Lines the client logs, collected for assertions.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

/// A replay server answering the token endpoint and a client pointed at it, plus a fresh
/// directory for the token file.
struct AuthHarness {
    let server: ReplayServer
    let client: HTTPClient
    let clientLog = LogLines()
    let directory: URL

    init(routes: [ReplayScenario.Route]) throws {
        server = ReplayServer(scenario: ReplayScenario(routes: routes), root: FileManager.default.temporaryDirectory)
        try server.start()
        let clientLog = self.clientLog
        client = HTTPClient(
            configuration: HTTPClientConfiguration(totalTimeout: 10, retry: RetryPolicy(maxRetries: 3, baseDelay: 0.01), rateLimits: [:]),
            environment: HTTPClientEnvironment(log: { clientLog.append($0) }))
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("jutsu-auth-\(UUID().uuidString)")
    }

    var tokenURL: String { server.baseURL + tokenPath }
    var tokenFile: String { directory.appendingPathComponent("secrets/schwab-token.json").path }

    func oauth(now: @escaping @Sendable () -> Date = Date.init) -> SchwabOAuth {
        SchwabOAuth(appKey: appKey, appSecret: appSecret, tokenURL: tokenURL, redirectURI: "https://127.0.0.1", client: client, now: now)
    }

    func provider(margin: Double = 300, now: @escaping @Sendable () -> Date = Date.init) -> SchwabTokenProvider {
        SchwabTokenProvider(tokenFile: tokenFile, appKey: appKey, appSecret: appSecret, tokenURL: tokenURL, client: client,
                            refreshMargin: margin, now: now)
    }

    /// Token requests the server got.
    var posts: [ReplayLogEntry] { server.log.filter { $0.method == "POST" } }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The token response of a code exchange or a refresh.
    static func grant(access: String, refresh: String = refreshToken) -> String {
        #"{"expires_in":1800,"token_type":"Bearer","scope":"api","refresh_token":"\#(refresh)","access_token":"\#(access)","id_token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.e30.c2ln"}"#
    }

    static func exchangeRoute(access: String = accessToken1) -> ReplayScenario.Route {
        ReplayScenario.Route(method: "POST", path: tokenPath, body: grant(access: access), form: ["grant_type": "authorization_code"])
    }

    static func refreshRoute(access: String = accessToken2, faults: [ReplayScenario.Fault]? = nil, status: Int? = nil,
                             body: String? = nil) -> ReplayScenario.Route {
        ReplayScenario.Route(method: "POST", path: tokenPath, body: body ?? grant(access: access), status: status, faults: faults,
                             form: ["grant_type": "refresh_token"])
    }

    /// A stored token obtained at `obtained`, authorized at `authorized`.
    func store(access: String = accessToken1, obtained: Date, authorized: Date? = nil) throws {
        let authorized = authorized ?? obtained
        try SchwabTokenFile(path: tokenFile).write(SchwabToken(
            accessToken: access, refreshToken: refreshToken, accessExpiresAt: obtained + 1800,
            refreshExpiresAt: authorized + SchwabToken.refreshTokenLifetime, obtainedAt: obtained, authorizedAt: authorized))
    }
}

/// A settable clock.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ start: Date) { current = start }
    var now: Date { lock.lock(); defer { lock.unlock() }; return current }
    func advance(_ seconds: TimeInterval) { lock.lock(); current += seconds; lock.unlock() }
    var function: @Sendable () -> Date { { self.now } }
}

/// 2026-11-08T14:00:00Z, whole seconds (the file keeps whole seconds).
let start = Date(timeIntervalSince1970: 1_794_146_400)

func mode(of path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
