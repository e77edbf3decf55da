import JutsuCore

/// Reads tuples of PostgreSQL's binary COPY format (the inverse of `BinaryCopy`).
package struct BinaryCopyReader {
    /// One data message from `PQgetCopyData` is exactly one tuple (or the header, or the trailer).
    package var bytes: UnsafeRawBufferPointer
    package var offset = 0

    @inlinable
    package init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    @inlinable
    package var remaining: Int { bytes.count - offset }

    @inlinable @inline(__always)
    package mutating func int16() throws -> Int16 {
        guard remaining >= 2 else { throw Self.truncated }
        let v = UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        offset += 2
        return Int16(bitPattern: v)
    }

    @inlinable @inline(__always)
    package mutating func int32() throws -> Int32 {
        guard remaining >= 4 else { throw Self.truncated }
        let v = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        offset += 4
        return Int32(bitPattern: v)
    }

    @inlinable @inline(__always)
    package mutating func int64() throws -> Int64 {
        guard remaining >= 8 else { throw Self.truncated }
        let v = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        offset += 8
        return Int64(bitPattern: v)
    }

    /// A field's bytes, or nil for NULL.
    @inlinable @inline(__always)
    package mutating func field() throws -> UnsafeRawBufferPointer? {
        let length = Int(try int32())
        if length < 0 { return nil }
        guard remaining >= length else { throw Self.truncated }
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
    }

    @inlinable @inline(__always)
    package mutating func int64Field() throws -> Int64? {
        guard let f = try field() else { return nil }
        var r = BinaryCopyReader(f)
        return try r.int64()
    }

    @inlinable @inline(__always)
    package mutating func timestampField() throws -> Int64? {
        guard let micros = try int64Field() else { return nil }
        return Self.unixSeconds(micros: micros)
    }

    /// Unix seconds of a binary timestamptz (microseconds since 2000-01-01).
    @inlinable
    package static func unixSeconds(micros: Int64) -> Int64 {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        return seconds + BinaryCopy.postgresEpochOffset
    }

    /// A `numeric` field as a fixed-point price (values beyond 6 decimals are truncated; the
    /// column is `numeric(18,6)`, so none are).
    @inlinable @inline(__always)
    package mutating func priceField() throws -> Price? {
        guard let f = try field() else { return nil }
        var r = BinaryCopyReader(f)
        return try r.numeric()
    }

    /// The six bar columns of `SELECT ts, open, high, low, close, volume` in that order (none
    /// NULL), after a row's field count.
    @inlinable
    package mutating func barFields(fieldCount: Int) throws
        -> (ts: Int64, open: Price, high: Price, low: Price, close: Price, volume: Int64) {
        guard fieldCount == 6, let ts = try timestampField(), let open = try priceField(), let high = try priceField(),
              let low = try priceField(), let close = try priceField(), let volume = try int64Field()
        else { throw StoreError(code: .protocolViolation, message: "unexpected bar row (\(fieldCount) fields or a NULL)") }
        return (ts, open, high, low, close, volume)
    }

    /// The binary `numeric` value that fills the rest of the bytes: base-10000 digits, the
    /// first worth 10000^weight. Digits down to 10000^-1 are gathered as one integer (at most 16
    /// decimal digits for `numeric(18,6)`), then scaled once; a 10000^-2 digit adds its first two
    /// decimals (the 5th and 6th); anything finer is truncated.
    @inlinable
    package mutating func numeric() throws -> Price {
        let count = Int(try int16())
        let weight = Int(try int16())
        let sign = try int16()
        _ = try int16()   // display scale
        guard sign != -0x4000 /* 0xC000: NaN */ else { throw StoreError(code: .protocolViolation, message: "NaN price stored") }
        guard count >= 0, remaining >= 2 * count else { throw Self.truncated }
        var gathered: Int64 = 0
        var lastPower = weight   // power of the last gathered digit
        var tail: Int64 = 0
        for i in 0..<count {
            let digit = Int64(UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 2 * i, as: UInt16.self)))
            let power = weight - i
            if power >= -1 {
                gathered = gathered &* 10_000 &+ digit
                lastPower = power
            } else if power == -2 {
                tail = digit / 100
            }
        }
        offset += 2 * count
        var micros: Int64
        switch lastPower {
        case 0...: micros = gathered * Self.pow10000(lastPower) * 1_000_000
        case -1: micros = gathered * 100
        default: micros = 0
        }
        micros += tail
        return Price(micros: sign == 0x4000 ? -micros : micros)
    }

    @inlinable
    package static func pow10000(_ n: Int) -> Int64 {
        var v: Int64 = 1
        for _ in 0..<n { v *= 10_000 }
        return v
    }

    package static let truncated = StoreError(code: .protocolViolation, message: "truncated binary COPY data")
}
