import Foundation
import JutsuHTTP
import JutsuReplay
import Testing

/// `<repo>/fixtures/real`, found from this source file.
let realFixtures: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.appendingPathComponent("fixtures/real")
}()

let aaplFile = "chart-AAPL-2020-01-01-to-2020-01-03.json"
let aaplPath = "/v8/finance/chart/AAPL"

/// Lines the client logs, collected for assertions.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

/// An in-process replay server over `fixtures/real/yahoo-chart` and a client pointed at it with
/// millisecond backoff and no rate limit unless given.
struct Harness {
    let server: ReplayServer
    let client: HTTPClient
    let clientLog = LogLines()
    let serverLog = LogLines()

    init(routes: [ReplayScenario.Route], retry: RetryPolicy = RetryPolicy(maxRetries: 5, baseDelay: 0.01),
         rateLimits: [String: RateLimit] = [:], totalTimeout: Double = 10, maxIdleConnectionAge: Int = 86_400) throws {
        let serverLog = self.serverLog
        server = ReplayServer(scenario: ReplayScenario(routes: routes), root: realFixtures.appendingPathComponent("yahoo-chart"),
                              log: { serverLog.append($0) })
        try server.start()
        let clientLog = self.clientLog
        client = HTTPClient(
            // Connections never age out here: under a full parallel test run this test's task can
            // wait minutes for a thread between two requests, past libcurl's default 118 s.
            configuration: HTTPClientConfiguration(totalTimeout: totalTimeout, retry: retry, rateLimits: rateLimits,
                                                   maxIdleConnectionAge: maxIdleConnectionAge),
            environment: HTTPClientEnvironment(log: { clientLog.append($0) }))
    }

    func url(_ pathAndQuery: String) -> String { server.baseURL + pathAndQuery }

    func get(_ pathAndQuery: String, source: String = "yahoo", headers: [HTTPHeader] = [], secrets: [String] = []) async throws -> HTTPResponse {
        try await client.get(HTTPRequest(url: url(pathAndQuery), headers: headers, source: source, secrets: secrets))
    }

    /// The recording's body as the server sends it.
    static func aaplBody() throws -> [UInt8] {
        let data = try Data(contentsOf: realFixtures.appendingPathComponent("yahoo-chart/\(aaplFile)"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let response = try #require(json["response"] as? [String: Any])
        return Array(try JSONSerialization.data(withJSONObject: try #require(response["bodyJson"]), options: [.sortedKeys]))
    }

    static func aapl(faults: [ReplayScenario.Fault] = [], status: Int? = nil) -> ReplayScenario.Route {
        ReplayScenario.Route(path: aaplPath, file: aaplFile, status: status, faults: faults)
    }
}
