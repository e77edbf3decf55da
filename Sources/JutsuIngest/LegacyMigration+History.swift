import Foundation
import JutsuCore
import JutsuLegacy
import JutsuStore

/// What became of the legacy `data_metadata` and `data_audit_log` rows.
public struct LegacyHistorySummary: Sendable, Encodable, Equatable {
    /// Metadata rows merged into `data_metadata` (by series and source).
    public var metadataRows = 0
    /// Audit rows copied into `data_audit_log`, marked `migrated_from`.
    public var auditRows = 0
    /// Metadata rows of no series (symbol or timeframe unreadable): not carried over.
    public var skipped = 0
    /// An earlier run of the same file carried them over already (nothing written again).
    public var alreadyDone = false

    enum CodingKeys: String, CodingKey {
        case metadataRows = "metadata_rows", auditRows = "audit_rows", skipped, alreadyDone = "already_done"
    }
}

extension LegacyMigration {
    static let historyProgressKey = "@history"

    /// SQL of a timestamptz from a column of microseconds since the epoch (exact; NULL stays NULL).
    static func micros(_ column: String) -> String {
        "('epoch'::timestamptz + \(column) * interval '1 microsecond')"
    }

    /// Carries the legacy `data_metadata` and `data_audit_log` over, once per file, in one
    /// transaction with its checkpoint (a re-run writes nothing again):
    /// - metadata: `first_available_at`, `is_complete`, and `last_fetch_at` = the legacy
    ///   `last_fetch_timestamp` where the row was last written by a migration (a later fetch by a
    ///   pipeline is newer and stays); a (series, source) with no bars gets a row with 0 bars;
    /// - audit rows: one `data_audit_log` row each under this run, `entry` = legacy rowid,
    ///   `migrated_from` = `sqlite:data_audit_log:ROWID`, `occurred_at`, the legacy row in
    ///   `details`, status `succeeded` or `failed` by the legacy status.
    func carryOverHistory(fileID: String, runID: Int64, reader: LegacyReader) throws -> LegacyHistorySummary {
        var summary = LegacyHistorySummary()
        if !options.dryRun {
            let done = try connection.execute(
                "SELECT finished FROM legacy_migration_progress WHERE file_id = $1 AND series = $2",
                [fileID, Self.historyProgressKey])
            if done.rowCount == 1, done.bool(0, 0) == true {
                summary.alreadyDone = true
                return summary
            }
        }
        let metadata = try reader.metadataRows()
        var audit: [LegacyAuditRow] = []
        try reader.auditRows { audit.append($0) }
        // One row per (series, source), the last of the file winning (raw spellings of one series).
        var byKey: [String: (SeriesKey, String?, LegacyMetadataRow)] = [:]
        var order: [String] = []
        for row in metadata {
            guard let s = row.symbol, let tf = row.timeframe else { continue }
            let source = row.dataSource.map { DataSourceName($0.lowercased())?.value ?? Self.fallbackSource.value }
            let id = "\(s.value)|\(tf.rawValue)|\(source ?? "")"
            if byKey[id] == nil { order.append(id) }
            byKey[id] = (SeriesKey(symbol: s, timeframe: tf), source, row)
        }
        let mapped = order.map { byKey[$0]! }
        summary.metadataRows = mapped.count
        summary.skipped = metadata.count - metadata.filter { $0.symbol != nil && $0.timeframe != nil }.count
        summary.auditRows = audit.count
        if options.dryRun { return summary }
        try connection.transaction {
            if !mapped.isEmpty {
                // A row with a source merges into that (series, source). A row of a file that keeps
                // one row per series (v1) speaks of every source its bars came from: it updates the
                // rows this file's migration wrote, or makes a `legacy` row of 0 bars for a series
                // with none stored.
                try connection.execute("""
                    WITH u AS (
                        SELECT s, tf, src, \(Self.micros("fa")) AS fa, CASE WHEN ic IS NULL THEN NULL ELSE ic <> 0 END AS ic,
                               \(Self.micros("lf")) AS lf
                        FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[]) AS u(s, tf, src, fa, ic, lf)),
                    per_series AS (
                        UPDATE data_metadata m SET
                            first_available_at = coalesce(u.fa, m.first_available_at),
                            is_complete = coalesce(u.ic, m.is_complete),
                            last_fetch_at = coalesce(u.lf, m.last_fetch_at),
                            updated_at = now()
                        FROM u
                        WHERE u.src IS NULL AND m.symbol = u.s AND m.timeframe = u.tf
                          AND m.last_run_id IN (SELECT run_id FROM ingest_runs WHERE command = 'migrate-sqlite')
                        RETURNING m.symbol)
                    INSERT INTO data_metadata AS m (symbol, timeframe, data_source, first_available_at, is_complete, last_fetch_at, updated_at)
                    SELECT s, tf, coalesce(src, '\(Self.fallbackSource.value)'), fa, ic, lf, now() FROM u
                    WHERE src IS NOT NULL OR NOT EXISTS (SELECT 1 FROM data_metadata x WHERE x.symbol = u.s AND x.timeframe = u.tf)
                    ON CONFLICT (symbol, timeframe, data_source) DO UPDATE SET
                        first_available_at = EXCLUDED.first_available_at,
                        is_complete = EXCLUDED.is_complete,
                        last_fetch_at = CASE
                            WHEN EXCLUDED.last_fetch_at IS NOT NULL AND m.last_run_id IN
                                 (SELECT run_id FROM ingest_runs WHERE command = 'migrate-sqlite')
                            THEN EXCLUDED.last_fetch_at ELSE m.last_fetch_at END,
                        updated_at = now()
                    """, [
                        CopyText.arrayLiteral(mapped.map(\.0.symbol.value)),
                        CopyText.arrayLiteral(mapped.map(\.0.timeframe.rawValue)),
                        CopyText.nullableArrayLiteral(mapped.map(\.1)),
                        CopyText.intArrayLiteral(mapped.map(\.2.firstAvailable)),
                        CopyText.intArrayLiteral(mapped.map { $0.2.isComplete.map { $0 ? 1 : 0 } }),
                        CopyText.intArrayLiteral(mapped.map(\.2.lastFetch)),
                    ], context: "legacy data_metadata")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            var start = 0
            while start < audit.count {
                let chunk = audit[start..<min(audit.count, start + 5_000)]
                start += chunk.count
                try connection.execute("""
                    INSERT INTO data_audit_log (run_id, symbol, timeframe, data_source, operation, status, error_message,
                                                entry, migrated_from, occurred_at, details)
                    SELECT $1, s, tf, 'legacy', op, st, err, e, 'sqlite:data_audit_log:' || e, \(Self.micros("at")), d::jsonb
                    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[])
                         AS u(s, tf, op, st, err, e, at, d)
                    ON CONFLICT (symbol, timeframe, run_id, entry) DO NOTHING
                    """, [
                        String(runID),
                        CopyText.arrayLiteral(chunk.map { $0.series?.symbol.value ?? $0.symbol }),
                        CopyText.arrayLiteral(chunk.map { $0.series?.timeframe.rawValue ?? $0.timeframe }),
                        CopyText.arrayLiteral(chunk.map { $0.operation.isEmpty ? "unknown" : $0.operation }),
                        CopyText.arrayLiteral(chunk.map { $0.succeeded ? "succeeded" : "failed" }),
                        CopyText.nullableArrayLiteral(chunk.map { $0.succeeded ? nil : $0.message }),
                        CopyText.intArrayLiteral(chunk.map(\.rowid)),
                        CopyText.intArrayLiteral(chunk.map(\.occurredAt)),
                        CopyText.arrayLiteral(try chunk.map { String(decoding: try encoder.encode($0), as: UTF8.self) }),
                    ], context: "legacy data_audit_log")
            }
            try connection.execute("""
                INSERT INTO legacy_migration_progress (file_id, series, finished, run_id) VALUES ($1, $2, true, $3)
                ON CONFLICT (file_id, series) DO UPDATE SET finished = true, run_id = excluded.run_id, updated_at = now()
                """, [fileID, Self.historyProgressKey, String(runID)], context: "migration checkpoint")
        }
        return summary
    }
}
