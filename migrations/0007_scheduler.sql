-- Scheduler (issue 6): one row per scheduled fire of a pipeline that some `serve` instance
-- claimed. The primary key makes a fire claimable once; the lease lets another instance take
-- over a claim whose instance died (attempts counts the takeovers).
CREATE TABLE scheduled_runs (
    pipeline     text        NOT NULL,
    -- The cron fire time (before jitter), the same on every instance.
    fire_at      timestamptz NOT NULL,
    status       text        NOT NULL
        CHECK (status IN ('claimed', 'running', 'succeeded', 'partial', 'failed', 'skipped')),
    instance     text        NOT NULL,
    -- A claim or run whose lease has passed belongs to nobody: another instance may take it.
    lease_until  timestamptz NOT NULL,
    -- The ingest_runs row of the (first) pipeline run of this fire.
    run_id       bigint,
    attempts     integer     NOT NULL DEFAULT 1,
    claimed_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    error        text,
    PRIMARY KEY (pipeline, fire_at)
);
-- Unfinished claims, for the busy check and for finding expired leases.
CREATE INDEX scheduled_runs_open_idx ON scheduled_runs (pipeline, lease_until) WHERE status IN ('claimed', 'running');
