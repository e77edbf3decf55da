import JutsuCore

/// Reads Polygon aggregates responses (ticker ranges, previous close, grouped daily).
///
/// - `status` `OK` and `DELAYED` (plans without real-time data) are both success; `results`
///   is missing when there is nothing in the range.
/// - `t` is epoch milliseconds of the bar's start; daily and longer bars are stamped at
///   midnight America/New_York (weekly ones on the Sunday before the week), so their key is
///   that New York date (then the week's Monday or the month's 1st).
/// - `v` is a float: whole values are exact, fractions are rounded half-even and counted in
///   `volumeRounded`.
/// - `next_url` is exposed as `nextPage` (without the API key, which the client re-appends).
/// - Prices are split-adjusted when the request said `adjusted=true` (`adjustment`).
public enum PolygonAggregates {
    struct Response: Decodable {
        var ticker: String?
        var adjusted: Bool?
        var results: [Aggregate]?
        var status: String?
        var next_url: String?
    }

    struct Aggregate: Decodable {
        var T: String?
        var o: Double?
        var h: Double?
        var l: Double?
        var c: Double?
        var v: Double?
        var t: Int64
    }

    /// Statuses of successful bodies.
    static let success: Set<String> = ["OK", "DELAYED"]

    /// A ticker range (`/v2/aggs/ticker/.../range/...`) or previous close (`/prev`).
    public static func parse(status: Int = 200, body: [UInt8], request: PolygonAggregatesRequest)
        throws(VendorError) -> VendorBars
    {
        let response = try decoded(status: status, body: body)
        if let ticker = response.ticker, ticker.uppercased() != request.ticker.uppercased() {
            throw VendorError(vendor: .polygon, code: .unexpectedShape, status: status,
                              message: "ticker is '\(ticker)', requested '\(request.ticker)'")
        }
        var out = VendorBars(vendor: .polygon, symbol: request.symbol, timeframe: request.timeframe,
                             adjustment: (response.adjusted ?? request.adjusted) ? .splits : .none)
        out.nextPage = response.next_url
        for aggregate in response.results ?? [] {
            out.rowsRead += 1
            let key = self.key(aggregate.t, request.timeframe)
            guard request.window.contains(key) else {
                out.skipped.outsideWindow += 1
                continue
            }
            out.append(row(aggregate, key: key), symbol: request.symbol, vendorSymbol: request.ticker, float32: false)
        }
        if out.rowsRead == 0 { out.notes.append("no results in the window") }
        return out
    }

    /// Grouped daily bars: one per ticker, each under its own canonical symbol (`symbol` is
    /// `nil`); a ticker that is not a valid symbol is a `bad_symbol` reject. Keys come from `t`.
    public static func parseGrouped(status: Int = 200, body: [UInt8], adjusted: Bool = true) throws(VendorError) -> VendorBars {
        let response = try decoded(status: status, body: body)
        var out = VendorBars(vendor: .polygon, symbol: nil, timeframe: .d1,
                             adjustment: (response.adjusted ?? adjusted) ? .splits : .none)
        out.nextPage = response.next_url
        for aggregate in response.results ?? [] {
            out.rowsRead += 1
            let key = self.key(aggregate.t, .d1)
            let ticker = aggregate.T ?? ""
            let row = row(aggregate, key: key)
            do {
                let symbol = try Symbol(canonicalizing: ticker)
                out.append(row, symbol: symbol, vendorSymbol: ticker, float32: false)
            } catch {
                out.rejects.append(VendorReject(
                    location: VendorReject.location(.polygon, ticker, .d1, key: key), symbol: ticker, timeframe: .d1,
                    rawText: ticker + "," + row.text, reason: .badSymbol,
                    message: "field 'T' value '\(ticker)': \(error.message)", ts: key))
            }
        }
        return out
    }

    private static func decoded(status: Int, body: [UInt8]) throws(VendorError) -> Response {
        if let error = classify(status: status, body: body) { throw error }
        return try ResponseBody.decode(Response.self, from: body, vendor: .polygon, status: status)
    }

    private static func key(_ milliseconds: Int64, _ timeframe: Timeframe) -> Int64 {
        let instant = VendorRow.seconds(milliseconds: milliseconds)
        return timeframe.isIntraday
            ? instant : SessionKey.dailyKey(instant: instant, zone: USZone.eastern, timeframe: timeframe)
    }

    private static func row(_ a: Aggregate, key: Int64) -> VendorRow {
        VendorRow(vendorTime: a.t, key: key, open: a.o, high: a.h, low: a.l, close: a.c, volume: a.v)
    }

    /// The request `next_url` stands for, relative to the source's `base_url` (scheme and host
    /// dropped, percent-decoded), so the client can send it to its own base URL (a replay
    /// server in tests) with the API key appended. `nil` if it is not an absolute URL.
    public static func nextRequest(_ nextURL: String) -> VendorRequest? {
        guard let scheme = nextURL.range(of: "://") else { return nil }
        let rest = nextURL[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let pathAndQuery = rest[slash...]
        let parts = pathAndQuery.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts[0].split(separator: "/").map { VendorRequest.decode(String($0)) }
        var query: [(name: String, value: String)] = []
        if parts.count > 1 {
            for item in parts[1].split(separator: "&") {
                let pair = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = VendorRequest.decode(String(pair[0]))
                // A key that came back in the URL is dropped: the client appends its own.
                if name == "apiKey" { continue }
                query.append((name, VendorRequest.decode(pair.count > 1 ? String(pair[1]) : "")))
            }
        }
        return VendorRequest(path: path, query: query)
    }
}
