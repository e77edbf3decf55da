-- jutsu-ingest core schema.
-- Every unique key on a symbol-scoped table includes `symbol`, so market_data, data_metadata,
-- data_audit_log and corporate_actions can be distributed by symbol (Citus). ingest_runs and
-- rejected_bars are run-scoped and would be reference/local tables there.

CREATE TABLE ingest_runs (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pipeline      text,                        -- pipeline name; NULL for ad hoc commands
    command       text        NOT NULL,        -- 'import', 'run', 'migrate-sqlite', ...
    trigger       text        NOT NULL DEFAULT 'cli' CHECK (trigger IN ('cli', 'schedule', 'api', 'test')),
    status        text        NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'aborted')),
    started_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    rows_read      bigint NOT NULL DEFAULT 0,
    rows_inserted  bigint NOT NULL DEFAULT 0,
    rows_updated   bigint NOT NULL DEFAULT 0,
    rows_unchanged bigint NOT NULL DEFAULT 0,
    rows_rejected  bigint NOT NULL DEFAULT 0,
    error         text,
    details       jsonb       NOT NULL DEFAULT '{}'::jsonb,   -- arguments, files, host, pid
    CHECK (rows_read = rows_inserted + rows_updated + rows_unchanged + rows_rejected)
);
CREATE INDEX ingest_runs_started_idx ON ingest_runs (started_at DESC);
CREATE INDEX ingest_runs_running_idx ON ingest_runs (run_id) WHERE status = 'running';

-- Bars. LIST by timeframe, then RANGE by ts: yearly leaves for 1d/1w/1mo, monthly for intraday.
-- Leaves are created on demand by jutsu_ensure_partition(); there is deliberately no DEFAULT
-- partition, so a row with no leaf fails loudly instead of collecting silently.
CREATE TABLE market_data (
    symbol      text          NOT NULL,
    timeframe   text          NOT NULL,
    ts          timestamptz   NOT NULL,
    open        numeric(18,6) NOT NULL,
    high        numeric(18,6) NOT NULL,
    low         numeric(18,6) NOT NULL,
    close       numeric(18,6) NOT NULL,
    volume      bigint        NOT NULL,
    data_source text          NOT NULL,
    ingested_at timestamptz   NOT NULL DEFAULT now(),
    run_id      bigint,
    PRIMARY KEY (symbol, timeframe, ts),
    CHECK (symbol ~ '^[A-Z0-9^][A-Z0-9.^=]{0,19}$'),
    CHECK (timeframe IN ('1m', '5m', '15m', '30m', '1h', '1d', '1w', '1mo')),
    CHECK (volume >= 0)
) PARTITION BY LIST (timeframe);

CREATE TABLE market_data_1m  PARTITION OF market_data FOR VALUES IN ('1m')  PARTITION BY RANGE (ts);
CREATE TABLE market_data_5m  PARTITION OF market_data FOR VALUES IN ('5m')  PARTITION BY RANGE (ts);
CREATE TABLE market_data_15m PARTITION OF market_data FOR VALUES IN ('15m') PARTITION BY RANGE (ts);
CREATE TABLE market_data_30m PARTITION OF market_data FOR VALUES IN ('30m') PARTITION BY RANGE (ts);
CREATE TABLE market_data_1h  PARTITION OF market_data FOR VALUES IN ('1h')  PARTITION BY RANGE (ts);
CREATE TABLE market_data_1d  PARTITION OF market_data FOR VALUES IN ('1d')  PARTITION BY RANGE (ts);
CREATE TABLE market_data_1w  PARTITION OF market_data FOR VALUES IN ('1w')  PARTITION BY RANGE (ts);
CREATE TABLE market_data_1mo PARTITION OF market_data FOR VALUES IN ('1mo') PARTITION BY RANGE (ts);

