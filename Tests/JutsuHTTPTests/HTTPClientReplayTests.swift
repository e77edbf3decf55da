import Foundation
import JutsuCore
import JutsuHTTP
import JutsuReplay
import JutsuVendors
import Testing

/// The client against the replay server over real sockets on 127.0.0.1.
@Suite struct HTTPClientReplayTests {
    @Test func getsARecordingAndReusesTheConnection() async throws {
        let harness = try Harness(routes: [], rateLimits: [:])
        let served = ReplayServer(scenario: ReplayScenario(routes: [], serveExchanges: true),
                                  root: realFixtures.appendingPathComponent("yahoo-chart"))
        try served.start()
        defer { served.stop(); harness.server.stop() }
        let query = "?useYfid=true&interval=1d&includePrePost=true&events=div%7Csplit%7Cearn&lang=en-US&period1=1577836800&period2=1578009600"
        let expected = try Harness.aaplBody()
        for _ in 0..<3 {
            let response = try await harness.client.get(HTTPRequest(url: served.baseURL + aaplPath + query, source: "yahoo"))
            #expect(response.status == 200)
            #expect(response.body == expected)
            #expect(response.contentType?.hasPrefix("application/json") == true)
            #expect(response.date != nil)
            #expect(response.attempts == 1)
        }
        #expect(served.connectionsAccepted == 1)
        let first = try #require(served.log.first)
        #expect(first.headers["user-agent"] == "jutsu-ingest/\(HTTPClientConfiguration.version)")
        #expect(first.headers["accept-encoding"]?.contains("gzip") == true)
        #expect(harness.client.counters("yahoo").requests == 3)
        #expect(harness.client.counters("yahoo").bytes == 3 * expected.count)
        // The body parses as the recording does.
        let response = try await harness.client.get(HTTPRequest(url: served.baseURL + aaplPath + query, source: "yahoo"))
        let request = try YahooChartRequest(symbol: "AAPL", timeframe: .d1, window: KeyWindow(from: 1_577_836_800, to: 1_578_009_600), includePrePost: true)
        let bars = try YahooChart.parse(status: response.status, body: response.body, request: request)
        #expect(bars.bars.count == 1)
    }

    /// A connection idle longer than `maxIdleConnectionAge` is not reused: a new one is opened.
    @Test func aConnectionIdleTooLongIsReplaced() async throws {
        let harness = try Harness(routes: [Harness.aapl()], maxIdleConnectionAge: 1)
        defer { harness.server.stop() }
        #expect(try await harness.get(aaplPath).status == 200)
        #expect(try await harness.get(aaplPath).status == 200)
        let reused = harness.server.connectionsAccepted
        try await Task.sleep(for: .milliseconds(2_200))
        #expect(try await harness.get(aaplPath).status == 200)
        #expect(harness.server.connectionsAccepted == reused + 1)
        #expect(harness.server.log.count == 3)
    }

    @Test(arguments: [
        ReplayScenario.Fault(kind: .status, status: 429),
        ReplayScenario.Fault(kind: .status, status: 500),
        ReplayScenario.Fault(kind: .status, status: 502, body: "<html>Bad Gateway</html>"),
        ReplayScenario.Fault(kind: .status, status: 503),
        ReplayScenario.Fault(kind: .reset),
        ReplayScenario.Fault(kind: .truncate),
    ])
    func eachTransientFaultIsRetriedOnce(fault: ReplayScenario.Fault) async throws {
        let harness = try Harness(routes: [Harness.aapl(faults: [fault])])
        defer { harness.server.stop() }
        let expected = try Harness.aaplBody()
        let response = try await harness.get(aaplPath)
        #expect(response.status == 200)
        #expect(response.body == expected)
        #expect(response.attempts == 2)
        #expect(harness.server.log.count == 2)
        #expect(harness.server.log.first?.fault == fault.kind.rawValue)
        let counters = harness.client.counters("yahoo")
        #expect(counters.requests == 2)
        #expect(counters.retries == 1)
        #expect(counters.tooManyRequests == (fault.status == 429 ? 1 : 0))
        #expect(harness.clientLog.all.count == 1)
    }

    @Test func truncatedBodyIsATypedErrorWhenRetriesRunOut() async throws {
        let harness = try Harness(routes: [Harness.aapl(faults: [ReplayScenario.Fault(kind: .truncate, times: 3)])],
                                  retry: RetryPolicy(maxRetries: 2, baseDelay: 0.01))
        defer { harness.server.stop() }
        let error = await #expect(throws: HTTPError.self) { try await harness.get(aaplPath) }
        #expect(error?.code == .truncatedBody)
        #expect(error?.attempts == 3)
        #expect(harness.server.log.count == 3)
        #expect(harness.client.counters("yahoo").transportErrors == 3)
    }

