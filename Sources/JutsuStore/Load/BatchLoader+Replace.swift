import JutsuCore

/// `load.mode: replace_range`: stored bars inside the range a run read that the source no
/// longer has are deleted. The keys read (valid rows and rejects that have a time: a vendor row
/// that failed validation still says the bar exists) go to a session temp table with each batch,
/// in its transaction; `deleteUnread` runs once the series is loaded.
extension BatchLoader {
    func recordKeys(_ batch: LoadBatch) throws {
        if !seenKeysReady {
            try connection.execute("""
                CREATE TEMP TABLE IF NOT EXISTS jutsu_seen_keys (symbol text, timeframe text, ts timestamptz)
                """, context: "seen keys table")
            seenKeysReady = true
        }
        var rows: [(String, String, Int64)] = batch.bars.map { ($0.symbol.value, $0.timeframe.rawValue, $0.ts) }
        for reject in batch.rejects {
            if let s = reject.symbol, let tf = reject.timeframe, let ts = reject.ts { rows.append((s, tf.rawValue, ts)) }
        }
        guard !rows.isEmpty else { return }
        try connection.copyIn("COPY jutsu_seen_keys (symbol, timeframe, ts) FROM STDIN", context: "COPY seen keys") { writer in
            for (symbol, timeframe, ts) in rows {
                CopyText.appendField(symbol, to: &writer.buffer)
                writer.buffer.append(0x09)
                CopyText.appendField(timeframe, to: &writer.buffer)
                writer.buffer.append(0x09)
                writer.buffer.append(contentsOf: Array(UnixTime.iso8601(ts).utf8))
                writer.buffer.append(0x0A)
                try writer.rowEnded()
            }
        }
    }

    /// Deletes the series' stored bars in `range` (UTC seconds, inclusive) whose keys this
    /// session did not read, with metadata, audit and run counters, in one transaction. Returns
    /// the number deleted.
    public func deleteUnread(_ key: SeriesKey, in range: ClosedRange<Int64>, dataSource: String) throws -> Int64 {
        guard !dryRun else { return 0 }
        if !seenKeysReady {
            try connection.execute("CREATE TEMP TABLE IF NOT EXISTS jutsu_seen_keys (symbol text, timeframe text, ts timestamptz)")
            seenKeysReady = true
        }
        return try connection.transaction {
            try lockSeries([key])
            let deleted = try connection.execute("""
                WITH gone AS (
                    DELETE FROM market_data m
                    WHERE m.symbol = $1 AND m.timeframe = $2 AND m.ts BETWEEN to_timestamp($3) AND to_timestamp($4)
                      AND NOT EXISTS (SELECT 1 FROM jutsu_seen_keys k
                                      WHERE k.symbol = m.symbol AND k.timeframe = m.timeframe AND k.ts = m.ts)
                    RETURNING m.data_source)
                SELECT data_source, count(*) FROM gone GROUP BY 1
                """, [key.symbol.value, key.timeframe.rawValue, String(range.lowerBound), String(range.upperBound)],
                context: "replace_range delete")
            var total: Int64 = 0
            for row in 0..<deleted.rowCount { total += deleted.int64(row, 1) ?? 0 }
            guard total > 0 else { return 0 }
            // The sources that lost rows are counted again (their range may have shrunk).
            try connection.execute("""
                UPDATE data_metadata m SET (first_bar_ts, last_bar_ts, bar_count, updated_at) =
                    (SELECT min(d.ts), max(d.ts), count(*), now() FROM market_data d
                     WHERE d.symbol = m.symbol AND d.timeframe = m.timeframe AND d.data_source = m.data_source)
                WHERE m.symbol = $1 AND m.timeframe = $2
                """, [key.symbol.value, key.timeframe.rawValue], context: "data_metadata recount")
            try connection.execute("""
                INSERT INTO data_audit_log AS a (run_id, symbol, timeframe, data_source, operation, status, rows_deleted)
                VALUES ($1, $2, $3, $4, $5, 'succeeded', $6)
                ON CONFLICT (symbol, timeframe, run_id, entry) DO UPDATE SET
                    rows_deleted = a.rows_deleted + EXCLUDED.rows_deleted, updated_at = now()
                """, [String(runID), key.symbol.value, key.timeframe.rawValue, dataSource, operation, String(total)],
                context: "audit deleted")
            try connection.execute("UPDATE ingest_runs SET rows_deleted = rows_deleted + $2 WHERE run_id = $1",
                                   [String(runID), String(total)], context: "run counters")
            return total
        }
    }
}
