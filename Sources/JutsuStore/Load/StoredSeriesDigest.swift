import JutsuCore

/// What the server computes over a series' stored bars for a verification: row count, first and
/// last bar, and the wrapping sum of each row's hash (`StoredSeriesDigest.rowHashSQL`).
public struct StoredSeriesDigest: Sendable, Equatable {
    public var rows: Int64
    public var first: Int64?
    public var last: Int64?
    public var checksum: UInt64

    /// A row's hash, computed by the server: `ts` (as `timestamp_hash_extended` of its UTC value)
    /// seeded by `$3`, then each of open, high, low, close (`hash_numeric_extended`, which does
    /// not hash the sign: a negative price flips the seed's lowest bit) and volume
    /// (`hashint8extended`) seeded by the hash before it. `SeriesDigest.hash` computes the same
    /// chain on the client with `PostgresHash`.
    static let rowHashSQL = """
        hashint8extended(volume, \(price("close", price("low", price("high", price("open",
            "timestamp_hash_extended(ts AT TIME ZONE 'UTC', $3::bigint)"))))))
        """

    private static func price(_ column: String, _ seed: String) -> String {
        "hash_numeric_extended(\(column), \(seed) # (\(column) < 0)::int::bigint)"
    }
}

extension PGConnection {
    /// The digest of a series' stored bars (all sources), computed by the server in one pass over
    /// the series' leaves: the rows never cross the wire. For verification (`migrate-sqlite`).
    public func storedDigest(of key: SeriesKey, seed: UInt64) throws -> StoredSeriesDigest {
        let result = try execute("""
            SELECT count(*), extract(epoch FROM min(ts))::bigint, extract(epoch FROM max(ts))::bigint,
                   mod(mod(coalesce(sum(h), 0), 18446744073709551616) + 18446744073709551616, 18446744073709551616)::text
            FROM (SELECT ts, \(StoredSeriesDigest.rowHashSQL) AS h
                  FROM market_data WHERE symbol = $1 AND timeframe = $2) AS rows
            """, [key.symbol.value, key.timeframe.rawValue, String(Int64(bitPattern: seed))], context: "digest of \(key)")
        guard result.rowCount == 1, let rows = result.int64(0, 0), let text = result.string(0, 3), let checksum = UInt64(text) else {
            throw StoreError(code: .protocolViolation, message: "unexpected result of the digest of \(key)")
        }
        return StoredSeriesDigest(rows: rows, first: result.int64(0, 1), last: result.int64(0, 2), checksum: checksum)
    }
}
