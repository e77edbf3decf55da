import Foundation

/// Why Schwab credentials could not be had, worded for the person who has to act: each case
/// says what to do. Never holds a secret: no token, code, app key or app secret (server texts are
/// redacted before they get here).
public enum SchwabAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No token file: the app was never authorized on this machine.
    case notAuthorized(tokenFile: String)
    /// The refresh token is dead: past its 7 days by the file's own date (no request was sent),
    /// or refused by Schwab (`server` holds the OAuth error then). Only a new login helps.
    case refreshTokenExpired(tokenFile: String, expiredAt: Date?, server: String? = nil)
    /// The token endpoint refused the request for another reason (wrong app key or secret, a
    /// code already used or older than its few minutes, ...).
    case rejected(status: Int, error: String, description: String)
    /// The pasted redirect URL has no `code`, or is not the app's redirect URI.
    case badRedirect(reason: String)
    /// The token file exists but cannot be used: unreadable, not JSON, or readable by others.
    case tokenFileUnreadable(tokenFile: String, reason: String)
    /// The token file could not be written (directory, permissions, disk).
    case tokenFileUnwritable(tokenFile: String, reason: String)
    /// No answer from the token endpoint (the HTTP client's error, already redacted).
    case tokenEndpointUnreachable(reason: String)
    /// A 200 from the token endpoint without the fields a token response has.
    case malformedTokenResponse(reason: String)

    /// The command that (re)authorizes; `FILE` is the pipeline.
    public static let authCommand = "jutsu-ingest auth schwab --pipeline FILE"

    public var description: String {
        switch self {
        case .notAuthorized(let file):
            return "Schwab is not authorized on this machine (no token file \(file)): run `\(Self.authCommand)` and log in once."
        case .refreshTokenExpired(let file, let expiredAt, let server):
            let when = expiredAt.map { " on \(SchwabToken.iso($0))" } ?? ""
            let why = server.map { " (Schwab: \($0))" } ?? ""
            return "the Schwab refresh token in \(file) expired\(when)\(why): run `\(Self.authCommand)` and log in again"
                + " (Schwab refresh tokens live 7 days; re-authorize at least once a week)."
        case .rejected(let status, let error, let description):
            let detail = description.isEmpty ? "" : ": \(description)"
            return "the Schwab token endpoint refused the request (HTTP \(status), \(error)\(detail)); check app_key and app_secret,"
                + " and for a new login paste the redirect URL within a few minutes (a code is used once)."
        case .badRedirect(let reason):
            return "not a Schwab redirect URL: \(reason). Paste the whole address the browser was sent to after the login"
                + " (it starts with the redirect_uri and holds `code=`)."
        case .tokenFileUnreadable(let file, let reason):
            return "cannot use the Schwab token file \(file): \(reason)"
        case .tokenFileUnwritable(let file, let reason):
            return "cannot write the Schwab token file \(file): \(reason)"
        case .tokenEndpointUnreachable(let reason):
            return "no answer from the Schwab token endpoint: \(reason)"
        case .malformedTokenResponse(let reason):
            return "the Schwab token endpoint answered 200 without a usable token: \(reason)"
        }
    }

    /// True when only a new login (`auth schwab`) fixes it.
    public var needsLogin: Bool {
        switch self {
        case .notAuthorized, .refreshTokenExpired: true
        default: false
        }
    }
}
