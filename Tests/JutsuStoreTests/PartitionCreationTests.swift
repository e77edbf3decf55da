import JutsuStore
import JutsuTestSupport
import Testing

/// migrations/0009: `jutsu_ensure_partition` creates a leaf as a table and attaches it, so it
/// needs only SHARE UPDATE EXCLUSIVE on the parent: a new leaf no longer waits for loaders that
/// are writing sibling leaves, and the leaf is the same in the catalogs as a `PARTITION OF` one.
@Suite struct PartitionCreationTests {
    @Test func aNewLeafDoesNotWaitForAnOpenWriterOfASiblingLeaf() throws {
        let db = try TestDatabase("leafwait")
        let writer = try db.connect()
        let creator = try db.connect()
        _ = try writer.execute("SELECT jutsu_ensure_partition('5m', '2024-01-10')")
        _ = try writer.execute("BEGIN")
        _ = try writer.execute("INSERT INTO market_data VALUES ('AAPL', '5m', '2024-01-10 14:30:00+00', 1, 1, 1, 1, 0, 'x')")
        // The writer's transaction holds ACCESS SHARE on market_data_5m until it ends; a
        // `CREATE TABLE ... PARTITION OF market_data_5m` would wait for it (and time out here).
        _ = try creator.execute("SET lock_timeout = '3s'")
        let leaf = try creator.execute("SELECT jutsu_ensure_partition('5m', '2024-02-10')")
        #expect(leaf.string(0, 0) == "market_data_5m_2024m02")
        _ = try creator.execute("INSERT INTO market_data VALUES ('AAPL', '5m', '2024-02-12 14:30:00+00', 2, 2, 2, 2, 0, 'x')")
        _ = try writer.execute("COMMIT")
        #expect(try db.scalar("SELECT count(*) FROM market_data WHERE timeframe = '5m'") == 2)
        #expect(try db.scalar("SELECT count(*) FROM market_data_5m_2024m02") == 1)
    }

    /// What a leaf is made of: columns with types, defaults and NOT NULL; constraints with
    /// their definitions and inheritance; indexes.
    static func shape(of table: String, _ conn: PGConnection) throws -> [String] {
        let r = try conn.execute("""
            SELECT 'column ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' notnull=' || a.attnotnull
                   || ' default=' || coalesce(pg_get_expr(d.adbin, d.adrelid), '-') || ' storage=' || a.attstorage::text
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            UNION ALL
            SELECT 'constraint ' || regexp_replace(conname, '^' || $1 || '_', 'LEAF_') || ' ' || pg_get_constraintdef(oid)
                   || ' local=' || conislocal || ' inherited=' || coninhcount
            FROM pg_constraint WHERE conrelid = $1::regclass
            UNION ALL
            SELECT 'index ' || regexp_replace(pg_get_indexdef(indexrelid), '(market_data_5m_2024m0[0-9])', 'LEAF', 'g')
                   || ' attached=' || (SELECT count(*) FROM pg_inherits WHERE inhrelid = indexrelid)
            FROM pg_index WHERE indrelid = $1::regclass
            ORDER BY 1
            """, [table])
        return (0..<r.rowCount).compactMap { r.string($0, 0) }
    }

    @Test func anAttachedLeafIsLikeAPartitionOfLeaf() throws {
        let db = try TestDatabase("leafshape")
        let conn = try db.connect()
        _ = try conn.execute("SELECT jutsu_ensure_partition('5m', '2024-03-10')")
        _ = try conn.execute("""
            CREATE TABLE market_data_5m_2024m04 PARTITION OF market_data_5m
            FOR VALUES FROM ('2024-04-01 00:00:00+00') TO ('2024-05-01 00:00:00+00')
            """)
        let attached = try Self.shape(of: "market_data_5m_2024m03", conn)
        let partitionOf = try Self.shape(of: "market_data_5m_2024m04", conn)
        #expect(attached.count >= 11 + 3 + 1 + 1, "\(attached)")
        #expect(attached == partitionOf)
        // The parent's constraints hold in the new leaf (inherited, so a later migration that
        // replaces one on market_data replaces it here too), and so does the key.
        _ = try conn.execute("INSERT INTO market_data VALUES ('AAPL', '5m', '2024-03-11 14:30:00+00', 1, 1, 1, 1, 0, 'x')")
        #expect(throws: (any Error).self) {
            try conn.execute("INSERT INTO market_data VALUES ('AAPL', '5m', '2024-03-11 14:30:00+00', 1, 1, 1, 1, 0, 'x')")
        }
        #expect(throws: (any Error).self) {
            try conn.execute("INSERT INTO market_data VALUES ('aapl', '5m', '2024-03-11 14:35:00+00', 1, 1, 1, 1, 0, 'x')")
        }
        #expect(throws: (any Error).self) {
            try conn.execute("INSERT INTO market_data_5m_2024m03 VALUES ('AAPL', '5m', '2024-04-11 14:35:00+00', 1, 1, 1, 1, 0, 'x')")
        }
        _ = try conn.execute("ALTER TABLE market_data DROP CONSTRAINT market_data_volume_check")
        #expect(try db.scalar("SELECT count(*) FROM pg_constraint WHERE conname = 'market_data_volume_check'") == 0)
    }

    /// migrations/0010: every column that could be TOASTed is stored PLAIN, so a new leaf has no
    /// TOAST table (two files instead of four), whichever way it was made; bars still fit.
    @Test func newLeavesHaveNoToastTable() throws {
        let db = try TestDatabase("leaftoast")
        let conn = try db.connect()
        _ = try conn.execute("SELECT jutsu_ensure_partition('5m', '2024-03-10'), jutsu_ensure_partition('1d', '2024-03-10')")
        _ = try conn.execute("""
            CREATE TABLE market_data_5m_2024m04 PARTITION OF market_data_5m
            FOR VALUES FROM ('2024-04-01 00:00:00+00') TO ('2024-05-01 00:00:00+00')
            """)
        for leaf in ["market_data_5m_2024m03", "market_data_1d_2024", "market_data_5m_2024m04"] {
            #expect(try db.scalar("SELECT count(*) FROM pg_class WHERE oid = '\(leaf)'::regclass AND reltoastrelid = 0") == 1, "\(leaf)")
            #expect(try db.scalar("""
                SELECT count(*) FROM pg_attribute WHERE attrelid = '\(leaf)'::regclass AND attnum > 0 AND NOT attisdropped
                AND attlen = -1 AND attstorage <> 'p'
                """) == 0, "\(leaf)")
        }
        // A long (for a bar) value still fits in the row: PLAIN only refuses rows over a page.
        let source = String(repeating: "s", count: 1_000)
        _ = try conn.execute("INSERT INTO market_data VALUES ('AAPL', '5m', '2024-03-11 14:30:00+00', 123456789012.123456, 2, 1, 1, 0, $1)", [source])
        let back = try conn.execute("SELECT data_source, open::text FROM market_data WHERE symbol = 'AAPL'")
        #expect(back.string(0, 0) == source)
        #expect(back.string(0, 1) == "123456789012.123456")
    }
}
