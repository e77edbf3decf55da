import Foundation
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuReplay
import JutsuTestSupport
import Testing

/// A 50-symbol Yahoo backfill against the replay server with every fault the vendors are known
/// to produce, each on its own symbols. Measured from the server's log: the bars, every retry,
/// `Retry-After` honoured, the rate limit never exceeded.
@Suite struct FaultMatrixTests {
    /// The faults, by symbol number modulo 10, and the requests each costs before the recording.
    static func faults(_ i: Int) -> (faults: [ReplayScenario.Fault], retries: Int) {
        switch i % 10 {
        case 0: ([ReplayScenario.Fault(kind: .status, status: 429, retryAfter: "1")], 1)
        case 1: ([ReplayScenario.Fault(kind: .status, status: 429, body: "Too Many Requests")], 1)
        case 2: ([ReplayScenario.Fault(kind: .status, status: 500)], 1)
        case 3: ([ReplayScenario.Fault(kind: .status, status: 502, body: "<html><body>Bad Gateway</body></html>")], 1)
        case 4: ([ReplayScenario.Fault(kind: .status, status: 503, times: 2)], 2)
        case 5: ([ReplayScenario.Fault(kind: .reset)], 1)
        case 6: ([ReplayScenario.Fault(kind: .truncate)], 1)
        case 7: ([ReplayScenario.Fault(kind: .invalidJSON)], 1)
        case 8: ([ReplayScenario.Fault(kind: .slow, delayMs: 2_500)], 1)   // beyond the 1 s timeout
        default: ([], 0)
        }
    }

    static let symbols = (0..<50).map { String(format: "F%02d", $0) }
    /// Special cases: F48 answers 503 more often than the retries allow; F49 is delisted.
    static let exhausted = "F48", delisted = "F49"
    static let perMinute = 1_200   // 20 requests a second

    @Test func fiftySymbolsWithInjectedFaultsEndWithExactlyTheExpectedBars() throws {
        var routes: [ReplayScenario.Route] = []
        var expectedRequests: [String: Int] = [:]
        for (i, symbol) in Self.symbols.enumerated() {
            switch symbol {
            case Self.exhausted:
                routes.append(try VendorHarness.yahooRoute(symbol, faults: [ReplayScenario.Fault(kind: .status, status: 503, times: 20)]))
                expectedRequests[symbol] = 6   // the first request and 5 retries
            case Self.delisted:
                routes.append(ReplayScenario.Route(
                    path: "/v8/finance/chart/\(symbol)", status: 404, contentType: "application/json",
                    faults: nil).with(body: #"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}}"#))
                expectedRequests[symbol] = 1   // never retried
            default:
                let (faults, retries) = Self.faults(i)
                routes.append(try VendorHarness.yahooRoute(symbol, faults: faults))
                expectedRequests[symbol] = 1 + retries
            }
        }
        let h = try VendorHarness("vfaults", routes: routes)
        let spec = try h.spec(.yahoo, symbols: Self.symbols, concurrency: 8,
                              options: ["rate_limit": String(Self.perMinute), "timeout": "1", "retry_base_ms": "100"])
        let summary = try h.run(spec)

        // Exactly the expected bars: 48 series of 49 sessions; two failed series, nothing of theirs stored.
        #expect(summary.status == .partial)
        #expect(summary.totals == .init(read: 48 * 49, inserted: 48 * 49), "\(summary.totals)")
        let failed = summary.series.filter { $0.status == .failed }
        #expect(failed.map(\.symbol) == [Self.exhausted, Self.delisted])
        #expect(failed.first?.error?.contains("503") == true, "\(failed.first?.error ?? "")")
        #expect(failed.last?.error?.contains("delisted") == true, "\(failed.last?.error ?? "")")
        #expect(try h.db.scalar("SELECT count(*) FROM market_data") == 48 * 49)
        #expect(try h.db.scalar("SELECT count(DISTINCT symbol) FROM market_data") == 48)
        #expect(try h.db.scalar("SELECT count(*) FROM pipeline_series_state WHERE last_status = 'failed'") == 2)

        // Every retry happened and is recorded: per symbol at the server, in total in the run.
        let log = h.server.log
        try? log.map { "\($0.monotonic) conn=\($0.connection) \($0.path) \($0.status.map(String.init) ?? "reset") \($0.fault ?? "")" }
            .joined(separator: "\n").write(toFile: "/tmp/faultmatrix.log", atomically: true, encoding: .utf8)
        for symbol in Self.symbols {
            let seen = log.filter { $0.path == "/v8/finance/chart/\(symbol)" }.count
            #expect(seen == expectedRequests[symbol], "\(symbol): \(seen) requests, expected \(expectedRequests[symbol]!)")
        }
        let totalRequests = expectedRequests.values.reduce(0, +)
        #expect(log.count == totalRequests)
        #expect(summary.http["yahoo"]?.requests == totalRequests)
        #expect(summary.http["yahoo"]?.retries == totalRequests - 50)
        #expect(summary.http["yahoo"]?.rateLimited == 10)   // five 429s with Retry-After, five without
        #expect(try h.db.scalar("SELECT (details->'http'->'yahoo'->>'retries')::int FROM ingest_runs") == Int64(totalRequests - 50))

        // Retry-After: 1 s waited, measured between the 429 and the next request at the server.
        for symbol in Self.symbols.enumerated().filter({ $0.offset % 10 == 0 }).map(\.element) {
            let times = log.filter { $0.path == "/v8/finance/chart/\(symbol)" }.map(\.monotonic)
            #expect(times.count == 2 && times[1] - times[0] >= 0.99, "\(symbol): \(times)")
        }

        // The rate limit, from the server's clock: in any span of t seconds at most 1 + rate * t
        // requests start (a token bucket of burst 1), with 50 ms for scheduling.
        let starts = log.map(\.monotonic).sorted()
        let rate = Double(Self.perMinute) / 60
        for i in starts.indices {
            for j in (i + 1)..<starts.count {
                let span = starts[j] - starts[i]
                #expect(Double(j - i + 1) <= 1 + rate * (span + 0.05), "\(j - i + 1) requests in \(span) s")
            }
        }
    }
}

extension ReplayScenario.Route {
    func with(body: String) -> ReplayScenario.Route {
        var copy = self
        copy.body = body
        return copy
    }
}
