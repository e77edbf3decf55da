import Foundation
import Hummingbird
import JutsuCore
import JutsuCSV
import JutsuIngest

/// One evaluation of every series' freshness, with the unfiltered JSON document ready to send
/// (shared by every response: a `ByteBuffer` is copy-on-write, so sending it copies nothing).
public struct FreshnessSnapshot: Sendable {
    public let rows: [FreshnessRow]
    /// The instant the series were judged at (UTC seconds): `snapshotted_at` in the JSON.
    public let at: Int64
    public let warnings: [String]
    /// Monotonic seconds when it was computed.
    let computedAt: Double
    let generation: Int
    /// `FreshnessReporter.json(rows, at:, warnings:)`.
    let body: ByteBuffer
    /// The same, gzip-compressed once (for clients that send `Accept-Encoding: gzip`).
    let gzipBody: ByteBuffer
    /// Answer headers (`X-Jutsu-Snapshot-At`, caching), made once: nothing is formatted per request.
    let headers: HTTPFields
    let gzipHeaders: HTTPFields

    init(rows: [FreshnessRow], at: Int64, warnings: [String], computedAt: Double, generation: Int) {
        self.rows = rows
        self.at = at
        self.warnings = warnings
        self.computedAt = computedAt
        self.generation = generation
        let json = FreshnessReporter.json(rows, at: at, warnings: warnings)
        body = ByteBuffer(string: json)
        gzipBody = ByteBuffer(bytes: GzipWriter.compress(Array(json.utf8)))
        var fields = HTTPFields()
        fields[.init("X-Jutsu-Snapshot-At")!] = UnixTime.iso8601(at)
        fields[.cacheControl] = "no-cache"
        fields[.vary] = "Accept-Encoding"
        headers = fields
        fields[.contentEncoding] = "gzip"
        gzipHeaders = fields
    }
}
