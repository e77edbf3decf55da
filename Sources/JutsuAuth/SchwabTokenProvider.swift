import Foundation
import JutsuHTTP

/// Access tokens for the Schwab source, shared by every request of a run: the stored token while
/// it has more than `refreshMargin` seconds left, else a refreshed one, with the token file
/// rewritten.
///
/// - One refresh at a time: callers that find the token due while a refresh is under way wait
///   for that refresh instead of sending their own (20 tasks at once -> 1 POST).
/// - A refresh first re-reads the file: another process (a parallel run, or `auth schwab`) may
///   have put a fresh token there already.
/// - A refresh token known dead by the file's own date fails at once, without a request.
/// - The file is read on first use, not at init, so a provider can be made before the login.
public final class SchwabTokenProvider: Sendable {
    private let file: SchwabTokenFile
    private let oauth: SchwabOAuth
    private let refreshMargin: Double
    private let now: @Sendable () -> Date
    private let state = Locked(State())

    private struct State {
        var token: SchwabToken?
        /// An access token a 401 came back for: not handed out again.
        var invalidated: String?
        var refreshing: Task<SchwabToken, any Error>?
    }

    public init(tokenFile: String, appKey: String, appSecret: String, tokenURL: String,
                client: HTTPClient, refreshMargin: Double = 300, now: @escaping @Sendable () -> Date = Date.init) {
        self.file = SchwabTokenFile(path: tokenFile)
        self.oauth = SchwabOAuth(appKey: appKey, appSecret: appSecret, tokenURL: tokenURL, client: client, now: now)
        self.refreshMargin = refreshMargin
        self.now = now
    }

    /// A valid access token: the stored one while more than `refreshMargin` seconds remain, else
    /// refreshed (once, even when many tasks ask at the same time), the file rewritten.
    /// Throws `SchwabAuthError` only.
    public func accessToken() async throws -> String {
        let step = try state.withLock { (state: inout State) throws(SchwabAuthError) -> Step in
            if state.token == nil { state.token = try file.read() }
            guard let token = state.token else { throw .notAuthorized(tokenFile: file.path) }
            if usable(token, invalidated: state.invalidated) { return .done(token.accessToken) }
            if let running = state.refreshing { return .wait(running) }
            if token.refreshExpiresAt <= now() {
                throw .refreshTokenExpired(tokenFile: file.path, expiredAt: token.refreshExpiresAt)
            }
            let running = Task { try await self.refresh(from: token) }
            state.refreshing = running
            return .wait(running)
        }
        switch step {
        case .done(let token): return token
        case .wait(let task): return try await task.value.accessToken
        }
    }

    /// Called after a 401 with `token`: the next accessToken() refreshes (unless another refresh
    /// already replaced that token).
    public func invalidate(_ token: String) {
        state.withLock { state in
            if state.token == nil || state.token?.accessToken == token { state.invalidated = token }
        }
    }

    /// Secrets for HTTPRequest.secrets / redaction: app key, app secret, current tokens.
    public var secrets: [String] {
        let token = state.withLock { $0.token }
        return oauth.secrets([token?.accessToken, token?.refreshToken].compactMap { $0 })
    }

    private func usable(_ token: SchwabToken, invalidated: String?) -> Bool {
        token.accessToken != invalidated && token.accessExpiresAt.timeIntervalSince(now()) > refreshMargin
    }

    /// The one refresh in flight. Its outcome is stored before waiters resume; a failure clears
    /// it so the next call tries again (a dead refresh token fails again at once, by its date or
    /// by the server's answer).
    private func refresh(from token: SchwabToken) async throws -> SchwabToken {
        do {
            let stale = state.withLock { $0.invalidated }
            let onDisk = try file.read()
            let fresh: SchwabToken
            if let onDisk, onDisk.accessToken != token.accessToken, usable(onDisk, invalidated: stale) {
                fresh = onDisk  // refreshed by another process meanwhile
            } else {
                // A new login meanwhile brings its own refresh token.
                let newer = onDisk.flatMap { $0.refreshToken != token.refreshToken && $0.refreshExpiresAt > now() ? $0 : nil }
                fresh = try await oauth.refresh(newer ?? token, tokenFile: file.path)
                try file.write(fresh)
            }
            state.withLock { state in
                state.token = fresh
                state.invalidated = nil
                state.refreshing = nil
            }
            return fresh
        } catch {
            state.withLock { $0.refreshing = nil }
            throw error
        }
    }
}

/// What `accessToken()` decided under the lock.
private enum Step {
    case done(String)
    case wait(Task<SchwabToken, any Error>)
}

/// A value behind a lock (`Synchronization.Mutex` needs macOS 15; the package supports 14).
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
