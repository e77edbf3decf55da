import Foundation
import JutsuAuth
import JutsuHTTP
import JutsuReplay
import Testing

/// The code exchange and the redirect URL, against the replay server over real sockets.
@Suite struct SchwabOAuthTests {
    @Test func exchangeWritesTheTokenFileOwnerOnlyWithTheRightExpiries() async throws {
        let harness = try AuthHarness(routes: [AuthHarness.exchangeRoute()])
        defer { harness.stop() }
        let token = try await harness.oauth(now: { start + 0.75 }).exchange(code: "C0.code-with-at@")
        try SchwabTokenFile(path: harness.tokenFile).write(token)

        #expect(try mode(of: harness.tokenFile) == 0o600)
        #expect(try mode(of: harness.directory.appendingPathComponent("secrets").path) == 0o700)
        let stored = try #require(try SchwabTokenFile(path: harness.tokenFile).read())
        #expect(stored == token)
        #expect(stored.accessToken == accessToken1)
        #expect(stored.refreshToken == refreshToken)
        #expect(stored.authorizedAt == start)
        #expect(stored.obtainedAt == start)
        #expect(stored.accessExpiresAt == start + 1800)
        #expect(stored.refreshExpiresAt == start + 7 * 86_400)
        // The file is JSON with the documented keys, no temporary file left behind.
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: harness.tokenFile))) as? [String: Any])
        #expect(Set(json.keys) == ["access_token", "refresh_token", "access_expires_at", "refresh_expires_at", "token_type", "scope",
                                   "obtained_at", "authorized_at"])
        #expect(json["refresh_expires_at"] as? String == "2026-11-15T14:00:00Z")
        let names = try FileManager.default.contentsOfDirectory(atPath: harness.directory.appendingPathComponent("secrets").path)
        #expect(names == ["schwab-token.json"])

        // What went over the wire: Basic credentials and the form, the code decoded once.
        let post = try #require(harness.posts.first)
        #expect(harness.posts.count == 1)
        let basic = Data("\(appKey):\(appSecret)".utf8).base64EncodedString()
        #expect(post.headers["authorization"] == "Basic \(basic)")
        #expect(post.headers["content-type"] == FormEncoding.contentType)
        let form = Dictionary(uniqueKeysWithValues: FormEncoding.decode(post.body))
        #expect(form == ["grant_type": "authorization_code", "code": "C0.code-with-at@", "redirect_uri": "https://127.0.0.1"])
        #expect(post.body.contains("code=C0.code-with-at%40"))
        // The server's log line redacts the code.
        #expect(!post.line.contains("C0.code-with-at"))
    }

    @Test func aRewriteReplacesTheFileAndKeepsItOwnerOnly() throws {
        let harness = try AuthHarness(routes: [])
        defer { harness.stop() }
        try harness.store(obtained: start)
        chmod(harness.tokenFile, 0o600)
        try harness.store(access: accessToken2, obtained: start + 60)
        #expect(try SchwabTokenFile(path: harness.tokenFile).read()?.accessToken == accessToken2)
        #expect(try mode(of: harness.tokenFile) == 0o600)
    }

    @Test func aTokenFileOthersCanReadIsRefused() throws {
        let harness = try AuthHarness(routes: [])
        defer { harness.stop() }
        try harness.store(obtained: start)
        chmod(harness.tokenFile, 0o644)
        #expect(throws: SchwabAuthError.self) { try SchwabTokenFile(path: harness.tokenFile).read() }
        do throws(SchwabAuthError) {
            _ = try SchwabTokenFile(path: harness.tokenFile).read()
        } catch {
            #expect(error.description.contains("chmod 600"))
            #expect(!error.description.contains(accessToken1))
        }
        #expect(SchwabTokenStatus.check(tokenFile: harness.tokenFile, now: start).name == "unreadable")
    }

    @Test func aRefusedCodeIsRejectedWithTheServersWords() async throws {
        let body = #"{"error":"invalid_grant","error_description":"authorization code expired"}"#
        let harness = try AuthHarness(routes: [
            ReplayScenario.Route(method: "POST", path: tokenPath, body: body, status: 400, form: ["grant_type": "authorization_code"]),
        ])
        defer { harness.stop() }
        do throws(SchwabAuthError) {
            _ = try await harness.oauth().exchange(code: "C0.old-code@")
            Issue.record("expected a rejection")
        } catch {
            #expect(error == .rejected(status: 400, error: "invalid_grant", description: "authorization code expired"))
            #expect(!error.description.contains("C0.old-code"))
            #expect(!error.description.contains(appSecret))
        }
        #expect(harness.posts.count == 1)  // a 400 is not retried
    }

    @Test func tokenPostIsRetriedOn503() async throws {
        let harness = try AuthHarness(routes: [
            ReplayScenario.Route(method: "POST", path: tokenPath, body: AuthHarness.grant(access: accessToken1),
                                 faults: [ReplayScenario.Fault(kind: .status, status: 503)], form: ["grant_type": "authorization_code"]),
        ])
        defer { harness.stop() }
        let token = try await harness.oauth().exchange(code: "C0.code@")
        #expect(token.accessToken == accessToken1)
        #expect(harness.posts.count == 2)
        #expect(harness.posts.allSatisfy { $0.body == harness.posts[0].body })
        #expect(harness.clientLog.all.count == 1)
        #expect(harness.clientLog.all[0].hasPrefix("POST http://127.0.0.1:"))
        for line in harness.clientLog.all {
            for secret in [appKey, appSecret, "C0.code"] { #expect(!line.contains(secret)) }
        }
    }

    @Test func authorizationURLCarriesTheAppKeyAndRedirect() {
        let url = SchwabOAuth.authorizationURL(appKey: "KEY1", redirectURI: "https://127.0.0.1")
        #expect(url == "https://api.schwabapi.com/v1/oauth/authorize?client_id=KEY1&redirect_uri=https%3A%2F%2F127.0.0.1")
    }

    @Test func codeFromRedirectDecodesPercentAt() throws {
        let pasted = "https://127.0.0.1/?code=C0.b2F1dGgyLmJkYy5zY2h3YWIuY29t.abc%40&session=9f1c2d3e-0000-4000-8000-000000000000\n"
        #expect(try SchwabOAuth.code(fromRedirect: pasted, redirectURI: "https://127.0.0.1") == "C0.b2F1dGgyLmJkYy5zY2h3YWIuY29t.abc@")
        #expect(try SchwabOAuth.code(fromRedirect: "https://127.0.0.1?session=s&code=X%40Y") == "X@Y")
    }

    @Test(arguments: [
        ("https://127.0.0.1/?session=abc", "no `code`"),
        ("https://127.0.0.1/?code=&session=abc", "empty"),
        ("https://example.com/?code=X%40", "redirect_uri"),
        ("https://api.schwabapi.com/v1/oauth/authorize?client_id=K&redirect_uri=https://127.0.0.1", "redirect_uri"),
        ("", "nothing was pasted"),
        ("C0.just-a-code", "not a URL"),
        ("https://127.0.0.1/?error=access_denied", "not approved"),
    ])
    func badRedirectsAreTypedErrors(pasted: String, says: String) {
        do throws(SchwabAuthError) {
            _ = try SchwabOAuth.code(fromRedirect: pasted, redirectURI: "https://127.0.0.1")
            Issue.record("expected badRedirect for \(pasted)")
        } catch {
            guard case .badRedirect(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains(says), "\(reason)")
        }
    }

    @Test func formEncodingEscapesEverythingButUnreserved() {
        #expect(FormEncoding.encode([("code", "a@b=c&d"), ("x", "1 2+3/")]) == "code=a%40b%3Dc%26d&x=1%202%2B3%2F")
        let decoded = FormEncoding.decode("code=a%40b%3Dc%26d&x=1+2%2B3%2F")
        #expect(decoded.map(\.0) == ["code", "x"])
        #expect(decoded.map(\.1) == ["a@b=c&d", "1 2+3/"])
    }
}
