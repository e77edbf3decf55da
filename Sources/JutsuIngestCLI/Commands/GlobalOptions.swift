import ArgumentParser
import Foundation
import JutsuStore
import Logging

/// Options every command that talks to the database shares.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: "libpq URI or conninfo. Default: DATABASE_URL, then PG* variables, then the embedded cluster in .jutsu/pg.")
    var databaseURL: String?

    @Option(name: .customLong("log-level"),
            help: "trace, debug, info, notice, warning, error or critical. Default: JUTSU_LOG_LEVEL, else warning (serve: info).")
    var logLevel: String?

    /// Logs to stderr at --log-level, else JUTSU_LOG_LEVEL, else `defaultLevel`.
    func makeLogger(defaultLevel: Logger.Level = .warning) -> Logger {
        var logger = Logger(label: "jutsu-ingest") { StreamLogHandler.standardError(label: $0) }
        let name = logLevel ?? ProcessInfo.processInfo.environment["JUTSU_LOG_LEVEL"]
        logger.logLevel = name.flatMap { Logger.Level(rawValue: $0) } ?? defaultLevel
        return logger
    }

    func resolveTarget(startEmbedded: Bool = true, logger: Logger) throws -> DatabaseTarget {
        let environment = ProcessInfo.processInfo.environment
        let project = DatabaseLocator.projectDirectory(
            environment: environment, currentDirectory: FileManager.default.currentDirectoryPath)
        if startEmbedded, databaseURL == nil, (environment["DATABASE_URL"] ?? "").isEmpty,
           !DatabaseLocator.libpqTargetVariables.contains(where: { !(environment[$0] ?? "").isEmpty }),
           !EmbeddedCluster(root: DatabaseLocator.embeddedRoot(projectDirectory: project)).isInitialized {
            Terminal.standardError.write(
                "No database configured: creating a private PostgreSQL cluster in \(DatabaseLocator.embeddedRoot(projectDirectory: project)) (first use)...\n")
        }
        do {
            return try DatabaseLocator.resolve(flag: databaseURL, environment: environment, projectDirectory: project,
                                               startEmbedded: startEmbedded, logger: logger)
        } catch {
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
        }
    }

    /// Connects and brings the schema up to date (every load migrates first).
    func connect(logger: Logger, migrate: Bool = true) throws -> (PGConnection, DatabaseTarget) {
        let target = try resolveTarget(logger: logger)
        do {
            let connection = try PGConnection(conninfo: target.conninfo, logger: logger)
            if migrate { try Migrator().migrate(connection) }
            return (connection, target)
        } catch {
            throw CLIError(message: "\(error)\n(database: \(target.redactedDescription))", exitCode: ExitCode(ExitCodes.failure))
        }
    }
}
