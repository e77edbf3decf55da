import JutsuCore

/// One side of a series' verification: row count, first and last bar, and an order-independent
/// checksum. The same row hash is computed on the client (`hash(_:seed:)`, for rows it has) and
/// by the server (`rowHashSQL`, for rows it stores, in `PGConnection.storedDigest`).
public struct SeriesDigest: Sendable, Equatable, Encodable {
    public var rows: Int64 = 0
    public var first: Int64?
    public var last: Int64?
    /// Wrapping sum over the rows of `hash(_:seed:)`: independent of row order.
    public var checksum: UInt64 = 0

    public init() {}

    public mutating func add(ts: Int64, hash: UInt64) {
        rows += 1
        first = min(first ?? ts, ts)
        last = max(last ?? ts, ts)
        checksum &+= hash
    }

    enum CodingKeys: String, CodingKey { case rows, first, last, checksum }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(first.map(UnixTime.iso8601), forKey: .first)
        try c.encode(last.map(UnixTime.iso8601), forKey: .last)
        try c.encode(String(checksum, radix: 16), forKey: .checksum)
    }

    /// The hash of a series' name, which seeds the hash of each of its bars.
    public static func seed(_ key: SeriesKey) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "\(key.symbol.value)|\(key.timeframe.rawValue)".utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// A 64-bit hash of a normalized bar: a chain of PostgreSQL's own hash functions, so that the
    /// server can compute it too (`rowHashSQL`). ts (`timestamp_hash_extended` of its UTC value)
    /// seeded by the series' seed, then open, high, low, close (`hash_numeric_extended`, which
    /// does not hash the sign: a negative price flips the seed's lowest bit) and volume
    /// (`hashint8extended`), each seeded by the hash before it. Computed from the values, never
    /// from text.
    @inline(__always)
    public static func hash(_ bar: Bar, seed: UInt64) -> UInt64 {
        @inline(__always) func price(_ micros: Int64, _ seed: UInt64) -> UInt64 {
            PostgresHash.numeric(micros: micros, seed: seed ^ (micros < 0 ? 1 : 0))
        }
        var h = PostgresHash.timestamp(epochSeconds: bar.ts, seed: seed)
        h = price(bar.open.micros, h)
        h = price(bar.high.micros, h)
        h = price(bar.low.micros, h)
        h = price(bar.close.micros, h)
        return PostgresHash.int8(bar.volume, seed: h)
    }

    /// `hash(_:seed:)` of a stored row, in SQL, seeded by `$3`.
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
    public func storedDigest(of key: SeriesKey) throws -> SeriesDigest {
        let result = try execute("""
            SELECT count(*), extract(epoch FROM min(ts))::bigint, extract(epoch FROM max(ts))::bigint,
                   mod(mod(coalesce(sum(h), 0), 18446744073709551616) + 18446744073709551616, 18446744073709551616)::text
            FROM (SELECT ts, \(SeriesDigest.rowHashSQL) AS h
                  FROM market_data WHERE symbol = $1 AND timeframe = $2) AS rows
            """, [key.symbol.value, key.timeframe.rawValue, String(Int64(bitPattern: SeriesDigest.seed(key)))],
            context: "digest of \(key)")
        guard result.rowCount == 1, let rows = result.int64(0, 0), let text = result.string(0, 3), let checksum = UInt64(text) else {
            throw StoreError(code: .protocolViolation, message: "unexpected result of the digest of \(key)")
        }
        var digest = SeriesDigest()
        digest.rows = rows
        digest.first = result.int64(0, 1)
        digest.last = result.int64(0, 2)
        digest.checksum = checksum
        return digest
    }
}
