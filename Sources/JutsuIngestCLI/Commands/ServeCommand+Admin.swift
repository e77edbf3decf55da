import ArgumentParser
import Foundation
import JutsuAdmin
import JutsuIngest
import JutsuStore
import Logging

/// The admin API of `serve`, started beside the tick loop (its own threads and service group;
/// signals stay with the loop) and stopped after the runs.
struct RunningAdmin {
    let process: AdminServerProcess
    let freshness: FreshnessCache
    let pages: ServicePages

    /// New tiers or `freshness.yaml` (SIGHUP).
    func update(_ inputs: FreshnessInputs) {
        freshness.update(inputs)
        pages.update(inputs)
    }
}

extension ServeCommand {
    /// Starts the admin API on --bind (nil for `--bind none`); exit 1 when it cannot listen.
    func startAdmin(scheduler: Scheduler, pulse: SchedulerPulse, token: AdminToken?, conninfo: String,
                    logger: Logger) throws -> RunningAdmin? {
        guard case .address(let host, let port) = AdminBind(parsing: bind) ?? .default else {
            logger.notice("admin API disabled (--bind none)")
            return nil
        }
        let configuration = AdminConfiguration(host: host, port: port, token: token, tickSeconds: tick)
        let pool = ReadPool(size: configuration.readConnections) {
            try PGConnection(conninfo: conninfo, applicationName: "jutsu-ingest-admin", logger: logger)
        }
        let inputs = freshnessInputs(logger: logger)
        let freshness = FreshnessCache(pool: pool, inputs: inputs, maxAge: configuration.freshnessMaxAge, logger: logger)
        let pages = ServicePages(scheduler: scheduler, pulse: pulse, inputs: inputs) {
            try PGConnection(conninfo: conninfo, applicationName: "jutsu-ingest-admin", logger: logger)
        }
        let server = AdminServer(configuration: configuration, scheduler: scheduler, pulse: pulse, pool: pool, freshness: freshness,
                                 pages: pages, logger: logger)
        let process = AdminServerProcess()
        let bound: Int
        do {
            bound = try process.start(server, logger: logger)
        } catch {
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
        }
        logger.notice("admin API listening", metadata: [
            "admin_address": "\(AdminBind.address(host: host, port: bound))",
            "admin_token": "\(token == nil ? "none: POST endpoints answer 403" : "configured")",
        ])
        return RunningAdmin(process: process, freshness: freshness, pages: pages)
    }

    /// Tiers of the pipelines directory and its freshness.yaml; an invalid freshness.yaml is
    /// reported and the defaults are used (serve keeps running).
    func freshnessInputs(logger: Logger) -> FreshnessInputs {
        let directory = pipelines
        let settings: FreshnessSettings
        do {
            settings = try FreshnessSettings.load(directory: directory)
        } catch {
            logger.error("freshness settings not loaded; using the defaults", metadata: ["error": "\(error)"])
            settings = FreshnessSettings()
        }
        return FreshnessInputs(config: settings.config, pipelineTiers: settings.pipelineTiers) {
            FreshnessCommand.schwabLoginWarnings(pipelines: directory, now: Date())
        }
    }
}
