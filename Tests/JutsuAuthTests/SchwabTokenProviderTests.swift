import Foundation
import JutsuAuth
import JutsuHTTP
import JutsuReplay
import Testing

/// The provider against the replay server's token endpoint, with an injected clock.
@Suite struct SchwabTokenProviderTests {
    @Test func theStoredTokenIsUsedWithoutARequestWhileValid() async throws {
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute()])
        defer { harness.stop() }
        try harness.store(obtained: start)
        let clock = TestClock(start + 60)
        let provider = harness.provider(now: clock.function)
        #expect(try await provider.accessToken() == accessToken1)
        clock.advance(1800 - 300 - 60 - 1)  // 301 s left: still more than the margin
        #expect(try await provider.accessToken() == accessToken1)
        #expect(harness.server.log.isEmpty)
    }

    @Test func refreshesWithinTheMarginAndRewritesTheFile() async throws {
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute()])
        defer { harness.stop() }
        try harness.store(obtained: start, authorized: start - 86_400)
        let clock = TestClock(start + 1800 - 299)
        let provider = harness.provider(now: clock.function)
        #expect(try await provider.accessToken() == accessToken2)
        #expect(harness.posts.count == 1)
        let post = try #require(harness.posts.first)
        #expect(Dictionary(uniqueKeysWithValues: FormEncoding.decode(post.body)) == ["grant_type": "refresh_token", "refresh_token": refreshToken])
        #expect(post.headers["authorization"] == "Basic " + Data("\(appKey):\(appSecret)".utf8).base64EncodedString())
        #expect(!post.line.contains(refreshToken))

        let stored = try #require(try SchwabTokenFile(path: harness.tokenFile).read())
        #expect(stored.accessToken == accessToken2)
        #expect(stored.refreshToken == refreshToken)
        #expect(stored.obtainedAt == start + 1800 - 299)
        #expect(stored.accessExpiresAt == start + 1800 - 299 + 1800)
        // A refresh does not extend the refresh token: 7 days from the login, still.
        #expect(stored.refreshExpiresAt == start - 86_400 + 7 * 86_400)
        #expect(stored.authorizedAt == start - 86_400)
        #expect(try mode(of: harness.tokenFile) == 0o600)
        // The new token is used from then on without another request.
        #expect(try await provider.accessToken() == accessToken2)
        #expect(harness.posts.count == 1)
    }

    @Test func aTokenAnotherProcessRefreshedIsUsedWithoutARequest() async throws {
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute()])
        defer { harness.stop() }
        try harness.store(obtained: start)
        let clock = TestClock(start + 60)
        let provider = harness.provider(now: clock.function)
        #expect(try await provider.accessToken() == accessToken1)
        // Another run refreshed and rewrote the file; this one's token is now due.
        try harness.store(access: "I0.access-token-from-another-run", obtained: start + 1500, authorized: start)
        clock.advance(1500)
        #expect(try await provider.accessToken() == "I0.access-token-from-another-run")
        #expect(harness.server.log.isEmpty)
    }

    @Test func twentyConcurrentCallersShareOneRefresh() async throws {
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute(faults: [ReplayScenario.Fault(kind: .slow, delayMs: 200)])])
        defer { harness.stop() }
        try harness.store(obtained: start)
        let provider = harness.provider(now: { start + 1700 })
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.accessToken() } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(tokens.count == 20)
        #expect(Set(tokens) == [accessToken2])
        #expect(harness.posts.count == 1)
    }

    @Test func invalidateAfterAnExpiredToken401RefreshesOnce() async throws {
        let dataPath = "/marketdata/v1/pricehistory"
        let harness = try AuthHarness(routes: [
            AuthHarness.refreshRoute(),
            ReplayScenario.Route(path: dataPath, body: #"{"candles":[],"symbol":"AAPL","empty":true}"#,
                                 faults: [ReplayScenario.Fault(kind: .expiredToken)]),
        ])
        defer { harness.stop() }
        try harness.store(obtained: start)
        let provider = harness.provider(now: { start + 600 })
        func get() async throws -> (HTTPResponse, String) {
            let token = try await provider.accessToken()
            let response = try await harness.client.get(HTTPRequest(
                url: harness.server.baseURL + dataPath + "?symbol=AAPL", headers: [HTTPHeader("Authorization", "Bearer \(token)")],
                source: "schwab", secrets: provider.secrets))
            return (response, token)
        }
        let (first, used) = try await get()
        #expect(first.status == 401)
        #expect(used == accessToken1)
        #expect(harness.posts.isEmpty)
        provider.invalidate(used)
        let (second, renewed) = try await get()
        #expect(second.status == 200)
        #expect(renewed == accessToken2)
        #expect(harness.posts.count == 1)
        #expect(harness.server.log.last?.headers["authorization"] == "Bearer \(accessToken2)")
        // A late 401 for the old token (another task's) does not refresh again.
        provider.invalidate(accessToken1)
        #expect(try await provider.accessToken() == accessToken2)
        #expect(harness.posts.count == 1)
    }

    @Test(arguments: [
        (400, #"{"error":"invalid_client","error_description":"refresh token invalid"}"#),
        (401, #"{"error":"invalid_client","error_description":"refresh token invalid"}"#),
        (400, #"{"error":"unsupported_token_type","error_description":"400 Bad Request: \"{\"error_description\":\"Exception while authenticating refresh token [tokenDigest=...]\",\"error\":\"refresh_token_authentication_error\"}\""}"#),
    ])
    func aRefreshTokenTheServerRefusesIsExpiredAndNamesTheAuthCommand(status: Int, body: String) async throws {
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute(status: status, body: body)])
        defer { harness.stop() }
        try harness.store(obtained: start)
        let provider = harness.provider(now: { start + 1800 })
        do {
            _ = try await provider.accessToken()
            Issue.record("expected refreshTokenExpired")
        } catch let error as SchwabAuthError {
            guard case .refreshTokenExpired(let file, _, let server) = error else { Issue.record("\(error)"); return }
            #expect(file == harness.tokenFile)
            #expect(server?.isEmpty == false)
            #expect(error.description.contains("jutsu-ingest auth schwab --pipeline"))
            #expect(error.needsLogin)
            for secret in [appKey, appSecret, refreshToken, accessToken1] { #expect(!error.description.contains(secret)) }
        }
        #expect(harness.posts.count == 1)
        // The file is left as it was (a later login replaces it).
        #expect(try SchwabTokenFile(path: harness.tokenFile).read()?.accessToken == accessToken1)
    }

    @Test func anotherInvalidClientIsARejectionNotAnExpiry() async throws {
        let body = #"{"error":"invalid_client","error_description":"Unauthorized"}"#
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute(status: 401, body: body)])
        defer { harness.stop() }
        try harness.store(obtained: start)
        let provider = harness.provider(now: { start + 1800 })
        await #expect(throws: SchwabAuthError.rejected(status: 401, error: "invalid_client", description: "Unauthorized")) {
            try await provider.accessToken()
        }
    }

    @Test func aRefreshTokenPastSevenDaysFailsWithoutARequest() async throws {
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute()])
        defer { harness.stop() }
        try harness.store(obtained: start + 6 * 86_400, authorized: start)
        let provider = harness.provider(now: { start + 7 * 86_400 + 1 })
        await #expect(throws: SchwabAuthError.refreshTokenExpired(tokenFile: harness.tokenFile, expiredAt: start + 7 * 86_400)) {
            try await provider.accessToken()
        }
        #expect(harness.server.log.isEmpty)
    }

    @Test func noTokenFileIsNotAuthorized() async throws {
        let harness = try AuthHarness(routes: [AuthHarness.refreshRoute()])
        defer { harness.stop() }
        let provider = harness.provider()
        do {
            _ = try await provider.accessToken()
            Issue.record("expected notAuthorized")
        } catch let error as SchwabAuthError {
            #expect(error == .notAuthorized(tokenFile: harness.tokenFile))
            #expect(error.description.contains("jutsu-ingest auth schwab --pipeline"))
        }
        #expect(harness.server.log.isEmpty)
    }

    @Test func secretsAppearInNoErrorAndNoClientLogLine() async throws {
        // 503 three times then a refusal: retries logged, the last error described.
        let harness = try AuthHarness(routes: [
            AuthHarness.refreshRoute(faults: [ReplayScenario.Fault(kind: .status, status: 503, times: 2), ReplayScenario.Fault(kind: .reset)],
                                     status: 400, body: #"{"error":"invalid_request","error_description":"bad refresh_token \#(refreshToken) for \#(appKey)"}"#),
        ])
        defer { harness.stop() }
        try harness.store(obtained: start)
        let provider = harness.provider(now: { start + 1800 })
        var texts: [String] = []
        do {
            _ = try await provider.accessToken()
        } catch {
            texts.append("\(error)")
            texts.append(String(describing: error))
        }
        #expect(texts.count == 2)
        // Two 503s logged, and the reset unless libcurl resent the request itself (it does once
        // when a reused connection closes before any response byte).
        #expect(harness.clientLog.all.count >= 2)
        texts += harness.clientLog.all
        texts += harness.server.log.map(\.line)
        texts.append(try #require(try SchwabTokenFile(path: harness.tokenFile).read()).description)
        let basic = Data("\(appKey):\(appSecret)".utf8).base64EncodedString()
        for text in texts {
            for secret in [appKey, appSecret, refreshToken, accessToken1, basic] {
                #expect(!text.contains(secret), "\(text)")
            }
        }
        #expect(provider.secrets.contains(appKey))
        #expect(provider.secrets.contains(appSecret))
        #expect(provider.secrets.contains(accessToken1))
        #expect(provider.secrets.contains(refreshToken))
    }
}
