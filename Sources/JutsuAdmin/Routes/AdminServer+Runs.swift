import Foundation
import Hummingbird
import JutsuIngest
import JutsuStore

extension AdminServer {
    static let runStatuses = ["running", "succeeded", "partial", "failed", "aborted"]

    struct RunPage: Encodable {
        var items: [RunHistory.Entry]
        var nextCursor: Int64?
        var limit: Int

        enum CodingKeys: String, CodingKey { case items, nextCursor = "next_cursor", limit }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(items, forKey: .items)
            try c.encode(nextCursor, forKey: .nextCursor)   // null on the last page
            try c.encode(limit, forKey: .limit)
        }
    }

    /// `GET /api/v1/runs`: newest first; `limit` (default 50, at most 500), `cursor` (or
    /// `before`: a run id; the previous page's `next_cursor`), `pipeline`, `status`, `since`
    /// (ISO 8601 instant or date).
    func runs(_ request: Request) async throws -> Response {
        let query = Self.query(request)
        var limit = 50
        if let text = query["limit"] {
            guard let n = Int(text), (1...500).contains(n) else { throw AdminAPIError.badRequest("limit '\(text)': use 1 to 500") }
            limit = n
        }
        // `cursor` and its alias `before`: each given one must be a run id; both are upper bounds
        // (runs older than the id), so together the smaller one holds.
        var before: Int64?
        for name in ["cursor", "before"] {
            guard let text = query[name] else { continue }
            guard let id = Int64(text), id > 0 else { throw AdminAPIError.badRequest("\(name) '\(text)' is not a run id") }
            before = min(before ?? id, id)
        }
        let status = query["status"]
        if let status, !Self.runStatuses.contains(status) {
            throw AdminAPIError.badRequest("status '\(status)': use \(Self.runStatuses.joined(separator: ", "))")
        }
        var since: Int64?
        if let text = query["since"] {
            guard let instant = InstantText.parse(text) else {
                throw AdminAPIError.badRequest("since '\(text)': expected ISO 8601 like 2024-01-16T15:21:00Z or 2024-01-16")
            }
            since = instant
        }
        let pipeline = query["pipeline"]
        let (sinceSecond, cursor, pageSize) = (since, before, limit)
        let page: (entries: [RunHistory.Entry], nextCursor: Int64?)
        do {
            page = try await pool.read { connection in
                try RunHistory(connection: connection).page(pipeline: pipeline, status: status, since: sinceSecond, before: cursor,
                                                            limit: pageSize)
            }
        } catch {
            throw AdminAPIError.database(error)
        }
        return JSONBody.response(JSONBody.encode(RunPage(items: page.entries, nextCursor: page.nextCursor, limit: limit)))
    }

    struct RunDetail: Encodable {
        struct Rejects: Encodable {
            var total: Int64
            var byReason: [RunHistory.RejectCount]
            enum CodingKeys: String, CodingKey { case total, byReason = "by_reason" }
        }
        var run: RunHistory.Entry
        var series: [RunHistory.SeriesResult]
        var rejects: Rejects
    }

    /// `GET /api/v1/runs/{id}`: the run, what it did per series, its rejects by reason.
    func run(_ idText: String) async throws -> Response {
        guard let id = Int64(idText), id > 0 else { throw AdminAPIError.badRequest("'\(idText)' is not a run id") }
        let found: (entry: RunHistory.Entry, series: [RunHistory.SeriesResult], rejects: [RunHistory.RejectCount])?
        do {
            found = try await pool.read { try RunHistory(connection: $0).run(id) }
        } catch {
            throw AdminAPIError.database(error)
        }
        guard let found else { throw AdminAPIError.notFound("no run \(id)") }
        let detail = RunDetail(run: found.entry, series: found.series,
                               rejects: .init(total: found.rejects.reduce(0) { $0 + $1.count }, byReason: found.rejects))
        return JSONBody.response(JSONBody.encode(detail))
    }
}
