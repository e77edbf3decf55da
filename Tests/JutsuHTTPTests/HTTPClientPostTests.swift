import Foundation
import JutsuHTTP
import JutsuReplay
import Testing

/// Form POSTs (OAuth token requests) over the same client as GETs.
@Suite struct HTTPClientPostTests {
    static let tokenPath = "/v1/oauth/token"

    @Test func aFormIsPostedRetriedOnResetAndAGetAfterItIsAGet() async throws {
        let harness = try Harness(routes: [
            ReplayScenario.Route(method: "POST", path: Self.tokenPath, body: #"{"access_token":"x"}"#,
                                 faults: [ReplayScenario.Fault(kind: .status, status: 502), ReplayScenario.Fault(kind: .reset)],
                                 form: ["grant_type": "refresh_token"]),
            Harness.aapl(),
        ])
        defer { harness.server.stop() }
        let body = FormEncoding.body([("grant_type", "refresh_token"), ("refresh_token", "R/1+2=3@")])
        let response = try await harness.client.post(
            HTTPRequest(url: harness.url(Self.tokenPath), headers: [HTTPHeader("Authorization", "Basic c2VjcmV0")], source: "schwab",
                        secrets: ["R/1+2=3@"]),
            body: body, contentType: FormEncoding.contentType)
        #expect(response.status == 200)
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"access_token":"x"}"#)
        let posts = harness.server.log.filter { $0.method == "POST" }
        #expect(posts.count >= 2)  // 502, reset (libcurl may resend that one itself on a reused connection), 200
        #expect(posts.allSatisfy { $0.body == "grant_type=refresh_token&refresh_token=R%2F1%2B2%3D3%40" })
        #expect(posts.allSatisfy { $0.headers["content-type"] == FormEncoding.contentType && $0.headers["expect"] == nil })
        #expect(harness.clientLog.all.allSatisfy { $0.hasPrefix("POST ") && !$0.contains("R/1+2=3@") && !$0.contains("c2VjcmV0") })
        #expect(harness.serverLog.all.allSatisfy { !$0.contains("R%2F1") })
        // The same handle then sends a GET, without a body.
        let get = try await harness.get(aaplPath)
        #expect(get.status == 200)
        #expect(harness.server.log.last?.method == "GET")
        #expect(harness.server.log.last?.body == "")
    }

    @Test func aPostWithNoAnswerIsAnHTTPErrorNamingPOST() async throws {
        let harness = try Harness(routes: [
            ReplayScenario.Route(method: "POST", path: Self.tokenPath, body: "{}", faults: [ReplayScenario.Fault(kind: .reset, times: 10)]),
        ], retry: RetryPolicy(maxRetries: 1, baseDelay: 0.01))
        defer { harness.server.stop() }
        let error = await #expect(throws: HTTPError.self) {
            try await harness.client.post(HTTPRequest(url: harness.url(Self.tokenPath), source: "schwab"), body: [], contentType: FormEncoding.contentType)
        }
        #expect(error?.method == "POST")
        #expect(error?.description.contains("for POST http://127.0.0.1:") == true)
    }
}
