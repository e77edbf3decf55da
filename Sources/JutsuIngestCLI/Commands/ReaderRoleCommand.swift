import ArgumentParser
import Foundation
import JutsuStore

/// `jutsu-ingest db reader-role`: the read-only login the Jutsu Labs engine connects as.
struct ReaderRoleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reader-role",
        abstract: "Create or update a read-only role for the Jutsu Labs engine (search_path jutsu_legacy).",
        discussion: """
            The role logs in with the given password (hashed before it is sent; never printed), \
            reads the views of the compatibility schema jutsu_legacy (market_data, data_metadata, \
            data_audit_log in the engine's own shapes) and nothing else: its search_path is \
            jutsu_legacy and every transaction is read only, so a write is refused by the server. \
            Running it again updates the password and the grants. The engine then needs only \
            POSTGRES_USER and POSTGRES_PASSWORD changed (docs/jutsu-labs.md).
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "Name of the role.")
    var role = "jutsu_engine"

    @Option(help: "Read the password from this file (its first line).")
    var passwordFile: String?

    @Option(help: "Read the password from this environment variable.")
    var passwordEnv: String?

    func validate() throws {
        if (passwordFile == nil) == (passwordEnv == nil) {
            throw ValidationError("give exactly one of --password-file or --password-env")
        }
    }

    func password() throws -> String {
        let text: String
        if let passwordFile {
            guard let data = FileManager.default.contents(atPath: passwordFile) else {
                throw CLIError(message: "--password-file \(passwordFile): cannot read the file", exitCode: ExitCode(ExitCodes.usage))
            }
            text = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        } else {
            text = ProcessInfo.processInfo.environment[passwordEnv ?? ""] ?? ""
        }
        let trimmed = text.hasSuffix("\r") ? String(text.dropLast()) : text
        guard !trimmed.isEmpty else {
            let from = passwordFile.map { "--password-file \($0)" } ?? "--password-env \(passwordEnv ?? "")"
            throw CLIError(message: "\(from): the password is empty", exitCode: ExitCode(ExitCodes.usage))
        }
        return trimmed
    }

    func run() throws {
        let logger = global.makeLogger()
        let secret = try password()
        let (connection, target) = try global.connect(logger: logger)
        let outcome: ReaderRole.Outcome
        do {
            outcome = try ReaderRole(name: role).apply(password: secret, on: connection)
        } catch {
            throw CLIError(message: "\(error)", exitCode: ExitCode(ExitCodes.failure))
        }
        Terminal.standardOutput.write("""
            role \(role): \(outcome.rawValue) on \(target.redactedDescription)
            reads: jutsu_legacy.market_data, jutsu_legacy.data_metadata, jutsu_legacy.data_audit_log (search_path jutsu_legacy, read only)
            the engine's settings (password not shown):
              DATABASE_TYPE=postgresql
              POSTGRES_HOST=\(connection.host)
              POSTGRES_PORT=\(connection.port)
              POSTGRES_DATABASE=\(connection.databaseName)
              POSTGRES_USER=\(role)

            """)
    }
}
