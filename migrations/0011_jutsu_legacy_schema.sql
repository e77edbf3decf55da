-- The compatibility schema `jutsu_legacy` (issue 16): the real Jutsu Labs engine, unmodified,
-- reads its three tables there with the columns, types and spellings of its own SQLAlchemy
-- models (docs/jutsu-labs.md, docs/contract.md). Read-only views over the stored tables: every
-- bar of every source appears, nothing is copied, no load pays for it.
--
-- The spellings the engine uses and the stored ones (docs/contract.md):
--   timeframe  1m 5m 15m 30m 1h 1d 1w 1mo   ->  1m 5m 15m 30m 1H 1D 1W 1M
--   symbol     ^VIX (a leading ^)           ->  $VIX (Schwab's index prefix); others as stored
--   timestamp  timestamptz, daily bars keyed by their session date at 00:00 UTC
--              -> naive UTC `timestamp`; daily, weekly and monthly bars at the midnight
--                 America/Chicago of their session date (05:00 or 06:00 UTC), as the legacy
--                 data was stamped by Schwab, so the engine's New York holiday filter keeps
--                 every session; intraday bars at their UTC start.
--   is_valid   always true: a bar marked invalid is never stored as a bar (rejected_bars).

-- A stable number per series, the high part of a bar's `id` and the `id` of data_metadata.
-- Filled by the loaders' own data_metadata rows (a trigger: one row per new series, never per
-- bar), so bars of every source get one. Numbers are never reused or changed.
CREATE TABLE series_catalog (
    symbol     text   NOT NULL,
    timeframe  text   NOT NULL,
    series_id  bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (symbol, timeframe)
);
INSERT INTO series_catalog (symbol, timeframe)
    SELECT DISTINCT symbol, timeframe FROM data_metadata ORDER BY 1, 2;

CREATE FUNCTION jutsu_catalog_series() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO series_catalog (symbol, timeframe) VALUES (NEW.symbol, NEW.timeframe)
        ON CONFLICT (symbol, timeframe) DO NOTHING;
    RETURN NULL;
END;
$$;
CREATE TRIGGER data_metadata_catalog AFTER INSERT ON data_metadata
    FOR EACH ROW EXECUTE FUNCTION jutsu_catalog_series();

