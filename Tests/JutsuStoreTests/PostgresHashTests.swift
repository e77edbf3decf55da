import JutsuStore
import JutsuTestSupport
import Testing

/// `PostgresHash` against the server's own functions, value by value: a verification checksum
/// computed on the client must equal the one the server computes over the stored rows.
@Suite struct PostgresHashTests {
    /// Deterministic values: the edges, then pseudo-random ones of every magnitude.
    static func values(_ edges: [Int64], count: Int, seed: UInt64) -> [Int64] {
        var state = seed
        var out = edges
        for i in 0..<count {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            z ^= z >> 31
            // Magnitudes from 1 to 2^63, both signs.
            out.append(Int64(bitPattern: z) >> (i % 63))
        }
        return out
    }

    static let seeds: [UInt64] = [0, 1, 0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0x1234_5678_9ABC_DEF0, 42 << 32]

    static func serverHashes(_ db: TestDatabase, _ expression: String, _ values: [Int64]) throws -> [(Int64, UInt64, UInt64)] {
        let conn = try db.connect()
        var out: [(Int64, UInt64, UInt64)] = []
        for seed in seeds {
            let r = try conn.execute("""
                SELECT v, \(expression) FROM unnest($1::bigint[]) WITH ORDINALITY AS u(v, n) ORDER BY n
                """, ["{" + values.map(String.init).joined(separator: ",") + "}", String(Int64(bitPattern: seed))])
            for row in 0..<r.rowCount {
                out.append((r.int64(row, 0)!, seed, UInt64(bitPattern: r.int64(row, 1)!)))
            }
            #expect(r.rowCount == values.count)
        }
        return out
    }

    @Test func numericHashesAreTheServers() throws {
        let db = try TestDatabase("pghashnum")
        let micros = Self.values([0, 1, 9, 10, 99, 100, 9_999, 10_000, 99_999_999, 100_000_000, 999_999, 1_000_000, 1_000_001,
                                  523_420_044, 10_000_000_000, 123_456_789_012_345_678, -1_500_000, Int64.max, Int64.min + 1],
                                 count: 400, seed: 7)
        // The value micros / 10^6, scale 6, as the stored NUMERIC(18,6) and wider.
        let rows = try Self.serverHashes(db, "hash_numeric_extended(v::numeric * 0.000001, $2::bigint)", micros)
        #expect(rows.count == micros.count * Self.seeds.count)
        for (v, seed, server) in rows {
            #expect(PostgresHash.numeric(micros: v, seed: seed) == server, "numeric \(v) micros, seed \(seed)")
        }
        // Trailing zeros of the scale do not change a value's hash (1.5 = 1.500000).
        let conn = try db.connect()
        let scaled = try conn.execute("SELECT hash_numeric_extended(1.5::numeric(18,6), 9), hash_numeric_extended(1.5, 9)")
        #expect(scaled.int64(0, 0) == scaled.int64(0, 1))
        #expect(PostgresHash.numeric(micros: 1_500_000, seed: 9) == UInt64(bitPattern: scaled.int64(0, 0)!))
    }

    @Test func int8AndTimestampHashesAreTheServers() throws {
        let db = try TestDatabase("pghashint")
        let ints = Self.values([0, 1, -1, Int64.max, Int64.min, 1 << 32, -(1 << 32), 4_294_967_295], count: 300, seed: 11)
        for (v, seed, server) in try Self.serverHashes(db, "hashint8extended(v, $2::bigint)", ints) {
            #expect(PostgresHash.int8(v, seed: seed) == server, "int8 \(v), seed \(seed)")
        }
        // Epoch seconds of bars, before and after 2000-01-01, as a timestamptz's UTC value.
        let seconds: [Int64] = [0, 946_684_800, 946_684_799, 1_700_000_000, -2_208_988_800, 4_102_444_800] + (0..<100).map { 631_152_000 + $0 * 12_345_678 }
        for (v, seed, server) in try Self.serverHashes(db, "timestamp_hash_extended(to_timestamp(v) AT TIME ZONE 'UTC', $2::bigint)",
                                                       seconds) {
            #expect(PostgresHash.timestamp(epochSeconds: v, seed: seed) == server, "timestamp \(v), seed \(seed)")
        }
    }

    /// The byte hash under every tail length (0-11 bytes after the 12-byte blocks), through
    /// `hashtextextended`, which hashes a text's bytes as they are.
    @Test func byteHashesAreTheServersAtEveryLength() throws {
        let db = try TestDatabase("pghashbytes")
        let conn = try db.connect()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ".utf8)
        for length in 0...40 {
            let text = Array(alphabet[0..<length])
            for seed in Self.seeds {
                let r = try conn.execute("SELECT hashtextextended($1, $2::bigint)", [String(decoding: text, as: UTF8.self), String(Int64(bitPattern: seed))])
                let mine = text.withUnsafeBytes { PostgresHash.bytesExtended($0, seed: seed) }
                #expect(mine == UInt64(bitPattern: r.int64(0, 0)!), "\(length) bytes, seed \(seed)")
            }
        }
    }
}
