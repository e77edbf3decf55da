import JutsuCore
import Testing

@testable import JutsuVendors

/// The transcribed error bodies of `fixtures/real/error-bodies/` and made-up faults map to typed
/// errors that say what to do.
@Suite struct VendorErrorTests {
    typealias Expected = (code: VendorError.Code, handling: VendorError.Handling, message: String)

    static func check(_ error: VendorError?, _ expected: Expected, _ name: String) {
        #expect(error?.code == expected.code, "\(name)")
        #expect(error?.handling == expected.handling, "\(name)")
        #expect(error?.message.hasPrefix(expected.message) == true, "\(name): \(error?.message ?? "nil")")
    }

    @Test func yahooBodies() throws {
        let bodies = try Recordings.errorBodies("yahoo")
        let expected: [String: Expected] = [
            "chart_404_unknown_symbol": (.noData, .failSeries, "Not Found: No data found, symbol may be delisted"),
            "chart_422_intraday_out_of_range_1m": (.rangeNotAvailable, .requestBug, "Unprocessable Entity: 1m data not available"),
            "chart_422_1m_window_too_long": (.rangeNotAvailable, .requestBug, "'1m data not available for startTime=1420099200"),
            "chart_422_5m_out_of_range": (.rangeNotAvailable, .requestBug, "Unprocessable Entity: 5m data"),
            "chart_422_1h_out_of_range": (.rangeNotAvailable, .requestBug, "Unprocessable Entity: 1h data"),
            "chart_400_bad_interval": (.invalidRequest, .requestBug, "Bad Request: Invalid input - interval=45m is not supported"),
            "legacy_v7_download_401": (.unauthorized, .failSource, "unauthorized: User is not logged in"),
            "rate_limited_429": (.rateLimited, .retry, "'Too Many Requests'"),
        ]
        for (name, e) in expected {
            let entry = try #require(bodies[name], "\(name)")
            Self.check(YahooChart.classify(status: entry.status ?? 200, body: entry.body), e, name)
            // parse throws the same error.
            let request = try YahooChartRequest(symbol: "AAPL", timeframe: .d1, window: KeyWindow(from: 0, to: 86_400))
            #expect(throws: YahooChart.classify(status: entry.status ?? 200, body: entry.body)!) {
                try YahooChart.parse(status: entry.status ?? 200, body: entry.body, request: request)
            }
        }
        // The v7 "forbidden" body has no status in the transcription: read at 403.
        let forbidden = try #require(bodies["legacy_v7_download_forbidden"])
        Self.check(YahooChart.classify(status: 403, body: forbidden.body), (.notEntitled, .failSource, "forbidden"), "forbidden")
        // The plain-text 429 is recognised by its text even with another status (getcrumb answers 200).
        Self.check(YahooChart.classify(status: 200, body: Array("Too Many Requests\n".utf8)),
                   (.rateLimited, .retry, "'Too Many Requests"), "text 429")
        Self.check(YahooChart.classify(status: 503, body: Array("<html>Will be right back...</html>".utf8)),
                   (.unavailable, .retry, "Yahoo is down"), "outage")
        Self.check(YahooChart.classify(status: 502, body: []), (.unavailable, .retry, "empty body"), "502")
        #expect(YahooChart.classify(status: 200, body: Array("{}".utf8)) == nil)
    }

    @Test func truncatedAndGarbledBodiesAreRetried() throws {
        let exchange = try Recordings.exchange("yahoo-chart/chart-AAPL-2020-08-31-to-2020-11-07.json")
        let request = try YahooChartTests.request(exchange)
        #expect {
            _ = try YahooChart.parse(body: Array(exchange.body.prefix(700)), request: request)
        } throws: { ($0 as? VendorError).map { $0.code == .malformedBody && $0.isRetryable } ?? false }
        // JSON of another shape is not retried.
        #expect {
            _ = try YahooChart.parse(body: Array(#"{"chart":{"result":[{"meta":{},"timestamp":"x"}]}}"#.utf8), request: request)
        } throws: { ($0 as? VendorError).map { $0.code == .unexpectedShape && $0.handling == .failSeries } ?? false }
        #expect {
            _ = try YahooChart.parse(body: Array(#"{"chart":{"result":[],"error":null}}"#.utf8), request: request)
        } throws: { ($0 as? VendorError)?.message == "neither chart.result nor chart.error" }
    }

    @Test func schwabBodies() throws {
        let bodies = try Recordings.errorBodies("schwab")
        let expected: [String: (status: Int, expected: Expected)] = [
            "api_401_client_not_authorized": (401, (.unauthorized, .failSource, "Unauthorized: Client not authorized")),
            // `status` as a string in the body.
            "api_404_bad_symbol": (404, (.noData, .failSeries, "Not Found")),
            "oauth_refresh_rejected": (400, (.unauthorized, .failSource, "unsupported_token_type: 400 Bad Request")),
            "gateway_body_too_big": (500, (.responseTooLarge, .requestBug, "Body buffer overflow: protocol.http.TooBigBody")),
            "tda_era_429": (429, (.rateLimited, .retry, "Individual App's transactions per seconds restriction reached")),
        ]
        for (name, e) in expected {
            let entry = try #require(bodies[name], "\(name)")
            Self.check(SchwabPriceHistory.classify(status: entry.status ?? e.status, body: entry.body), e.expected, name)
        }
        // The body's status wins: a 200 carrying {"errors":[{"status":"404"}]}.
        let inBody = Array(#"{"errors":[{"id":"x","status":"404","title":"Not Found"}]}"#.utf8)
        #expect(SchwabPriceHistory.classify(status: 200, body: inBody)?.status == 404)
        let expired = Array(#"{"error":"invalid_client","error_description":"refresh token invalid"}"#.utf8)
        Self.check(SchwabPriceHistory.classify(status: 401, body: expired),
                   (.unauthorized, .failSource, "invalid_client: refresh token invalid"), "refresh expired")
        Self.check(SchwabPriceHistory.classify(status: 403, body: Array("<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD></HTML>".utf8)),
                   (.unavailable, .retry, "'<HTML><HEAD><TITLE>Access Denied"), "akamai")
        Self.check(SchwabPriceHistory.classify(status: 503, body: []), (.unavailable, .retry, "empty body"), "503")
        #expect(SchwabPriceHistory.classify(status: 200, body: Array(#"{"candles":[],"symbol":"AAPL","empty":true}"#.utf8)) == nil)
    }

    @Test func polygonBodies() throws {
        let bodies = try Recordings.errorBodies("polygon")
        let expected: [String: Expected] = [
            "not_entitled_403": (.notEntitled, .failSource, "NOT_AUTHORIZED: You are not entitled to this data"),
            "unknown_key_401": (.unauthorized, .failSource, "ERROR: Unknown API Key"),
            // The message key varies: `error` here.
            "bad_param_400": (.invalidRequest, .requestBug, "ERROR: Failed to parse query parameters"),
            "rate_limit_429": (.rateLimited, .retry, "empty body"),
            "gateway_504_html": (.unavailable, .retry, "'<html><head><title>504 Gateway Time-out"),
        ]
        for (name, e) in expected {
            let entry = try #require(bodies[name], "\(name)")
            Self.check(PolygonAggregates.classify(status: entry.status ?? 200, body: entry.body), e, name)
        }
        let limited = Array(#"{"status":"ERROR","request_id":"x","error":"You've exceeded the maximum requests per minute"}"#.utf8)
        Self.check(PolygonAggregates.classify(status: 429, body: limited), (.rateLimited, .retry, "ERROR: You've exceeded"), "429 json")
        #expect(PolygonAggregates.classify(status: 200, body: Array(#"{"status":"DELAYED"}"#.utf8)) == nil)
        #expect(PolygonAggregates.classify(status: 200, body: Array(#"{"status":"OK"}"#.utf8)) == nil)
        // A 200 whose status is not a success.
        Self.check(PolygonAggregates.classify(status: 200, body: Array(#"{"status":"NOT_AUTHORIZED","message":"no"}"#.utf8)),
                   (.notEntitled, .failSource, "NOT_AUTHORIZED: no"), "200 not authorized")
        Self.check(PolygonAggregates.classify(status: 200, body: []), (.malformedBody, .retry, "empty body"), "200 empty")
    }

    @Test func descriptionNamesVendorCodeAndStatus() {
        let error = VendorError(vendor: .yahoo, code: .noData, status: 404, message: "Not Found: No data found")
        #expect(error.description == "yahoo: no_data (HTTP 404): Not Found: No data found")
    }
}
