import ArgumentParser
import Foundation
import JutsuAuth
import JutsuHTTP

/// `auth schwab` (log in once a week) and `auth status` (how long the login lasts).
struct AuthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "auth",
        abstract: "Authorize a vendor account (Schwab OAuth) and report how long the authorization lasts.",
        discussion: """
            Schwab refresh tokens live 7 days from the login, whatever the refreshes: run \
            `auth schwab` at least once a week (`freshness` warns 2 days ahead). See docs/vendors.md \
            "Schwab OAuth".
            """,
        subcommands: [AuthSchwabCommand.self, AuthStatusCommand.self])
}

struct AuthSchwabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schwab",
        abstract: "Log in to Schwab and store the tokens in the pipeline's token_file (mode 0600).",
        discussion: """
            Prints the authorization URL; open it, log in and approve the app. The browser is then \
            sent to the redirect_uri (https://127.0.0.1 by default, which shows an error page: \
            that is expected). Paste that whole address (or pass it with --redirect-url); the code \
            in it is exchanged for tokens within seconds (a code expires after a few minutes). \
            The app key and secret come from the pipeline's source (`${ENV}` values). The tokens \
            are never printed. Exit 0 stored; 1 refused by Schwab or the file could not be \
            written; 2 bad pipeline or redirect URL.
            """)

    @Option(help: "The pipeline file whose schwab source (app key, secret, URLs, token_file) to use.")
    var pipeline: String

    @Option(name: .customLong("redirect-url"), help: "The URL the browser was redirected to (else read from standard input).")
    var redirectURL: String?

    func run() throws {
        let source = try SchwabPipelineSource.load(pipelineFile: pipeline)
        let out = Terminal.standardOutput
        out.write("""
            Open this URL in a browser, log in to Schwab and approve the app:

              \(SchwabOAuth.authorizationURL(appKey: source.appKey, redirectURI: source.redirectURI, authorizeURL: source.authorizeURL))

            The browser then goes to \(source.redirectURI)/?code=... (the page itself may fail to load).

            """)
        let pasted: String
        if let redirectURL {
            pasted = redirectURL
        } else {
            out.write("Paste that whole address here and press Enter:\n")
            guard let line = readLine(strippingNewline: true) else {
                throw CLIError(message: "no redirect URL on standard input", exitCode: ExitCode(ExitCodes.usage))
            }
            pasted = line
        }
        let token: SchwabToken
        do {
            let code = try SchwabOAuth.code(fromRedirect: pasted, redirectURI: source.redirectURI)
            let oauth = SchwabOAuth(appKey: source.appKey, appSecret: source.appSecret, tokenURL: source.tokenURL,
                                    redirectURI: source.redirectURI, client: HTTPClient())
            token = try runBlocking { try await oauth.exchange(code: code) }
            try SchwabTokenFile(path: source.tokenFile).write(token)
        } catch let error as SchwabAuthError {
            throw CLIError(message: error.description, exitCode: ExitCode(Self.exitCode(error)))
        }
        out.write("""
            Authorized. Tokens written to \(source.tokenFile) (mode 0600).
            The refresh token is valid until \(SchwabToken.iso(token.refreshExpiresAt)) (7 days): run this command again before then.

            """)
    }

    static func exitCode(_ error: SchwabAuthError) -> Int32 {
        if case .badRedirect = error { return ExitCodes.usage }
        return ExitCodes.failure
    }
}

struct AuthStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "How long the Schwab login of a pipeline lasts.",
        discussion: """
            Reads the pipeline's token_file (no request is sent; the app key and secret need not \
            be set). Exit 0 while the refresh token is valid (a warning when it expires within 2 \
            days); 1 when it expired, or there is no usable token file.
            """)

    @Option(help: "The pipeline file whose schwab source's token_file to check.")
    var pipeline: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: pipeline) else {
            throw CLIError(message: "no pipeline file \(pipeline)", exitCode: ExitCode(ExitCodes.usage))
        }
        guard let source = SchwabPipelineSource.tokenOnly(pipelineFile: pipeline) else {
            _ = try SchwabPipelineSource.load(pipelineFile: pipeline)  // says why (invalid, or no schwab source)
            throw CLIError(message: "pipeline \(pipeline) has no schwab source", exitCode: ExitCode(ExitCodes.usage))
        }
        let now = Date()
        let status = SchwabTokenStatus.check(tokenFile: source.tokenFile, now: now)
        let line = "\(source.pipeline): \(status.name): " + status.message(tokenFile: source.tokenFile, now: now, command: source.authCommand)
        if status.isUsable {
            Terminal.standardOutput.write(line + "\n")
        } else {
            throw CLIError(message: line, exitCode: ExitCode(ExitCodes.failure))
        }
    }
}
