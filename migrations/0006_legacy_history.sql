-- Legacy migration (issue 7): the old MVP's data_metadata and data_audit_log carried over.
--
-- data_metadata: what the legacy app knew of a (series, source) beyond its bars: the vendor's
-- first available date and whether the full history had been fetched. last_fetch_at takes the
-- legacy last_fetch_timestamp (when the vendor was last asked), not the migration's time.
ALTER TABLE data_metadata
    ADD COLUMN first_available_at timestamptz,
    ADD COLUMN is_complete boolean;

-- data_audit_log: legacy audit rows are kept, each as its own row under the migration's run,
-- marked by `migrated_from` (sqlite:data_audit_log:ROWID); `entry` tells them apart (0 is the
-- loader's one row per series and run), `occurred_at` is the legacy event time and `details`
-- the legacy row as written (operation, bars_affected, status, error_message, timestamp).
ALTER TABLE data_audit_log
    ADD COLUMN entry bigint NOT NULL DEFAULT 0,
    ADD COLUMN migrated_from text,
    ADD COLUMN occurred_at timestamptz,
    ADD COLUMN details jsonb;
ALTER TABLE data_audit_log DROP CONSTRAINT data_audit_log_pkey;
ALTER TABLE data_audit_log ADD PRIMARY KEY (symbol, timeframe, run_id, entry);
