import Foundation
import Hummingbird
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

    init(rows: [FreshnessRow], at: Int64, warnings: [String], computedAt: Double, generation: Int) {
        self.rows = rows
        self.at = at
        self.warnings = warnings
        self.computedAt = computedAt
        self.generation = generation
        let json = FreshnessReporter.json(rows, at: at, warnings: warnings)
        body = ByteBuffer(string: json)
        gzipBody = ByteBuffer(bytes: GzipWriter.compress(Array(json.utf8)))
    }
}
