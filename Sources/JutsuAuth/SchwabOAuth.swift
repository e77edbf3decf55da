import Foundation
import JutsuHTTP

/// Schwab's OAuth2 authorization-code flow: the URL the user logs in at, the code in the URL the
/// browser is sent back to, and the two token requests (code exchange, refresh), POSTed as forms
/// with the app key and secret as HTTP Basic credentials.
public struct SchwabOAuth: Sendable {
    public static let defaultTokenURL = "https://api.schwabapi.com/v1/oauth/token"
    public static let defaultAuthorizeURL = "https://api.schwabapi.com/v1/oauth/authorize"
    public static let defaultRedirectURI = "https://127.0.0.1"

    public let appKey: String
    public let appSecret: String
    public let tokenURL: String
    public let redirectURI: String
    public let client: HTTPClient
    public let now: @Sendable () -> Date

    public init(appKey: String, appSecret: String, tokenURL: String = SchwabOAuth.defaultTokenURL,
                redirectURI: String = SchwabOAuth.defaultRedirectURI, client: HTTPClient,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.appKey = appKey
        self.appSecret = appSecret
        self.tokenURL = tokenURL
        self.redirectURI = redirectURI
        self.client = client
        self.now = now
    }

    /// Where the user logs in and approves the app.
    public static func authorizationURL(appKey: String, redirectURI: String, authorizeURL: String = defaultAuthorizeURL) -> String {
        let separator = authorizeURL.contains("?") ? "&" : "?"
        return authorizeURL + separator + "client_id=" + FormEncoding.escape(appKey) + "&redirect_uri=" + FormEncoding.escape(redirectURI)
    }