    @Test func retriesRunOutOnPersistent503AndTheLastResponseIsReturned() async throws {
        let harness = try Harness(routes: [Harness.aapl(faults: [ReplayScenario.Fault(kind: .status, status: 503, times: 10)])],
                                  retry: RetryPolicy(maxRetries: 3, baseDelay: 0.01))
        defer { harness.server.stop() }
        let response = try await harness.get(aaplPath)
        #expect(response.status == 503)
        #expect(response.attempts == 4)
        #expect(harness.server.log.count == 4, "\(harness.server.log.map(\.line)) \(harness.clientLog.all)")
        #expect(harness.client.counters("yahoo").retries == 3)
    }

    @Test(arguments: [404, 400, 401, 403, 422])
    func otherClientErrorsAreNotRetried(status: Int) async throws {
        let harness = try Harness(routes: [ReplayScenario.Route(path: aaplPath, body: #"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#, status: status)])
        defer { harness.server.stop() }
        let response = try await harness.get(aaplPath)
        #expect(response.status == status)
        #expect(response.attempts == 1)
        #expect(harness.server.log.count == 1)
        #expect(harness.client.counters("yahoo").retries == 0)
    }

    @Test func expiredTokenIsA401ForTheCallerNotARetry() async throws {
        let harness = try Harness(routes: [Harness.aapl(faults: [ReplayScenario.Fault(kind: .expiredToken)])])
        defer { harness.server.stop() }
        let response = try await harness.get(aaplPath, headers: [HTTPHeader("Authorization", "Bearer expired-token-abc")])
        #expect(response.status == 401)
        #expect(harness.server.log.count == 1)
        #expect(String(decoding: response.body, as: UTF8.self).contains("invalid_token"))
    }

    @Test func invalidJSONArrivesAsA200AndTheParserSaysRetry() async throws {
        let harness = try Harness(routes: [Harness.aapl(faults: [ReplayScenario.Fault(kind: .invalidJSON)])])
        defer { harness.server.stop() }
        let response = try await harness.get(aaplPath)
        #expect(response.status == 200)
        let request = try YahooChartRequest(symbol: "AAPL", timeframe: .d1, window: KeyWindow(from: 1_577_836_800, to: 1_578_009_600), includePrePost: true)
        let error = #expect(throws: VendorError.self) { try YahooChart.parse(status: response.status, body: response.body, request: request) }
        #expect(error?.code == .malformedBody)
        #expect(error?.handling == .retry)
    }

    @Test func retryAfterSecondsIsWaitedMeasuredAtTheServer() async throws {
        let harness = try Harness(routes: [Harness.aapl(faults: [ReplayScenario.Fault(kind: .status, status: 429, retryAfter: "1", body: "Too Many Requests")])])
        defer { harness.server.stop() }
        let response = try await harness.get(aaplPath)
        #expect(response.status == 200)
        let log = harness.server.log
        #expect(log.count == 2)
        let gap = log[1].monotonic - log[0].monotonic
        // Waited at least Retry-After, measured at the server. How much longer is up to the
        // scheduler (in the full suite, blocking tests can hold the cooperative threads for a
        // minute): the wait the client chose is read from its log instead.
        #expect(gap >= 1.0, "waited \(gap) s for Retry-After: 1")
        #expect(Self.plannedDelay(harness.clientLog.all) == 1.0, "\(harness.clientLog.all)")
        #expect(harness.client.counters("yahoo").tooManyRequests == 1)
    }

    @Test func retryAfterHTTPDateIsWaitedMeasuredAtTheServer() async throws {
        let when = HTTPDate.format(Date().addingTimeInterval(3))
        let harness = try Harness(routes: [Harness.aapl(faults: [ReplayScenario.Fault(kind: .status, status: 503, retryAfter: when)])])
        defer { harness.server.stop() }
        _ = try await harness.get(aaplPath)
        let log = harness.server.log
        let gap = log[1].monotonic - log[0].monotonic
        // Both dates are whole seconds: the wait is 2 or 3 s.
        #expect(gap >= 1.5, "waited \(gap) s for Retry-After: \(when)")
        let planned = Self.plannedDelay(harness.clientLog.all) ?? -1
        #expect(planned >= 1.5 && planned <= 3.5, "\(harness.clientLog.all)")
    }

    /// The wait of the first retry, from the client's log line `... retry 1/N in 1.000 s (...)`.
    static func plannedDelay(_ lines: [String]) -> Double? {
        guard let line = lines.first(where: { $0.contains(" retry 1/") }),
              let range = line.range(of: #" in [0-9.]+ s"#, options: .regularExpression) else { return nil }
        return Double(line[range].dropFirst(4).dropLast(2))
    }

    @Test func slowResponseTimesOutAndIsRetried() async throws {
        // Generous for the second, normal answer: the full suite loads both cores.
        let harness = try Harness(routes: [Harness.aapl(faults: [ReplayScenario.Fault(kind: .slow, delayMs: 4000)])], totalTimeout: 2)
        defer { harness.server.stop() }
        let response = try await harness.get(aaplPath)
        #expect(response.status == 200)
        #expect(response.attempts == 2)
        #expect(harness.clientLog.all.first?.hasPrefix("timeout:") == true)
    }

    @Test func connectionRefusedIsNotRetried() async throws {
        let harness = try Harness(routes: [])
        let port = harness.server.port
        harness.server.stop()
        let client = HTTPClient(configuration: HTTPClientConfiguration(retry: RetryPolicy(baseDelay: 0.01), rateLimits: [:]))
        let error = await #expect(throws: HTTPError.self) {
            try await client.get(HTTPRequest(url: "http://127.0.0.1:\(port)/x", source: "yahoo"))
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.attempts == 1)
    }

    @Test func rateLimiterNeverExceedsItsRateMeasuredFromTheServerLog() async throws {
        let rate = 10.0
        let harness = try Harness(routes: [Harness.aapl()], rateLimits: ["yahoo": RateLimit(requests: rate, per: 1)])
        defer { harness.server.stop() }
        let count = 16
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<count { group.addTask { try await harness.get(aaplPath).status } }
            for try await status in group { #expect(status == 200) }
        }
        let times = harness.server.log.map(\.monotonic).sorted()
        #expect(times.count == count)
        // In any span of t seconds at most burst + rate * t requests arrive. The client spaces
        // the sends exactly; arrivals at the server also carry connection set-up and thread
        // scheduling, which in the full suite (every suite in parallel on two cores) reach
        // hundreds of milliseconds: 0.5 s of slack. Without a limiter the 16 requests arrive
        // within a few milliseconds, which this still refuses.
        let slack = 0.5
        for i in 0..<times.count {
            for j in (i + 1)..<times.count {
                let span = times[j] - times[i] + slack
                #expect(Double(j - i + 1) <= 1 + rate * span, "\(j - i + 1) requests in \(times[j] - times[i]) s")
            }
        }
        #expect(times.last! - times.first! >= Double(count - 1) / rate - slack)
    }

    @Test func secretsAppearInNoErrorOrLogLine() async throws {
        let apiKey = "pk_live_SECRETKEY_9d8f7e"
        let token = "eyJSECRETACCESSTOKEN.abc"
        let harness = try Harness(routes: [Harness.aapl(faults: [
            ReplayScenario.Fault(kind: .status, status: 429),
            ReplayScenario.Fault(kind: .status, status: 503),
            ReplayScenario.Fault(kind: .reset),
            ReplayScenario.Fault(kind: .slow, delayMs: 1500),
            ReplayScenario.Fault(kind: .truncate, times: 5),
        ])], retry: RetryPolicy(maxRetries: 4, baseDelay: 0.01), totalTimeout: 0.5)
        defer { harness.server.stop() }
        let error = await #expect(throws: HTTPError.self) {
            try await harness.get(aaplPath + "?interval=1d&apiKey=\(apiKey)&token=\(token)",
                                  headers: [HTTPHeader("Authorization", "Bearer \(token)")], secrets: [apiKey, token])
        }
        let texts = [error.map { "\($0)" } ?? "", error?.url ?? ""] + harness.clientLog.all + harness.serverLog.all
        #expect(harness.clientLog.all.count == 5)
        for text in texts {
            #expect(!text.contains(apiKey) && !text.contains(token), "secret in: \(text)")
        }
        #expect(error?.url.contains("apiKey=REDACTED") == true)
        // The secrets did reach the server: redaction is in what is shown, not what is sent.
        #expect(harness.server.log.first?.query.contains(apiKey) == true)
        #expect(harness.server.log.first?.headers["authorization"] == "Bearer \(token)")
    }
}