-- Creates (if missing) the leaf partition of `tf` that holds `at`, and returns its name.
-- Race-free: creators serialize on a transaction-level advisory lock and re-check under it.
-- Call it in its own short transaction, before the COPY that needs the leaf.
CREATE FUNCTION jutsu_ensure_partition(tf text, at timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    intraday boolean := tf IN ('1m', '5m', '15m', '30m', '1h');
    lo timestamptz;
    hi timestamptz;
    leaf text;
    parent text := 'market_data_' || tf;
BEGIN
    IF tf NOT IN ('1m', '5m', '15m', '30m', '1h', '1d', '1w', '1mo') THEN
        RAISE EXCEPTION 'unknown timeframe %', tf USING ERRCODE = '22023';
    END IF;
    IF intraday THEN
        lo := date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        hi := lo + interval '1 month';
        leaf := parent || '_' || to_char(lo AT TIME ZONE 'UTC', 'YYYY"m"MM');
    ELSE
        lo := date_trunc('year', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        hi := lo + interval '1 year';
        leaf := parent || '_' || to_char(lo AT TIME ZONE 'UTC', 'YYYY');
    END IF;
    IF to_regclass(leaf) IS NOT NULL THEN
        RETURN leaf;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('jutsu_ensure_partition', 0));
    IF to_regclass(leaf) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                       leaf, parent, lo, hi);
    END IF;
    RETURN leaf;
END;
$$;

-- One row per series and source: what is stored, and how far the source has been read.
CREATE TABLE data_metadata (
    symbol        text        NOT NULL,
    timeframe     text        NOT NULL,
    data_source   text        NOT NULL,
    first_bar_ts  timestamptz,
    last_bar_ts   timestamptz,
    bar_count     bigint      NOT NULL DEFAULT 0 CHECK (bar_count >= 0),
    last_fetch_at timestamptz,               -- when this source was last read for the series
    watermark_ts  timestamptz,               -- newest bar time read from the source (incremental start)
    last_run_id   bigint,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, timeframe, data_source)
);

-- One row per run and series: what that run did to the series.
CREATE TABLE data_audit_log (
    run_id         bigint      NOT NULL REFERENCES ingest_runs (run_id) ON DELETE CASCADE,
    symbol         text        NOT NULL,
    timeframe      text        NOT NULL,
    data_source    text        NOT NULL,
    operation      text        NOT NULL,      -- 'import', 'backfill', 'migrate'
    status         text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
    rows_read      bigint      NOT NULL DEFAULT 0,
    rows_inserted  bigint      NOT NULL DEFAULT 0,
    rows_updated   bigint      NOT NULL DEFAULT 0,
    rows_unchanged bigint      NOT NULL DEFAULT 0,
    rows_rejected  bigint      NOT NULL DEFAULT 0,
    first_bar_ts   timestamptz,
    last_bar_ts    timestamptz,
    error_message  text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, timeframe, run_id)
);
CREATE INDEX data_audit_log_run_idx ON data_audit_log (run_id);

-- Every row that was read and not stored, with where it came from and why.
CREATE TABLE rejected_bars (
    run_id          bigint      NOT NULL REFERENCES ingest_runs (run_id) ON DELETE CASCADE,
    source_location text        NOT NULL,   -- file:line or URL
    symbol          text,
    timeframe       text,
    raw_text        text        NOT NULL,
    reason_code     text        NOT NULL,
    message         text        NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rejected_bars_run_idx ON rejected_bars (run_id, reason_code);

-- Splits and dividends as the sources report them.
CREATE TABLE corporate_actions (
    symbol      text          NOT NULL,
    ex_date     date          NOT NULL,
    kind        text          NOT NULL CHECK (kind IN ('split', 'dividend')),
    value       numeric(18,6) NOT NULL CHECK (value > 0),   -- split: new shares per old; dividend: cash per share
    data_source text          NOT NULL,
    run_id      bigint,
    ingested_at timestamptz   NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, ex_date, kind, data_source)
);
