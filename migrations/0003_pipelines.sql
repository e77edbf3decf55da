-- Pipelines (issue 3): per-series state of each pipeline, and the counters a pipeline run needs.
--
-- rows_discarded: valid rows of a series that failed as a whole (its reject ratio was above
--   validate.max_reject_ratio), so none of its rows were stored. Every row read is still
--   accounted for: read = inserted + updated + unchanged + rejected + discarded.
-- rows_deleted: stored bars removed by load.mode replace_range (not rows read).
-- rows_warned: rows stored although a rule set to `warn` flagged them (already in the others).
ALTER TABLE ingest_runs
    ADD COLUMN rows_discarded bigint NOT NULL DEFAULT 0,
    ADD COLUMN rows_deleted   bigint NOT NULL DEFAULT 0,
    ADD COLUMN rows_warned    bigint NOT NULL DEFAULT 0;
ALTER TABLE ingest_runs DROP CONSTRAINT ingest_runs_check;
ALTER TABLE ingest_runs ADD CONSTRAINT ingest_runs_rows_balance
    CHECK (rows_read = rows_inserted + rows_updated + rows_unchanged + rows_rejected + rows_discarded);

ALTER TABLE data_audit_log
    ADD COLUMN rows_discarded bigint NOT NULL DEFAULT 0,
    ADD COLUMN rows_deleted   bigint NOT NULL DEFAULT 0,
    ADD COLUMN rows_warned    bigint NOT NULL DEFAULT 0;

-- One row per pipeline and series: where the next incremental run starts and how the last went.
CREATE TABLE pipeline_series_state (
    pipeline             text        NOT NULL,
    symbol               text        NOT NULL,
    timeframe            text        NOT NULL,
    watermark_ts         timestamptz,          -- newest bar time read by a successful run
    last_run_id          bigint,
    last_status          text        CHECK (last_status IN ('succeeded', 'failed')),
    last_error           text,
    consecutive_failures integer     NOT NULL DEFAULT 0,
    last_success_at      timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, timeframe, pipeline)
);
CREATE INDEX pipeline_series_state_pipeline_idx ON pipeline_series_state (pipeline);
