-- Leaves without TOAST tables. Every column of market_data that could be TOASTed (the texts and
-- the numerics) is stored PLAIN, and a leaf copies that (LIKE ... INCLUDING STORAGE; PARTITION
-- OF leaves inherit it), so PostgreSQL makes no TOAST table and no TOAST index for a new leaf:
-- two files and their catalog rows instead of four. A bar is ~100 bytes and cannot need TOAST:
-- the symbol is at most 20 bytes (market_data_symbol_format), the timeframe one of eight, the
-- numerics NUMERIC(18,6) and the loaders' data source names at most 32 bytes (a row over a page,
-- ~8 kB, would be refused). Measured on the test server right after a DROP DATABASE (journal-less
-- ext4 then walks past every recently freed inode for each new file): 5.1 -> 3.5 ms a leaf, and
-- a migration makes one per series month. Leaves made before keep their (empty) TOAST tables;
-- values already stored are not rewritten.
ALTER TABLE market_data
    ALTER COLUMN symbol SET STORAGE PLAIN,
    ALTER COLUMN timeframe SET STORAGE PLAIN,
    ALTER COLUMN data_source SET STORAGE PLAIN,
    ALTER COLUMN open SET STORAGE PLAIN,
    ALTER COLUMN high SET STORAGE PLAIN,
    ALTER COLUMN low SET STORAGE PLAIN,
    ALTER COLUMN close SET STORAGE PLAIN;

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
            EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', leaf, parent);
            EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                           parent, leaf, lo, hi);
        EXCEPTION WHEN duplicate_table THEN
            NULL;   -- created by a concurrent caller that committed first
        END;
    END IF;
    RETURN leaf;
END;
$$;
