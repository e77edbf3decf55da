import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import JutsuAdmin
import JutsuIngest
import JutsuPipeline
import JutsuStore
import JutsuTestSupport
import Logging
import Testing

/// Every log line of a harness, at trace level (to prove no token is ever logged).
final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            capture.append("\(event.level) \(event.message) \(all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))")
        }
    }

    func logger() -> Logger {
        var logger = Logger(label: "jutsu-admin-test") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// A reply of the admin server.
struct Reply {
    var status: Int
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            throw CocoaError(.coderInvalidValue)
        }
        return object
    }

    /// `error.code` of a JSON error reply.
    func errorCode() throws -> String? {
        (try json()["error"] as? [String: Any])?["code"] as? String
    }
}

/// A real admin server on a free port of 127.0.0.1, over a fresh database, a scheduler of the
/// pipelines written to a temp directory, and a log captured at trace level.
final class AdminHarness: @unchecked Sendable {
    let db: TestDatabase
    let dir: String
    let scheduler: Scheduler
    let pulse: SchedulerPulse
    let pool: ReadPool
    let freshness: FreshnessCache
    let process = AdminServerProcess()
    let server: AdminServer
    private(set) var port = 0
    let log: LogCapture
    let session = URLSession(configuration: .ephemeral)

    static let token = "s3cret-admin-token-\(UUID().uuidString)"

    /// - Parameters:
    ///   - pipelines: file name -> YAML, written to the directory (CSV fixtures are in `in/`).
    ///   - token: the configured admin token (nil: none configured).
    private init(_ label: String, pipelines: [String: String], token: String?, triggerWait: Double, beat: Bool) throws {
        let log = LogCapture()
        self.log = log
        db = try TestDatabase(label)
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("admin-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        for name in ["pipeline_inputs__AAPL.csv", "pipeline_inputs__BRK-A.csv"] {
            try FileManager.default.copyItem(atPath: CommandLineTool.fixture("real/csv-zipline/\(name)"), toPath: "\(dir)/in/\(name)")
        }
        for (name, yaml) in pipelines { try yaml.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8) }
        let specs = PipelineLoader.lint(paths: [dir]).results.compactMap { try? $0.result.get() }
        let logger = log.logger()
        let database = db
        let connect: @Sendable () throws -> PGConnection = { try database.connect() }
        scheduler = try Scheduler(pipelines: specs, instance: "test", logger: logger, connect: connect)
        pulse = SchedulerPulse(tickSeconds: 1)
        if beat { pulse.beat(nextIn: 3600) }
        pool = ReadPool(size: 2, connect: connect)
        freshness = FreshnessCache(pool: pool, inputs: FreshnessInputs(), maxAge: 0.2, logger: logger)
        let configuration = AdminConfiguration(host: "127.0.0.1", port: 0, token: token.flatMap(AdminToken.init), freshnessMaxAge: 0.2,
                                               tickSeconds: 1, triggerWait: triggerWait)
        server = AdminServer(configuration: configuration, scheduler: scheduler, pulse: pulse, pool: pool, freshness: freshness,
                             pages: BasicAdminPages(freshness: freshness, scheduler: scheduler, pulse: pulse), logger: logger)
    }

    /// A harness whose server listens.
    static func start(_ label: String, pipelines: [String: String], token: String? = AdminHarness.token,
                      triggerWait: Double = 30, beat: Bool = true) async throws -> AdminHarness {
        let harness = try AdminHarness(label, pipelines: pipelines, token: token, triggerWait: triggerWait, beat: beat)
        harness.port = try await harness.process.start(harness.server, logger: harness.log.logger())
        return harness
    }

    /// Stops the server (every test ends with it).
    func stop() async {
        await process.shutDown()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func request(_ method: String, _ path: String, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.timeoutInterval = 120
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields[String(describing: key).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, headers: fields, body: data)
    }

    func get(_ path: String) async throws -> Reply { try await request("GET", path) }

    /// POST /api/v1/pipelines/{name}/runs with `Authorization: Bearer <token>` (nil: no header).
    func trigger(_ pipeline: String, token: String? = AdminHarness.token) async throws -> Reply {
        try await request("POST", "/api/v1/pipelines/\(pipeline)/runs",
                          headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    /// Polls `condition` every 0.2 s for up to `seconds`.
    static func waitUntil(_ seconds: Double = 90, _ condition: () async throws -> Bool) async rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try? await Task.sleep(nanoseconds: 200_000_000)
        }
        return try await condition()
    }

    /// A CSV pipeline over one fixture, scheduled once a year (it runs only when triggered).
    static func pipeline(_ name: String, file: String = "in/pipeline_inputs__AAPL.csv", cron: String = "0 0 1 1 *") -> String {
        """
        name: \(name)
        source:
          kind: csv
          paths: [\(file)]
        symbols: from_source
        timeframe: 1d
        schedule:
          cron: "\(cron)"
          catch_up: false

        """
    }
}
