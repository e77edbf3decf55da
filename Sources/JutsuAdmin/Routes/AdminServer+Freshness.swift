import Foundation
import Hummingbird
import JutsuCore
import JutsuIngest
import JutsuPipeline
import JutsuStore

extension AdminServer {
    /// `GET /api/v1/freshness`: `jutsu-ingest freshness --format json` from the cached snapshot,
    /// filtered by `tier`, `timeframe`, `symbols` (comma-separated), `status`. The
    /// `X-Jutsu-Snapshot-At` header (and `snapshotted_at`) say when it was evaluated.
    func freshness(_ request: Request) async throws -> Response {
        let filter = try FreshnessFilter(Self.query(request))
        let snapshot: FreshnessSnapshot
        do {
            snapshot = try await freshness.snapshot()
        } catch {
            throw AdminAPIError.database(error)
        }
        guard !filter.isEmpty else {
            if Self.acceptsGzip(request) { return JSONBody.response(snapshot.gzipBody, headers: snapshot.gzipHeaders) }
            return JSONBody.response(snapshot.body, headers: snapshot.headers)
        }
        let rows = snapshot.rows.filter(filter.matches)
        let json = FreshnessReporter.json(rows, at: snapshot.at, warnings: snapshot.warnings)
        return JSONBody.response(ByteBuffer(string: json), headers: snapshot.headers)
    }

    /// Whether `Accept-Encoding` lists gzip (or `*`) without `q=0`.
    static func acceptsGzip(_ request: Request) -> Bool {
        guard let header = request.headers[.acceptEncoding] else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, coding == "gzip" || coding == "*" else { continue }
            let weight = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            if weight > 0 { return true }
        }
        return false
    }

    /// `GET /api/v1/gaps`: `jutsu-ingest gaps --format json`, filtered by `symbols`,
    /// `timeframe`, `since` (YYYY-MM-DD). Computed per request (it reads bar times).
    func gaps(_ request: Request) async throws -> Response {
        let query = Self.query(request)
        let symbols = query["symbols"].map(FreshnessFilter.symbols)
        var timeframe: Timeframe?
        if let text = query["timeframe"] {
            guard let tf = Timeframe(parsing: text) else { throw AdminAPIError.badRequest("timeframe '\(text)' is not a timeframe") }
            timeframe = tf
        }
        var since: CivilDate?
        if let text = query["since"] {
            guard let date = CivilDate(parsing: text) else { throw AdminAPIError.badRequest("since '\(text)': expected YYYY-MM-DD") }
            since = date
        }
        let config = freshness.inputs.config
        let (wantedTimeframe, wantedSince) = (timeframe, since)
        let data: Data
        do {
            data = try await pool.read { connection in
                try GapsReport.json(try GapsReport.find(store: GapsStore(connection: connection), config: config, symbols: symbols,
                                                         timeframe: wantedTimeframe, since: wantedSince))
            }
        } catch {
            throw AdminAPIError.database(error)
        }
        return JSONBody.response(data)
    }
}

/// The filters of `/api/v1/freshness`, validated.
struct FreshnessFilter {
    var tier: FreshnessTier?
    var timeframe: String?
    var symbols: Set<String>?
    var status: FreshnessStatus?

    init(_ query: [String: String]) throws(AdminAPIError) {
        if let text = query["tier"] {
            guard let tier = FreshnessTier(rawValue: text) else {
                throw AdminAPIError.badRequest("tier '\(text)': use critical, standard or low")
            }
            self.tier = tier
        }
        if let text = query["timeframe"] {
            guard let tf = Timeframe(parsing: text) else { throw AdminAPIError.badRequest("timeframe '\(text)' is not a timeframe") }
            timeframe = tf.rawValue
        }
        if let text = query["status"] {
            guard let status = FreshnessStatus(rawValue: text) else {
                throw AdminAPIError.badRequest("status '\(text)': use fresh, aging, stale or missing")
            }
            self.status = status
        }
        symbols = query["symbols"].map(Self.symbols)
    }

    /// Canonical symbols of a comma-separated list (unknown spellings match nothing).
    static func symbols(_ text: String) -> Set<String> {
        Set(text.split(separator: ",").compactMap { try? Symbol(canonicalizing: String($0)).value })
    }

    var isEmpty: Bool { tier == nil && timeframe == nil && symbols == nil && status == nil }

    func matches(_ row: FreshnessRow) -> Bool {
        if let tier, row.tier != tier { return false }
        if let timeframe, row.timeframe != timeframe { return false }
        if let status, row.status != status { return false }
        if let symbols, !symbols.contains(row.symbol) { return false }
        return true
    }
}
