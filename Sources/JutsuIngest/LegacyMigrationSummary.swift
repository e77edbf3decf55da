import Foundation
import JutsuCore
import JutsuLegacy
import JutsuStore

extension SeriesDigest {
    /// The digest of a series' rows given as key -> hash (duplicates already resolved).
    init(_ hashes: KeyedHashes) {
        self.init()
        hashes.forEach { ts, h in add(ts: ts, hash: h) }
    }
}

/// The verification of one series: legacy rows after normalization, validation and duplicate
/// resolution, against the rows stored.
public struct SeriesVerification: Sendable, Encodable {
    public var symbol: String
    public var timeframe: String
    public var legacy: SeriesDigest
    public var stored: SeriesDigest
    /// Every row of the series in the legacy file.
    public var legacyRows: Int64
    /// Rows of the series rejected by the migrations of this file (invalid, duplicates, unreadable).
    public var rejected: Int64
    public var differences: [String]
    public var ok: Bool { differences.isEmpty }

    enum CodingKeys: String, CodingKey { case symbol, timeframe, legacy, stored, legacyRows = "legacy_rows", rejected, differences, ok }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(timeframe, forKey: .timeframe)
        try c.encode(legacy, forKey: .legacy)
        try c.encode(stored, forKey: .stored)
        try c.encode(legacyRows, forKey: .legacyRows)
        try c.encode(rejected, forKey: .rejected)
        try c.encode(differences, forKey: .differences)
        try c.encode(ok, forKey: .ok)
    }
}

public struct LegacyMigrationSummary: Sendable, Encodable {
    public var file: String
    public var fileID: String
    public var runID: Int64?
    public var dryRun: Bool
    /// The legacy file's shape (`v1`, `v2`, `design-note`, `mixed`: LegacySchema).
    public var schema = ""
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
        case file, fileID = "file_id", runID = "run_id", dryRun = "dry_run", schema, series
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
        try c.encode(schema, forKey: .schema)
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
