import Foundation
import Hummingbird
import JutsuIngest
import JutsuStore
import Logging

/// The admin HTTP API of `jutsu-ingest serve` (docs/operations.md, "Admin API"): health and
/// readiness, freshness, gaps, runs, pipelines and triggers, the OpenAPI document, and the
/// dashboard and metrics pages that `pages` renders.
///
/// Handlers never block an event loop or the cooperative pool: database reads go through
/// `pool` (dedicated threads), page renderers through `BlockingWork`.
public final class AdminServer: Sendable {
    public let configuration: AdminConfiguration
    let scheduler: Scheduler
    let pulse: SchedulerPulse
    let pool: ReadPool
    let freshness: FreshnessCache
    let pages: any AdminPages
    let logger: Logger

    public init(configuration: AdminConfiguration, scheduler: Scheduler, pulse: SchedulerPulse, pool: ReadPool,
                freshness: FreshnessCache, pages: any AdminPages, logger: Logger) {
        self.configuration = configuration
        self.scheduler = scheduler
        self.pulse = pulse
        self.pool = pool
        self.freshness = freshness
        self.pages = pages
        self.logger = logger
    }

    /// Every route, registered on a new router.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        let table = RouteTable()
        router.add(middleware: JSONErrorMiddleware(routes: table))
        router.get("/healthz") { _, _ in self.healthz() }
        router.get("/readyz") { _, _ in await self.readyz() }
        router.get("/api/v1/freshness") { request, _ in try await self.freshness(request) }
        router.get("/api/v1/gaps") { request, _ in try await self.gaps(request) }
        router.get("/api/v1/runs") { request, _ in try await self.runs(request) }
        router.get("/api/v1/runs/{id}") { _, context in try await self.run(context.parameters.get("id") ?? "") }
        router.get("/api/v1/pipelines") { _, _ in try await self.pipelines() }
        router.post("/api/v1/pipelines/{name}/runs") { request, context in
            try await self.trigger(request, pipeline: context.parameters.get("name") ?? "")
        }
        router.get("/openapi.json") { _, _ in JSONBody.response(OpenAPIDocument.buffer) }
        router.get("/metrics") { _, _ in try await self.metrics() }
        router.get("/") { request, _ in try await self.dashboard(request) }
        table.set(router.routes.map { (method: $0.method.rawValue, path: $0.path.description) })
        return router
    }

    /// `METHOD /path` of every registered route (`{param}` for captures), sorted.
    public static func routes(of router: Router<BasicRequestContext>) -> [String] {
        router.routes.map { "\($0.method.rawValue) \($0.path.description)" }.sorted()
    }

    /// Query parameters as a dictionary (the last value of a repeated key wins).
    static func query(_ request: Request) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { out[String(key)] = String(value) }
        return out
    }
}
