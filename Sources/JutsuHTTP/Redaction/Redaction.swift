import Foundation

/// Credentials never reach a log line or an error: every URL and header the client describes goes
/// through here first. Query parameters and headers are matched by name, case-insensitively.
public enum Redaction {
    public static let placeholder = "REDACTED"

    /// Query parameter names whose values are secrets (Polygon `apiKey`, OAuth tokens and codes,
    /// Schwab's app key as `client_id`).
    public static let secretQueryNames: Set<String> = [
        "apikey", "api_key", "key", "token", "access_token", "refresh_token", "id_token",
        "client_id", "client_secret", "code", "password", "secret", "signature", "sig",
    ]

    /// Header names whose values are secrets.
    public static let secretHeaderNames: Set<String> = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key",
    ]

    /// `url` with the value of every secret query parameter replaced by `REDACTED` (also in a
    /// fragment-free `next_url` style link; userinfo `user:pass@` is dropped as well).
    public static func url(_ url: String) -> String {
        var text = url
        // userinfo: scheme://user:pass@host
        if let schemeEnd = text.range(of: "://") {
            let afterScheme = text[schemeEnd.upperBound...]
            let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? afterScheme.endIndex
            if let at = afterScheme[..<authorityEnd].lastIndex(of: "@") {
                text = String(text[..<schemeEnd.upperBound]) + placeholder + String(text[at...])
            }
        }
        guard let question = text.firstIndex(of: "?") else { return text }
        let head = text[..<question]
        var rest = text[text.index(after: question)...]
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[hash...])
            rest = rest[..<hash]
        }
        return head + "?" + query(String(rest)) + fragment
    }

    /// A query string (`a=1&apiKey=x`) with secret values replaced.
    public static func query(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { item -> String in
            guard let eq = item.firstIndex(of: "=") else { return String(item) }
            let name = item[..<eq]
            let decoded = (name.removingPercentEncoding ?? String(name)).lowercased()
            return secretQueryNames.contains(decoded) ? "\(name)=\(placeholder)" : String(item)
        }.joined(separator: "&")
    }

    /// A header value as it may be shown: the value itself, or `REDACTED` for a secret header.
    public static func header(name: String, value: String) -> String {
        secretHeaderNames.contains(name.lowercased()) ? placeholder : value
    }

    /// Any free text (a libcurl message, a server body excerpt) with known secret values removed.
    public static func text(_ text: String, secrets: [String]) -> String {
        var out = text
        for secret in secrets where secret.count >= 4 {
            out = out.replacingOccurrences(of: secret, with: placeholder)
        }
        return out
    }
}
