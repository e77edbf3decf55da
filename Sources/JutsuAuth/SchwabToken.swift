import Foundation

/// What the token file holds: both tokens and when each stops working. Dates are ISO 8601 UTC
/// in the file so a person can read them; the tokens themselves are never printed
/// (`description` leaves them out).
public struct SchwabToken: Sendable, Equatable, Codable, CustomStringConvertible {
    public var accessToken: String
    public var refreshToken: String
    /// The access token is good until then (30 minutes after it was issued).
    public var accessExpiresAt: Date
    /// The refresh token is good until then: 7 days after the login that issued it. A refresh
    /// does not move it.
    public var refreshExpiresAt: Date
    public var tokenType: String
    public var scope: String
    /// When the current access token was obtained (login or refresh).
    public var obtainedAt: Date
    /// When the user logged in (the authorization-code exchange).
    public var authorizedAt: Date

    /// How long a refresh token lives after the login (Schwab's rule, not sent by the server).
    public static let refreshTokenLifetime: TimeInterval = 7 * 86_400

    public init(accessToken: String, refreshToken: String, accessExpiresAt: Date, refreshExpiresAt: Date,
                tokenType: String = "Bearer", scope: String = "api", obtainedAt: Date, authorizedAt: Date) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.accessExpiresAt = accessExpiresAt
        self.refreshExpiresAt = refreshExpiresAt
        self.tokenType = tokenType
        self.scope = scope
        self.obtainedAt = obtainedAt
        self.authorizedAt = authorizedAt
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case accessExpiresAt = "access_expires_at"
        case refreshExpiresAt = "refresh_expires_at"
        case tokenType = "token_type"
        case scope
        case obtainedAt = "obtained_at"
        case authorizedAt = "authorized_at"
    }

    public var description: String {
        "SchwabToken(access until \(Self.iso(accessExpiresAt)), refresh until \(Self.iso(refreshExpiresAt)))"
    }

    /// `2026-11-21T20:13:06Z`.
    public static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
