import Foundation
import JutsuAuth
import Testing

/// The status `auth status` and `freshness` report: pure, from a token and a time.
@Suite struct SchwabTokenStatusTests {
    static let token = SchwabToken(
        accessToken: "a", refreshToken: "r", accessExpiresAt: start + 1800, refreshExpiresAt: start + 7 * 86_400,
        obtainedAt: start, authorizedAt: start)

    @Test func statusByTimeLeft() {
        let expiry = start + 7 * 86_400
        #expect(SchwabTokenStatus.evaluate(nil, now: start) == .missing)
        #expect(SchwabTokenStatus.evaluate(Self.token, now: start) == .valid(refreshExpiresAt: expiry))
        #expect(SchwabTokenStatus.evaluate(Self.token, now: expiry - 2 * 86_400 - 1) == .valid(refreshExpiresAt: expiry))
        #expect(SchwabTokenStatus.evaluate(Self.token, now: expiry - 2 * 86_400) == .expiringSoon(refreshExpiresAt: expiry))
        #expect(SchwabTokenStatus.evaluate(Self.token, now: expiry - 1) == .expiringSoon(refreshExpiresAt: expiry))
        #expect(SchwabTokenStatus.evaluate(Self.token, now: expiry) == .expired(refreshExpiresAt: expiry))
        #expect(SchwabTokenStatus.evaluate(Self.token, now: start + 86_400, warnWithin: 6.5 * 86_400) == .expiringSoon(refreshExpiresAt: expiry))
    }

    @Test func messagesSayWhatToDo() {
        let expiry = start + 7 * 86_400
        let soon = SchwabTokenStatus.expiringSoon(refreshExpiresAt: expiry).message(tokenFile: "t.json", now: expiry - 3600)
        #expect(soon.contains("2026-11-15T14:00:00Z"))
        #expect(soon.contains("jutsu-ingest auth schwab"))
        #expect(SchwabTokenStatus.missing.message(tokenFile: "t.json", now: start).contains("jutsu-ingest auth schwab"))
        #expect(SchwabTokenStatus.expired(refreshExpiresAt: expiry).message(tokenFile: "t.json", now: expiry).contains("log in again"))
        #expect(SchwabTokenStatus.valid(refreshExpiresAt: expiry).message(tokenFile: "t.json", now: start).contains("7d 0h left"))
    }

    @Test func aMissingFileIsMissing() {
        #expect(SchwabTokenStatus.check(tokenFile: "/nonexistent/jutsu/schwab-token.json", now: start) == .missing)
    }
}