    /// The authorization code in the URL the browser was redirected to
    /// (`https://127.0.0.1/?code=C0.b2F...%40&session=...`), percent-decoded (`%40` -> `@`).
    /// With `redirectURI`, the URL must start with it (scheme, host and path), so a pasted
    /// authorize URL or another page is caught here rather than as a refused exchange.
    public static func code(fromRedirect pasted: String, redirectURI: String? = nil) throws(SchwabAuthError) -> String {
        let text = pasted.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .badRedirect(reason: "nothing was pasted") }
        guard let components = URLComponents(string: text), components.scheme != nil, components.host != nil else {
            throw .badRedirect(reason: "not a URL")
        }
        if let redirectURI, let expected = URLComponents(string: redirectURI) {
            func trimmed(_ path: String) -> String { path.hasSuffix("/") ? String(path.dropLast()) : path }
            guard components.scheme?.lowercased() == expected.scheme?.lowercased(),
                  components.host?.lowercased() == expected.host?.lowercased(),
                  components.port == expected.port,
                  trimmed(components.path) == trimmed(expected.path)
            else {
                throw .badRedirect(reason: "it does not start with the redirect_uri \(redirectURI)")
            }
        }
        // Read from the raw query: the code's own `%40` must be decoded exactly once.
        let query = components.percentEncodedQuery ?? ""
        for item in query.split(separator: "&") {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == "code" else { continue }
            let raw = parts.count > 1 ? String(parts[1]) : ""
            guard let code = raw.removingPercentEncoding, !code.isEmpty else { throw .badRedirect(reason: "its `code` is empty") }
            return code
        }
        if query.contains("error=") { throw .badRedirect(reason: "the login was not approved (the redirect holds an `error`)") }
        throw .badRedirect(reason: "it has no `code` parameter")
    }

    /// The tokens for a code just obtained; the refresh token then lives 7 days from now.
    public func exchange(code: String) async throws(SchwabAuthError) -> SchwabToken {
        let response = try await post([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI)],
                                      extraSecrets: [code])
        let issued = Self.wholeSeconds(now())
        let grant = try decode(response, refreshing: nil, secrets: secrets([code]))
        guard let refresh = grant.refreshToken else { throw .malformedTokenResponse(reason: "no refresh_token") }
        return SchwabToken(
            accessToken: grant.accessToken, refreshToken: refresh, accessExpiresAt: issued + grant.expiresIn,
            refreshExpiresAt: issued + SchwabToken.refreshTokenLifetime, tokenType: grant.tokenType, scope: grant.scope,
            obtainedAt: issued, authorizedAt: issued)
    }

    /// A new access token for `token`'s refresh token. The refresh token and its expiry are kept
    /// (Schwab sends the same refresh token back; a refresh does not extend it). A refusal of
    /// the refresh token itself is `refreshTokenExpired`, naming `tokenFile`.
    public func refresh(_ token: SchwabToken, tokenFile: String) async throws(SchwabAuthError) -> SchwabToken {
        let extra = [token.refreshToken, token.accessToken]
        let response = try await post([("grant_type", "refresh_token"), ("refresh_token", token.refreshToken)], extraSecrets: extra)
        let issued = Self.wholeSeconds(now())
        let grant = try decode(response, refreshing: (tokenFile, token.refreshExpiresAt), secrets: secrets(extra))
        var next = token
        next.accessToken = grant.accessToken
        next.refreshToken = grant.refreshToken ?? token.refreshToken
        next.accessExpiresAt = issued + grant.expiresIn
        next.tokenType = grant.tokenType
        next.scope = grant.scope
        next.obtainedAt = issued
        return next
    }

    /// The request's secrets: the app credentials (and their Basic form) plus `extra`.
    public func secrets(_ extra: [String] = []) -> [String] {
        [appKey, appSecret, basicCredential] + extra
    }

    var basicCredential: String { Data("\(appKey):\(appSecret)".utf8).base64EncodedString() }

    private func post(_ fields: [(String, String)], extraSecrets: [String]) async throws(SchwabAuthError) -> HTTPResponse {
        let request = HTTPRequest(
            url: tokenURL, headers: [HTTPHeader("Authorization", "Basic \(basicCredential)"), HTTPHeader("Accept", "application/json")],
            source: "schwab", secrets: secrets(extraSecrets))
        do {
            return try await client.post(request, body: FormEncoding.body(fields), contentType: FormEncoding.contentType)
        } catch let error as HTTPError {
            throw .tokenEndpointUnreachable(reason: Redaction.text(error.description, secrets: request.secrets))
        } catch {
            throw .tokenEndpointUnreachable(reason: Redaction.text("\(error)", secrets: request.secrets))
        }
    }

    struct Grant {
        var accessToken: String
        var refreshToken: String?
        var expiresIn: TimeInterval
        var tokenType: String
        var scope: String
    }

    /// A 200 into a grant; anything else into the typed refusal. `refreshing` is the token file
    /// and refresh expiry when this answers a refresh (a dead refresh token then says so).
    /// Server texts are redacted of `secrets` (a server may echo what it was sent).
    private func decode(_ response: HTTPResponse, refreshing: (file: String, expiresAt: Date)?,
                        secrets: [String]) throws(SchwabAuthError) -> Grant {
        let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
        guard response.status == 200 else {
            let error = (json?["error"] as? String).map { Redaction.text($0, secrets: secrets) }
            let description = Redaction.text(
                (json?["error_description"] as? String) ?? (json == nil ? Self.excerpt(response.body) : ""), secrets: secrets)
            if let refreshing, Self.refreshTokenRefused(status: response.status, error: error, description: description) {
                let server = [error, description.isEmpty ? nil : Self.excerpt(Array(description.utf8))].compactMap { $0 }.joined(separator: ": ")
                throw .refreshTokenExpired(tokenFile: refreshing.file, expiredAt: min(refreshing.expiresAt, now()), server: server)
            }
            throw .rejected(status: response.status, error: error ?? "HTTP \(response.status)", description: description)
        }
        guard let json else { throw .malformedTokenResponse(reason: "the body is not a JSON object") }
        guard let access = json["access_token"] as? String, !access.isEmpty else {
            throw .malformedTokenResponse(reason: "no access_token")
        }
        let expiresIn = (json["expires_in"] as? NSNumber)?.doubleValue ?? 1800
        return Grant(accessToken: access, refreshToken: (json["refresh_token"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                     expiresIn: expiresIn, tokenType: json["token_type"] as? String ?? "Bearer", scope: json["scope"] as? String ?? "api")
    }

    /// Schwab's ways of saying the refresh token is dead: `invalid_client` "refresh token
    /// invalid" (expired after 7 days), `unsupported_token_type` wrapping a
    /// `refresh_token_authentication_error`, and the standard `invalid_grant`. Another
    /// `invalid_client` (a wrong app secret) is not: a new login would not fix it.
    static func refreshTokenRefused(status: Int, error: String?, description: String) -> Bool {
        guard status == 400 || status == 401, let error else { return false }
        switch error {
        case "invalid_grant", "unsupported_token_type", "refresh_token_authentication_error": return true
        case "invalid_client": return description.lowercased().contains("refresh token")
        default: return false
        }
    }

    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        return body.count > 200 ? text + "..." : text
    }

    static func wholeSeconds(_ date: Date) -> Date { Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)) }
}
