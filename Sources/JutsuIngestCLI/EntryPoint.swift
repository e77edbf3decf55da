import ArgumentParser
import Foundation

/// Maps every error to the documented exit codes: 0 ok, 1 failure (or rejects above the
/// threshold), 2 usage or input error.
@main
enum EntryPoint {
    static func main() {
        do {
            var command = try JutsuIngest.parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let error as CLIError {
            Terminal.standardError.write("error: \(error.message)\n")
            Foundation.exit(error.exitCode.rawValue)
        } catch {
            let code = JutsuIngest.exitCode(for: error)
            if code == .success {
                JutsuIngest.exit(withError: error)   // --help, --version
            }
            let message = JutsuIngest.fullMessage(for: error)
            Terminal.standardError.write(message.isEmpty ? "error: \(error)\n" : "\(message)\n")
            // Argument errors are usage errors: exit 2, whatever ArgumentParser's default.
            let usage = code == .validationFailure || code.rawValue == 64
            Foundation.exit(usage ? ExitCodes.usage : ExitCodes.failure)
        }
    }
}

/// The documented exit codes.
enum ExitCodes {
    static let success: Int32 = 0
    /// A run failed: database error, or rejects above `--max-reject-ratio`.
    static let failure: Int32 = 1
    /// Usage or input error: bad flags, unreadable or malformed input files, invalid pipelines.
    static let usage: Int32 = 2
    /// `run`: some series of the pipeline failed, the others succeeded.
    static let partial: Int32 = 3
    /// `run`: another run of the same pipeline is in progress (and --wait was not given).
    static let busy: Int32 = 4
}

/// An error already worded for the user, with its exit code.
struct CLIError: Error {
    var message: String
    var exitCode: ExitCode
}

struct JutsuIngest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jutsu-ingest",
        abstract: "Loads OHLCV bars into partitioned PostgreSQL tables: exact, idempotent, accounted for.",
        discussion: """
            Exit codes: 0 success; 1 the run failed (database error, or rejects above \
            --max-reject-ratio); 2 usage or input error (bad flags, unreadable or malformed files, \
            invalid pipelines; `validate`: 1 when a pipeline has errors); 3 `run` partly failed \
            (some series); 4 `run`: the pipeline is already running.
            Database: --database-url, else DATABASE_URL, else libpq PG* variables, else a private \
            cluster under .jutsu/pg (created on first use).
            """,
        version: "0.1.0",
        subcommands: [ImportCommand.self, ValidateCommand.self, PlanCommand.self, RunCommand.self, RunsCommand.self, FreshnessCommand.self, GapsCommand.self, ExportCommand.self, GuessCommand.self,
                      DatabaseCommand.self, MigrateSqliteCommand.self, AuthCommand.self, ServeCommand.self,
                      DashboardCommand.self])
}
