-- Freshness (issue 5): stale episodes for RTO, trading sessions for SQL readers, and the
-- per-series policy the last freshness evaluation used, so the SQL contract (series_freshness,
-- jutsu_is_fresh) answers from metadata alone.

-- One row per stale episode of a series: from the first observation of `stale` to the first
-- observation of not stale. breached: longer than the tier's RTO.
CREATE TABLE freshness_episodes (
    symbol       text        NOT NULL,
    timeframe    text        NOT NULL,
    tier         text        NOT NULL,
    rto_seconds  bigint      NOT NULL,
    began_at     timestamptz NOT NULL,
    ended_at     timestamptz,
    breached     boolean,
    PRIMARY KEY (symbol, timeframe, began_at)
);
CREATE UNIQUE INDEX freshness_episodes_open_idx ON freshness_episodes (symbol, timeframe) WHERE ended_at IS NULL;

-- Sessions of each trading calendar (written by the tool from its calendar code, 2000-2035).
CREATE TABLE market_sessions (
    calendar      text        NOT NULL,
    session_date  date        NOT NULL,
    open_at       timestamptz NOT NULL,
    close_at      timestamptz NOT NULL,
    early_close   boolean     NOT NULL DEFAULT false,
    PRIMARY KEY (calendar, session_date)
);
CREATE INDEX market_sessions_close_idx ON market_sessions (calendar, close_at);

-- The policy each series was last judged by (written by `jutsu-ingest freshness`).
CREATE TABLE series_freshness_policy (
    symbol                    text   NOT NULL,
    timeframe                 text   NOT NULL,
    tier                      text   NOT NULL,
    calendar                  text   NOT NULL,
    stale_after_seconds       bigint NOT NULL,
    publication_delay_seconds bigint NOT NULL DEFAULT 0,
    rto_seconds               bigint NOT NULL,
    updated_at                timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (symbol, timeframe)
);

-- Daily bars: the newest session closed (after the publication delay) by `at`, and how many
-- sessions a series' newest bar is behind it. Intraday and longer bars: see docs/contract.md
-- (the CLI's `freshness` is the reference; this view covers daily series exactly and judges
-- other timeframes by wall-clock age against their threshold).
CREATE FUNCTION jutsu_series_lag(p_symbol text, p_timeframe text, p_at timestamptz)
RETURNS TABLE (newest_bar timestamptz, expected_bar timestamptz, lag_bars bigint, status text)
LANGUAGE sql STABLE AS $$
    WITH pol AS (
        SELECT coalesce(p.calendar, 'XNYS') AS calendar, coalesce(p.stale_after_seconds, 3600) AS stale_after,
               coalesce(p.publication_delay_seconds, 0) AS delay
        FROM (SELECT 1) one LEFT JOIN series_freshness_policy p ON p.symbol = p_symbol AND p.timeframe = p_timeframe),
    newest AS (
        SELECT max(last_bar_ts) AS ts FROM data_metadata
        WHERE symbol = p_symbol AND timeframe = p_timeframe AND bar_count > 0),
    expected AS (
        SELECT max(s.session_date) AS d FROM market_sessions s, pol
        WHERE s.calendar = pol.calendar AND s.close_at <= p_at - make_interval(secs => pol.delay)),
    lag AS (
        SELECT CASE WHEN p_timeframe = '1d' THEN
                   (SELECT count(*) FROM market_sessions s, pol
                    WHERE s.calendar = pol.calendar AND s.session_date > (n.ts AT TIME ZONE 'UTC')::date AND s.session_date <= e.d)
               ELSE NULL END AS bars,
               n.ts AS newest_ts, e.d AS expected_d
        FROM newest n, expected e)
    SELECT lag.newest_ts,
           CASE WHEN p_timeframe = '1d' THEN (lag.expected_d::timestamp AT TIME ZONE 'UTC') END,
           lag.bars,
           CASE WHEN lag.newest_ts IS NULL THEN 'missing'
                WHEN p_timeframe = '1d' AND lag.bars = 0 THEN 'fresh'
                WHEN p_timeframe = '1d' AND lag.bars * 86400 > pol.stale_after THEN 'stale'
                WHEN p_timeframe = '1d' THEN 'aging'
                WHEN p_at - lag.newest_ts <= make_interval(secs => pol.stale_after + pol.delay) THEN 'fresh'
                ELSE 'stale' END
    FROM lag, pol
$$;

-- True when the series is fresh or aging at `at` (the backtest engine's guard).
CREATE FUNCTION jutsu_is_fresh(p_symbol text, p_timeframe text, p_at timestamptz DEFAULT now())
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT status IN ('fresh', 'aging') FROM jutsu_series_lag(p_symbol, p_timeframe, p_at)
$$;

-- Every series with stored bars, judged now.
CREATE VIEW series_freshness AS
    SELECT m.symbol, m.timeframe, l.newest_bar, l.expected_bar, l.lag_bars, l.status,
           coalesce(p.tier, 'standard') AS tier, m.last_fetch_at
    FROM (SELECT symbol, timeframe, max(last_fetch_at) AS last_fetch_at FROM data_metadata
          WHERE bar_count > 0 GROUP BY symbol, timeframe) m
    LEFT JOIN series_freshness_policy p ON p.symbol = m.symbol AND p.timeframe = m.timeframe
    CROSS JOIN LATERAL jutsu_series_lag(m.symbol, m.timeframe, now()) l;

-- Per pipeline: the last run, failures in the last 24 hours, series failing now, open stale
-- episodes. (HTTP request counters such as 429s join here when the vendor sources record them.)
CREATE VIEW ingest_health AS
    SELECT r.pipeline,
           (array_agg(r.run_id ORDER BY r.run_id DESC))[1] AS last_run_id,
           (array_agg(r.status ORDER BY r.run_id DESC))[1] AS last_status,
           max(r.started_at) AS last_started_at,
           max(r.finished_at) FILTER (WHERE r.status = 'succeeded') AS last_success_at,
           count(*) FILTER (WHERE r.status IN ('failed', 'partial', 'aborted') AND r.started_at > now() - interval '24 hours')
               AS failed_runs_24h,
           (SELECT count(*) FROM pipeline_series_state s WHERE s.pipeline = r.pipeline AND s.last_status = 'failed')
               AS failing_series,
           (SELECT count(*) FROM freshness_episodes e JOIN pipeline_series_state s
                ON s.symbol = e.symbol AND s.timeframe = e.timeframe AND s.pipeline = r.pipeline
            WHERE e.ended_at IS NULL) AS open_stale_episodes
    FROM ingest_runs r WHERE r.pipeline IS NOT NULL GROUP BY r.pipeline;
