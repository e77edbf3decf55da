import ArgumentParser
import Foundation
import JutsuStore

struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Inspect and migrate the database.",
        subcommands: [Status.self, Migrate.self, Stop.self, ReaderRoleCommand.self])

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop the embedded PostgreSQL server under .jutsu/pg (it starts again on the next command).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let project = DatabaseLocator.projectDirectory(
                environment: ProcessInfo.processInfo.environment, currentDirectory: FileManager.default.currentDirectoryPath)
            let cluster = EmbeddedCluster(root: DatabaseLocator.embeddedRoot(projectDirectory: project), logger: global.makeLogger())
            guard cluster.isInitialized else {
                Terminal.standardOutput.write("no embedded cluster in \(cluster.root)\n")
                return
            }
            do { try cluster.stop() } catch {
                throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
            }
            Terminal.standardOutput.write("stopped the embedded PostgreSQL server (\(cluster.root))\n")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say which database is in use and whether its schema is current.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let logger = global.makeLogger()
            let target = try global.resolveTarget(logger: logger)
            var lines = ["database: \(target.redactedDescription)"]
            switch target.origin {
            case .flag: lines.append("origin: --database-url")
            case .environmentURL: lines.append("origin: DATABASE_URL")
            case .libpqEnvironment: lines.append("origin: libpq PG* environment")
            case .embedded(let dataDirectory): lines.append("origin: embedded cluster (data directory \(dataDirectory))")
            }
            do {
                let connection = try PGConnection(conninfo: target.conninfo, logger: logger)
                let version = try connection.execute("SHOW server_version").string(0, 0) ?? "?"
                lines.append("server: PostgreSQL \(version), database \(connection.databaseName)")
                let status = try Migrator().status(connection)
                lines.append("migrations: \(status.applied.count) applied, \(status.pending.count) pending"
                             + (status.pending.isEmpty ? "" : " (\(status.pending.joined(separator: ", ")); run `jutsu-ingest db migrate`)"))
            } catch {
                lines.append("server: unreachable: \(error)")
                Terminal.standardOutput.write(lines.joined(separator: "\n") + "\n")
                throw ExitCode(ExitCodes.failure)
            }
            Terminal.standardOutput.write(lines.joined(separator: "\n") + "\n")
        }
    }

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending migrations (also done before every load).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let logger = global.makeLogger()
            let (connection, target) = try global.connect(logger: logger, migrate: false)
            do {
                let report = try Migrator().migrate(connection)
                Terminal.standardOutput.write("database: \(target.redactedDescription)\n")
                for name in report.applied { Terminal.standardOutput.write("applied \(name)\n") }
                Terminal.standardOutput.write("\(report.applied.count) applied, \(report.alreadyApplied.count) already applied\n")
            } catch {
                throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
            }
        }
    }
}
