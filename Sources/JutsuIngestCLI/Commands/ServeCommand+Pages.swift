import Foundation
import JutsuAdmin
import JutsuIngest
import JutsuStore

/// `GET /` and `GET /metrics` of `serve`: the dashboard page and the Prometheus text of
/// `JutsuIngest/Service` (docs/operations.md, "Dashboard", "Metrics"), rendered from the
/// database. One connection of their own, used by one render at a time (renders are serialised;
/// a lost connection is reopened on the next render).
final class ServicePages: AdminPages, @unchecked Sendable {
    private let connect: @Sendable () throws -> PGConnection
    private let scheduler: Scheduler
    private let pulse: SchedulerPulse
    private let lock = NSLock()
    private var connection: PGConnection?
    private var settings: ServiceFreshnessSettings

    init(scheduler: Scheduler, pulse: SchedulerPulse, inputs: FreshnessInputs, connect: @escaping @Sendable () throws -> PGConnection) {
        self.scheduler = scheduler
        self.pulse = pulse
        self.connect = connect
        settings = ServiceFreshnessSettings(config: inputs.config, pipelineTiers: inputs.pipelineTiers)
    }

    /// New tiers or `freshness.yaml` (SIGHUP).
    func update(_ inputs: FreshnessInputs) {
        lock.withLock { settings = ServiceFreshnessSettings(config: inputs.config, pipelineTiers: inputs.pipelineTiers) }
    }

    func dashboard(query: [String: String]) throws -> String {
        let pipelines = scheduler.pipelines.map(\.spec)
        let query = DashboardQuery(query: query)
        return try render { connection, settings, now in
            try DashboardPage.render(connection: connection, settings: settings, pipelines: pipelines,
                                     query: query, now: query.at ?? now)
        }
    }

    func metrics() throws -> String {
        // Database-wide families, then this instance's scheduler gauges.
        try render { connection, settings, now in try ServiceMetrics.render(connection: connection, settings: settings, now: now) }
            + SchedulerGauges.text(scheduler: scheduler, pulse: pulse)
    }

    private func render(_ body: (PGConnection, ServiceFreshnessSettings, Int64) throws -> String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if connection?.isConnected == false { connection = nil }
        if connection == nil { connection = try connect() }
        do {
            return try body(connection!, settings, Int64(Date().timeIntervalSince1970))
        } catch {
            if connection?.isConnected == false { connection = nil }
            throw error
        }
    }
}
