/// PostgreSQL's 64-bit seeded hash functions, bit for bit: `hash_bytes_extended` and
/// `hash_bytes_uint32_extended` (src/common/hashfn.c, Bob Jenkins' lookup3), and on top of them
/// the SQL-callable `hashint8extended`, `timestamp_hash_extended` and `hash_numeric_extended`.
///
/// A value hashed here equals the one the server computes with those functions, so a checksum
/// can be computed on the client for rows it has and by the server for rows it stores, without
/// moving the stored rows. The server cannot change them without breaking hash partitions
/// across `pg_upgrade`, which is what makes them a stable contract. Little-endian hosts only
/// (the digits of a numeric are hashed as the server's memory holds them).
public enum PostgresHash {
    /// `hashint8extended(v, seed)`.
    @inline(__always)
    public static func int8(_ v: Int64, seed: UInt64) -> UInt64 {
        var lo = UInt32(truncatingIfNeeded: v)
        let hi = UInt32(truncatingIfNeeded: v >> 32)
        lo ^= v >= 0 ? hi : ~hi
        return uint32(lo, seed: seed)
    }

    /// `timestamp_hash_extended(ts AT TIME ZONE 'UTC', seed)` of a `timestamptz` at `epochSeconds`:
    /// the server's timestamps are microseconds since 2000-01-01 00:00 UTC.
    @inline(__always)
    public static func timestamp(epochSeconds: Int64, seed: UInt64) -> UInt64 {
        int8((epochSeconds &- 946_684_800) &* 1_000_000, seed: seed)
    }

    /// `hash_numeric_extended(v, seed)` of the numeric `micros / 10^6`. Like the server's, it
    /// hashes the base-10000 digits without leading and trailing zeros, then XORs in the weight
    /// of the first one; the sign is not hashed, and zero hashes to `seed - 1`.
    @inline(__always)
    public static func numeric(micros: Int64, seed: UInt64) -> UInt64 {
        let m = micros.magnitude
        if m == 0 { return seed &- 1 }
        // Base-10000 digits, least significant first: two of the fraction (6 decimals padded to 8),
        // then the integer part's.
        var digits: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { raw in
            let d = raw.bindMemory(to: UInt16.self)
            let fraction = m % 1_000_000
            d[0] = UInt16((fraction % 100) * 100)
            d[1] = UInt16(fraction / 100)
            var n = 2
            var integer = m / 1_000_000
            while integer > 0 {
                d[n] = UInt16(integer % 10_000)
                integer /= 10_000
                n += 1
            }
            // Most significant digit's weight: integer digits count up from 0, fraction from -1.
            var top = n - 1
            while d[top] == 0 { top -= 1 }
            var bottom = 0
            while d[bottom] == 0 { bottom += 1 }
            let weight = Int64(top - 2)
            // The server's digits run most significant first: reverse [bottom, top] into place.
            var i = bottom, j = top
            while i < j {
                d.swapAt(i, j)
                i += 1
                j -= 1
            }
            let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(raw)[(bottom * 2)..<((top + 1) * 2)])
            return bytesExtended(bytes, seed: seed) ^ UInt64(bitPattern: weight)
        }
    }

    /// `hash_bytes_uint32_extended(k, seed)`.
    @inline(__always)
    public static func uint32(_ k: UInt32, seed: UInt64) -> UInt64 {
        var a: UInt32 = 0x9e37_79b9 &+ 4 &+ 3_923_095
        var b = a, c = a
        if seed != 0 {
            a &+= UInt32(truncatingIfNeeded: seed >> 32)
            b &+= UInt32(truncatingIfNeeded: seed)
            mix(&a, &b, &c)
        }
        a &+= k
        final(&a, &b, &c)
        return UInt64(b) << 32 | UInt64(c)
    }

    /// `hash_bytes_extended(k, len, seed)` (the server's word-aligned and byte-wise paths give the
    /// same result on a little-endian host; this is the byte-wise one).
    public static func bytesExtended(_ k: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        var len = k.count
        var a: UInt32 = 0x9e37_79b9 &+ UInt32(truncatingIfNeeded: len) &+ 3_923_095
        var b = a, c = a
        if seed != 0 {
            a &+= UInt32(truncatingIfNeeded: seed >> 32)
            b &+= UInt32(truncatingIfNeeded: seed)
            mix(&a, &b, &c)
        }
        /// `count` bytes from `at` as a little-endian word (the rest zero).
        @inline(__always) func word(_ at: Int, _ count: Int) -> UInt32 {
            if count == 4 { return UInt32(littleEndian: k.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
            var w: UInt32 = 0
            for i in 0..<count { w |= UInt32(k[at + i]) << (8 * UInt32(i)) }
            return w
        }
        var p = 0
        while len >= 12 {
            a &+= word(p, 4)
            b &+= word(p + 4, 4)
            c &+= word(p + 8, 4)
            mix(&a, &b, &c)
            p += 12
            len -= 12
        }
        // The last 11 bytes; the lowest byte of c is reserved for the length (never added).
        if len > 8 { c &+= word(p + 8, len - 8) << 8 }
        if len > 4 { b &+= word(p + 4, min(4, len - 4)) }
        if len > 0 { a &+= word(p, min(4, len)) }
        final(&a, &b, &c)
        return UInt64(b) << 32 | UInt64(c)
    }

    @inline(__always)
    private static func rot(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

    @inline(__always)
    private static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        a &-= c; a ^= rot(c, 4); c &+= b
        b &-= a; b ^= rot(a, 6); a &+= c
        c &-= b; c ^= rot(b, 8); b &+= a
        a &-= c; a ^= rot(c, 16); c &+= b
        b &-= a; b ^= rot(a, 19); a &+= c
        c &-= b; c ^= rot(b, 4); b &+= a
    }

    @inline(__always)
    private static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        c ^= b; c &-= rot(b, 14)
        a ^= c; a &-= rot(c, 11)
        b ^= a; b &-= rot(a, 25)
        c ^= b; c &-= rot(b, 16)
        a ^= c; a &-= rot(c, 4)
        b ^= a; b &-= rot(a, 14)
        c ^= b; c &-= rot(b, 24)
    }
}
