import Foundation
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuReplay
import JutsuStore
import JutsuTestSupport
import Logging
import Testing

/// A pipeline with an HTTP source pointed at a replay server on 127.0.0.1 that serves real
/// recordings (and bodies derived from them), on a fresh database.
final class VendorHarness: @unchecked Sendable {
    let server: ReplayServer
    let db: TestDatabase
    let directory: String

    init(_ name: String, routes: [ReplayScenario.Route]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vendor-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        server = ReplayServer(scenario: ReplayScenario(root: CommandLineTool.fixture("real"), routes: routes),
                              root: URL(fileURLWithPath: CommandLineTool.fixture("real")))
        try server.start()
        db = try TestDatabase(name)
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Options every test source gets: this server, no rate limit, fast retries.
    func options(_ extra: [String: String] = [:]) -> [String: ConfigValue] {
        var all = ["base_url": server.baseURL, "rate_limit": "0", "retry_base_ms": "20"]
        all.merge(extra) { $1 }
        return all.mapValues { ConfigValue(value: $0) }
    }

    func spec(_ kind: SourceKind, symbols: [String], timeframe: Timeframe = .d1, start: String = "2020-08-01",
              lookback: Lookback = .bars(5), concurrency: Int = 4, options extra: [String: String] = [:],
              fallback: SourceSpec? = nil) throws -> PipelineSpec {
        PipelineSpec(
            name: "vendor-\(kind.rawValue)", source: SourceSpec(kind: kind, name: SourceRegistry.defaultName(for: kind), options: options(extra)),
            symbols: .list(try symbols.map { try Symbol(canonicalizing: $0) }), timeframe: timeframe,
            start: CivilDate(parsing: start), lookback: lookback, concurrency: concurrency, fallback: fallback,
            file: directory + "/pipeline.yaml")
    }

    func run(_ spec: PipelineSpec, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> PipelineRunSummary {
        try PipelineRunner(spec: spec, request: PipelineRunRequest(now: now), logger: Logger(label: "test"),
                           connect: { [db] in try db.connect() }).run()
    }

    /// Requests the server received for `path`.
    func requests(_ path: String) -> [ReplayLogEntry] { server.log.filter { $0.path == path } }

    // MARK: recordings

    static let aaplFile = "yahoo-chart/chart-AAPL-2020-08-31-to-2020-11-07.json"

    /// The body of a recorded exchange (`{"request":..., "response":{"bodyJson":...}}`).
    static func recordedBody(_ relative: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: CommandLineTool.fixture("real/" + relative)))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        if let response = json["response"] as? [String: Any], let body = response["bodyJson"] as? [String: Any] { return body }
        return json
    }

    static func text(_ json: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
    }

    /// The AAPL chart recording (49 sessions, 2020-08-31 .. 2020-11-06, a 4:1 split and a
    /// dividend) answered for `symbol`: only `meta.symbol` differs.
    static func yahooBody(for symbol: String) throws -> String {
        var body = try recordedBody(aaplFile)
        var chart = try #require(body["chart"] as? [String: Any])
        var results = try #require(chart["result"] as? [[String: Any]])
        var meta = try #require(results[0]["meta"] as? [String: Any])
        meta["symbol"] = symbol
        results[0]["meta"] = meta
        chart["result"] = results
        body["chart"] = chart
        return try text(body)
    }

    static func yahooRoute(_ symbol: String, faults: [ReplayScenario.Fault]? = nil) throws -> ReplayScenario.Route {
        ReplayScenario.Route(path: "/v8/finance/chart/\(symbol)", query: ["interval": "1d"], body: try yahooBody(for: symbol),
                             contentType: "application/json", faults: faults)
    }
}
