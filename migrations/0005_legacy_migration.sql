-- Legacy SQLite migration (issue 7): progress per legacy file and series, checkpointed in the
-- same transaction as each batch, so a killed `migrate-sqlite` resumes where it stopped.
CREATE TABLE legacy_migration_progress (
    file_id     text        NOT NULL,   -- identity of the legacy file (size + hash of its first MiB)
    series      text        NOT NULL,   -- 'AAPL|1d', or 'raw:<symbol>|<timeframe>' for rows of no series
    last_rowid  bigint      NOT NULL DEFAULT 0,   -- every row with rowid <= this one is accounted for
    rows_read   bigint      NOT NULL DEFAULT 0,
    finished    boolean     NOT NULL DEFAULT false,
    run_id      bigint,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (file_id, series)
);
