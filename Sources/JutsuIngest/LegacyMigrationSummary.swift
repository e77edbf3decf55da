import Foundation
import JutsuCore
import JutsuLegacy
import JutsuStore

/// One side of a series' verification.
public struct SeriesDigest: Sendable, Equatable, Encodable {
    public var rows: Int64 = 0
    public var first: Int64?
    public var last: Int64?
    /// Wrapping sum over the rows of `hash(_:seed:)`: independent of row order.
    public var checksum: UInt64 = 0

    mutating func add(ts: Int64, hash: UInt64) {
        rows += 1
        first = min(first ?? ts, ts)
        last = max(last ?? ts, ts)
        checksum &+= hash
    }

    enum CodingKeys: String, CodingKey { case rows, first, last, checksum }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(first.map(UnixTime.iso8601), forKey: .first)
        try c.encode(last.map(UnixTime.iso8601), forKey: .last)
        try c.encode(String(checksum, radix: 16), forKey: .checksum)
    }

    /// The hash of a series' name, which seeds the hash of each of its bars.
    public static func seed(_ key: SeriesKey) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(key.symbol.value)|\(key.timeframe.rawValue)".utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// A 64-bit hash of a normalized bar, the same chain of PostgreSQL's own hash functions that
    /// the server computes over the stored rows (`StoredSeriesDigest.rowHashSQL`): ts seeded by the
    /// series' seed, then open, high, low, close (a negative one with the seed's lowest bit
    /// flipped, as the numeric hash ignores the sign) and volume, each seeded by the hash before it.
    /// Computed from the values, never from text.
    @inline(__always)
    public static func hash(_ bar: Bar, seed: UInt64) -> UInt64 {
        @inline(__always) func price(_ micros: Int64, _ seed: UInt64) -> UInt64 {
            PostgresHash.numeric(micros: micros, seed: seed ^ (micros < 0 ? 1 : 0))
        }
        var h = PostgresHash.timestamp(epochSeconds: bar.ts, seed: seed)
        h = price(bar.open.micros, h)
        h = price(bar.high.micros, h)
        h = price(bar.low.micros, h)
        h = price(bar.close.micros, h)
        return PostgresHash.int8(bar.volume, seed: h)
    }

    /// The digest of a series' rows given as key -> hash (duplicates already resolved).
    init(_ hashes: KeyedHashes) {
        hashes.forEach { ts, h in add(ts: ts, hash: h) }
    }

    public init() {}

    init(_ stored: StoredSeriesDigest) {
        rows = stored.rows
        first = stored.first
        last = stored.last
        checksum = stored.checksum
    }
}

/// The verification of one series: legacy rows after normalization, validation and duplicate
/// resolution, against the rows stored.
public struct SeriesVerification: Sendable, Encodable {
    public var symbol: String
    public var timeframe: String
    public var legacy: SeriesDigest
    public var stored: SeriesDigest
    public var differences: [String]
    public var ok: Bool { differences.isEmpty }

    enum CodingKeys: String, CodingKey { case symbol, timeframe, legacy, stored, differences, ok }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(timeframe, forKey: .timeframe)
        try c.encode(legacy, forKey: .legacy)
        try c.encode(stored, forKey: .stored)
        try c.encode(differences, forKey: .differences)
        try c.encode(ok, forKey: .ok)
    }
}

public struct LegacyMigrationSummary: Sendable, Encodable {
    public var file: String
    public var fileID: String
    public var runID: Int64?
    public var dryRun: Bool
    public var series = 0
    /// Series already finished by an earlier run of the same file (nothing read again).
    public var seriesAlreadyDone = 0
    /// Series resumed from a checkpoint of an earlier, interrupted run.
    public var seriesResumed = 0
    public var counts = LoadCounts()
    public var verification: [SeriesVerification]?
    public var elapsedSeconds = 0.0
    /// The legacy data_metadata / data_audit_log carried over (nil with --symbols/--timeframes
    /// filters or --verify-only).
    public var history: LegacyHistorySummary?
    public var verificationFailed: Bool { verification?.contains { !$0.ok } ?? false }

    enum CodingKeys: String, CodingKey {
        case file, fileID = "file_id", runID = "run_id", dryRun = "dry_run", series
        case seriesAlreadyDone = "series_already_done", seriesResumed = "series_resumed"
        case read, inserted, updated, unchanged, rejected, rejectsByReason = "rejects_by_reason"
        case verification, verified, elapsedSeconds = "elapsed_seconds", history
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(file, forKey: .file)
        try c.encode(fileID, forKey: .fileID)
        try c.encode(runID, forKey: .runID)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(series, forKey: .series)
        try c.encode(seriesAlreadyDone, forKey: .seriesAlreadyDone)
        try c.encode(seriesResumed, forKey: .seriesResumed)
        try c.encode(counts.read, forKey: .read)
        try c.encode(counts.inserted, forKey: .inserted)
        try c.encode(counts.updated, forKey: .updated)
        try c.encode(counts.unchanged, forKey: .unchanged)
        try c.encode(counts.rejected, forKey: .rejected)
        try c.encode(counts.rejectsByReason, forKey: .rejectsByReason)
        try c.encode(verification, forKey: .verification)
        try c.encode(verification.map { _ in !verificationFailed }, forKey: .verified)
        try c.encode((elapsedSeconds * 1000).rounded() / 1000, forKey: .elapsedSeconds)
        try c.encode(history, forKey: .history)
    }
}

/// Progress of a migration, for a progress bar.
public struct MigrationProgress: Sendable {
    public var rowsRead: Int64
    public var rowsTotal: Int64
    public var seriesDone: Int
    public var seriesTotal: Int
    public var elapsedSeconds: Double
}
