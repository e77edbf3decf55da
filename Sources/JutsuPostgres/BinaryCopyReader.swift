import JutsuCore

/// Reads tuples of PostgreSQL's binary COPY format (the inverse of `BinaryCopy`).
package struct BinaryCopyReader {
    /// One data message from `PQgetCopyData` is exactly one tuple (or the header, or the trailer).
    package var bytes: UnsafeRawBufferPointer
    package var offset = 0

    package init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    package var remaining: Int { bytes.count - offset }

    package mutating func int16() throws -> Int16 {
        guard remaining >= 2 else { throw Self.truncated }
        let v = UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
        offset += 2
        return Int16(bitPattern: v)
    }

    package mutating func int32() throws -> Int32 {
        guard remaining >= 4 else { throw Self.truncated }
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(bytes[offset + i]) }
        offset += 4
        return Int32(bitPattern: v)
    }

    package mutating func int64() throws -> Int64 {
        guard remaining >= 8 else { throw Self.truncated }
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(bytes[offset + i]) }
        offset += 8
        return Int64(bitPattern: v)
    }

    /// A field's bytes, or nil for NULL.
    package mutating func field() throws -> UnsafeRawBufferPointer? {
        let length = Int(try int32())
        if length < 0 { return nil }
        guard remaining >= length else { throw Self.truncated }
        defer { offset += length }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
    }

    package mutating func int64Field() throws -> Int64? {
        guard let f = try field() else { return nil }
        var r = BinaryCopyReader(f)
        return try r.int64()
    }

    package mutating func timestampField() throws -> Int64? {
        guard let micros = try int64Field() else { return nil }
        return Self.unixSeconds(micros: micros)
    }

    /// Unix seconds of a binary timestamptz (microseconds since 2000-01-01).
    package static func unixSeconds(micros: Int64) -> Int64 {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        return seconds + BinaryCopy.postgresEpochOffset
    }

    /// A `numeric` field as a fixed-point price (values beyond 6 decimals are truncated; the
    /// column is `numeric(18,6)`, so none are).
    package mutating func priceField() throws -> Price? {
        guard let f = try field() else { return nil }
        var r = BinaryCopyReader(f)
        return try r.numeric()
    }

    /// The binary `numeric` value that fills the rest of the bytes.
    package mutating func numeric() throws -> Price {
        let count = Int(try int16())
        let weight = Int(try int16())
        let sign = try int16()
        _ = try int16()   // display scale
        guard sign != -0x4000 /* 0xC000: NaN */ else { throw StoreError(code: .protocolViolation, message: "NaN price stored") }
        var micros: Int64 = 0
        for i in 0..<count {
            let digit = Int64(try int16())
            // Digit i is worth 10000^(weight - i); micros = value * 10^6.
            let power = weight - i   // base-10000 exponent
            switch power {
            case 0...: micros += digit * Self.pow10000(power) * 1_000_000
            case -1: micros += digit * 100
            case -2: micros += digit / 100
            default: break
            }
        }
        return Price(micros: sign == 0x4000 ? -micros : micros)
    }

    package static func pow10000(_ n: Int) -> Int64 {
        var v: Int64 = 1
        for _ in 0..<n { v *= 10_000 }
        return v
    }

    package static let truncated = StoreError(code: .protocolViolation, message: "truncated binary COPY data")
}