-- A unique, stable number per audit row (the legacy table's `id`).
ALTER TABLE data_audit_log ADD COLUMN audit_id bigint GENERATED ALWAYS AS IDENTITY;

CREATE SCHEMA jutsu_legacy;
COMMENT ON SCHEMA jutsu_legacy IS
    'Read-only views in the shapes of the Jutsu Labs engine''s models (docs/jutsu-labs.md)';

-- The engine's spelling of a stored timeframe and symbol.
CREATE FUNCTION jutsu_legacy.timeframe_name(tf text) RETURNS varchar
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
    CASE tf WHEN '1h' THEN '1H' WHEN '1d' THEN '1D' WHEN '1w' THEN '1W' WHEN '1mo' THEN '1M' ELSE tf END;

CREATE FUNCTION jutsu_legacy.symbol_name(symbol text) RETURNS varchar
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
    CASE WHEN left(symbol, 1) = '^' THEN '$' || substr(symbol, 2) ELSE symbol END;

-- The engine's naive UTC time of a stored bar time: daily and longer bars at the midnight
-- America/Chicago of their session date, intraday bars as they are.
CREATE FUNCTION jutsu_legacy.bar_time(ts timestamptz, tf text) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
    CASE WHEN tf IN ('1d', '1w', '1mo')
         THEN ((ts AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC'
         ELSE ts AT TIME ZONE 'UTC' END;

CREATE VIEW jutsu_legacy.series AS
    SELECT series_id, symbol, timeframe, jutsu_legacy.symbol_name(symbol) AS legacy_symbol
    FROM public.series_catalog;

-- Bars. One branch per timeframe, each with its engine spelling as a constant, so the engine's
-- `timeframe = '1D'` removes the other branches when the query is planned and only the 1d
-- leaves are read; the series is found in the catalog by its engine spelling and its bars by
-- the leaves' primary key (symbol, timeframe, ts): an index scan of the series' leaves.
-- id = series_id * 2^35 + (epoch seconds + 2^34): unique (one bar per series and second),
-- stable, and ordered by time within a series (seconds from 1425 to 2514).
CREATE VIEW jutsu_legacy.market_data AS
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184) AS id,
           s.legacy_symbol AS symbol, '1D'::varchar AS timeframe,
           ((m.ts AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC' AS "timestamp",
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar AS data_source,
           m.ingested_at AT TIME ZONE 'UTC' AS created_at, true AS is_valid
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '1d'
    WHERE s.timeframe = '1d'
    UNION ALL
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184),
           s.legacy_symbol, '1W'::varchar,
           ((m.ts AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC',
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar, m.ingested_at AT TIME ZONE 'UTC', true
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '1w'
    WHERE s.timeframe = '1w'
    UNION ALL
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184),
           s.legacy_symbol, '1M'::varchar,
           ((m.ts AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'America/Chicago') AT TIME ZONE 'UTC',
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar, m.ingested_at AT TIME ZONE 'UTC', true
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '1mo'
    WHERE s.timeframe = '1mo'
    UNION ALL
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184),
           s.legacy_symbol, '1H'::varchar, m.ts AT TIME ZONE 'UTC',
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar, m.ingested_at AT TIME ZONE 'UTC', true
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '1h'
    WHERE s.timeframe = '1h'
    UNION ALL
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184),
           s.legacy_symbol, '30m'::varchar, m.ts AT TIME ZONE 'UTC',
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar, m.ingested_at AT TIME ZONE 'UTC', true
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '30m'
    WHERE s.timeframe = '30m'
    UNION ALL
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184),
           s.legacy_symbol, '15m'::varchar, m.ts AT TIME ZONE 'UTC',
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar, m.ingested_at AT TIME ZONE 'UTC', true
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '15m'
    WHERE s.timeframe = '15m'
    UNION ALL
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184),
           s.legacy_symbol, '5m'::varchar, m.ts AT TIME ZONE 'UTC',
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar, m.ingested_at AT TIME ZONE 'UTC', true
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '5m'
    WHERE s.timeframe = '5m'
    UNION ALL
    SELECT (s.series_id << 35) + (extract(epoch FROM m.ts)::bigint + 17179869184),
           s.legacy_symbol, '1m'::varchar, m.ts AT TIME ZONE 'UTC',
           m.open, m.high, m.low, m.close, m.volume, m.data_source::varchar, m.ingested_at AT TIME ZONE 'UTC', true
    FROM jutsu_legacy.series s JOIN public.market_data m ON m.symbol = s.symbol AND m.timeframe = '1m'
    WHERE s.timeframe = '1m';

-- One row per series, as the engine's DataMetadata: the newest bar (engine time), the number
-- of stored bars (valid ones: invalid bars are never stored) and when a source was last read.
CREATE VIEW jutsu_legacy.data_metadata AS
    SELECT s.series_id::bigint AS id, s.legacy_symbol AS symbol,
           jutsu_legacy.timeframe_name(d.timeframe) AS timeframe,
           jutsu_legacy.bar_time(max(d.last_bar_ts), d.timeframe) AS last_bar_timestamp,
           sum(d.bar_count)::integer AS total_bars,
           max(coalesce(d.last_fetch_at, d.updated_at)) AT TIME ZONE 'UTC' AS last_updated
    FROM public.data_metadata d JOIN jutsu_legacy.series s ON s.symbol = d.symbol AND s.timeframe = d.timeframe
    GROUP BY s.series_id, s.legacy_symbol, d.timeframe;

-- The audit log as the engine's DataAuditLog: legacy rows carried over by migrate-sqlite keep
-- their operation, status, message, bars_affected and time as written (from `details`); rows of
-- jutsu-ingest's own runs say what the run did to the series. The loader's own rows of a
-- migration (operation 'migrate') are left out: moving the file is no event in the series'
-- history, which its carried-over rows already tell (ingest_runs records the migration).
CREATE VIEW jutsu_legacy.data_audit_log AS
    SELECT a.audit_id AS id, jutsu_legacy.symbol_name(a.symbol) AS symbol,
           jutsu_legacy.timeframe_name(a.timeframe) AS timeframe,
           (CASE WHEN a.migrated_from IS NOT NULL THEN coalesce(a.details->>'operation', a.operation)
                 ELSE a.operation END)::varchar AS operation,
           (CASE WHEN a.migrated_from IS NOT NULL THEN coalesce(a.details->>'status', a.status)
                 WHEN a.status = 'succeeded' THEN 'success' ELSE 'error' END)::varchar AS status,
           (CASE WHEN a.migrated_from IS NOT NULL THEN coalesce(a.details->>'message', a.details->>'error_message')
                 ELSE coalesce(a.error_message,
                      format('%s by jutsu-ingest run %s from %s: %s read, %s inserted, %s updated, %s unchanged, %s rejected',
                             a.operation, a.run_id, a.data_source, a.rows_read, a.rows_inserted, a.rows_updated,
                             a.rows_unchanged, a.rows_rejected)) END)::varchar AS message,
           (CASE WHEN a.migrated_from IS NOT NULL THEN (a.details->>'bars_affected')::integer
                 ELSE (a.rows_inserted + a.rows_updated)::integer END) AS bars_affected,
           coalesce(a.occurred_at, a.updated_at) AT TIME ZONE 'UTC' AS "timestamp"
    FROM public.data_audit_log a
    WHERE a.migrated_from IS NOT NULL OR a.operation <> 'migrate';
