-- jutsu_ensure_partition, race-free for real: a creator that waited on the advisory lock may
-- still see a catalog snapshot from before the winner's commit (an advisory lock does not
-- process catalog invalidations), so to_regclass() says "missing" and CREATE TABLE fails with
-- duplicate_table. That failure now means "someone else made it", which is the wanted outcome.
CREATE OR REPLACE FUNCTION jutsu_ensure_partition(tf text, at timestamptz) RETURNS text
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
        BEGIN
            EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                           leaf, parent, lo, hi);
        EXCEPTION WHEN duplicate_table THEN
            NULL;   -- created by a concurrent caller that committed first
        END;
    END IF;
    RETURN leaf;
END;
$$;
