import Foundation

/// Whether a token file will keep a pipeline running, for `auth status` and the freshness
/// warning. Judged by the refresh token alone: the access token renews itself while the refresh
/// token lives, and nothing but a login renews the refresh token.
public enum SchwabTokenStatus: Sendable, Equatable {
    /// No token file: never authorized here.
    case missing
    /// The refresh token lives beyond the warning window.
    case valid(refreshExpiresAt: Date)
    /// The refresh token dies within the warning window: log in again soon.
    case expiringSoon(refreshExpiresAt: Date)
    case expired(refreshExpiresAt: Date)
    /// The file is there but cannot be used (permissions, not JSON).
    case unreadable(reason: String)

    /// Warn this long before the refresh token dies, by default.
    public static let defaultWarningWindow: TimeInterval = 2 * 86_400

    /// Pure: the status of `token` (nil: no file) at `now`.
    public static func evaluate(_ token: SchwabToken?, now: Date, warnWithin window: TimeInterval = defaultWarningWindow) -> SchwabTokenStatus {
        guard let token else { return .missing }
        let left = token.refreshExpiresAt.timeIntervalSince(now)
        if left <= 0 { return .expired(refreshExpiresAt: token.refreshExpiresAt) }
        if left <= window { return .expiringSoon(refreshExpiresAt: token.refreshExpiresAt) }
        return .valid(refreshExpiresAt: token.refreshExpiresAt)
    }

    /// Reads `tokenFile` and evaluates it.
    public static func check(tokenFile: String, now: Date, warnWithin window: TimeInterval = defaultWarningWindow) -> SchwabTokenStatus {
        do {
            return evaluate(try SchwabTokenFile(path: tokenFile).read(), now: now, warnWithin: window)
        } catch {
            if case .tokenFileUnreadable(_, let reason) = error { return .unreadable(reason: reason) }
            return .unreadable(reason: error.description)
        }
    }

    /// Runs will work now and for longer than the warning window.
    public var isHealthy: Bool { if case .valid = self { true } else { false } }

    /// Runs still work (possibly not for long).
    public var isUsable: Bool {
        switch self {
        case .valid, .expiringSoon: true
        case .missing, .expired, .unreadable: false
        }
    }

    /// `valid`, `expiring_soon`, `expired`, `missing`, `unreadable`.
    public var name: String {
        switch self {
        case .missing: "missing"
        case .valid: "valid"
        case .expiringSoon: "expiring_soon"
        case .expired: "expired"
        case .unreadable: "unreadable"
        }
    }

    public var refreshExpiresAt: Date? {
        switch self {
        case .valid(let d), .expiringSoon(let d), .expired(let d): d
        case .missing, .unreadable: nil
        }
    }

    /// One line for a person: what holds and what to do (`command`: the auth command to name).
    public func message(tokenFile: String, now: Date, command: String = SchwabAuthError.authCommand) -> String {
        switch self {
        case .missing:
            return "no Schwab token file \(tokenFile): run `\(command)` to log in"
        case .valid(let at):
            return "Schwab refresh token in \(tokenFile) valid until \(SchwabToken.iso(at)) (\(Self.span(at.timeIntervalSince(now))) left)"
        case .expiringSoon(let at):
            return "Schwab refresh token in \(tokenFile) expires \(SchwabToken.iso(at)) (in \(Self.span(at.timeIntervalSince(now)))):"
                + " run `\(command)` before then"
        case .expired(let at):
            return "Schwab refresh token in \(tokenFile) expired \(SchwabToken.iso(at)): run `\(command)` to log in again"
        case .unreadable(let reason):
            return "cannot use the Schwab token file \(tokenFile): \(reason)"
        }
    }

    static func span(_ seconds: TimeInterval) -> String {
        let s = max(0, Int(seconds))
        if s >= 86_400 { return "\(s / 86_400)d \(s % 86_400 / 3_600)h" }
        if s >= 3_600 { return "\(s / 3_600)h \(s % 3_600 / 60)m" }
        return "\(s / 60)m"
    }
}
