import JutsuCore

/// The binary COPY tuple layout of `market_data` rows written by the loader.
public enum MarketDataCopy {
    public static let columns = "symbol, timeframe, ts, open, high, low, close, volume, data_source, run_id"

    /// Largest encoded tuple: 20-byte symbol, 32-byte source, four 5-digit numerics, plus lengths.
    static let maxTupleSize = 256

    /// Appends one bar as a tuple. Built in a stack buffer and appended once: per-byte appends to
    /// the array cost a uniqueness check each.
    public static func encode(_ bar: Bar, source: [UInt8], runID: Int64, into out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: maxTupleSize, alignment: 8) { buffer in
            var w = TupleWriter(base: buffer.baseAddress!)
            w.int16(10)
            var symbol = bar.symbol.value
            symbol.withUTF8 { w.text($0) }
            w.text(bar.timeframe.utf8Name)
            w.int32(8)
            w.int64((bar.ts - BinaryCopy.postgresEpochOffset) &* 1_000_000)
            w.numeric(bar.open)
            w.numeric(bar.high)
            w.numeric(bar.low)
            w.numeric(bar.close)
            w.int32(8)
            w.int64(bar.volume)
            source.withUnsafeBufferPointer { w.text($0) }
            w.int32(8)
            w.int64(runID)
            out.append(contentsOf: UnsafeRawBufferPointer(start: buffer.baseAddress, count: w.position))
        }
    }
}

extension Timeframe {
    /// The canonical name as bytes, without going through `String` per row.
    var utf8Name: UnsafeBufferPointer<UInt8> {
        switch self {
        case .m1: StaticString("1m").bufferPointer
        case .m5: StaticString("5m").bufferPointer
        case .m15: StaticString("15m").bufferPointer
        case .m30: StaticString("30m").bufferPointer
        case .h1: StaticString("1h").bufferPointer
        case .d1: StaticString("1d").bufferPointer
        case .w1: StaticString("1w").bufferPointer
        case .mo1: StaticString("1mo").bufferPointer
        }
    }
}

extension StaticString {
    var bufferPointer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: utf8Start, count: utf8CodeUnitCount) }
}

/// Big-endian writes into raw memory the caller sized (`MarketDataCopy.maxTupleSize`).
struct TupleWriter {
    let base: UnsafeMutableRawPointer
    var position = 0

    @inline(__always) mutating func int16(_ v: Int16) {
        base.storeBytes(of: UInt16(bitPattern: v).bigEndian, toByteOffset: position, as: UInt16.self)
        position += 2
    }

    @inline(__always) mutating func int32(_ v: Int32) {
        base.storeBytes(of: UInt32(bitPattern: v).bigEndian, toByteOffset: position, as: UInt32.self)
        position += 4
    }

    @inline(__always) mutating func int64(_ v: Int64) {
        base.storeBytes(of: UInt64(bitPattern: v).bigEndian, toByteOffset: position, as: UInt64.self)
        position += 8
    }

    @inline(__always) mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        int32(Int32(bytes.count))
        (base + position).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        position += bytes.count
    }

    /// `numeric` with display scale 6 from a fixed-point price. Wire form: ndigits, weight,
    /// sign, dscale, then base-10000 digits, most significant first, leading and trailing zero
    /// digits stripped as the server itself does. Up to 3 integer digits (< 10^12) and 2
    /// fraction digits (6 decimals padded to 8).
    @inline(__always) mutating func numeric(_ price: Price) {
        let negative = price.micros < 0
        let magnitude = price.micros.magnitude
        let integer = magnitude / 1_000_000
        let fraction = (magnitude % 1_000_000) * 100
        let digits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (
            integer / 100_000_000, (integer / 10_000) % 10_000, integer % 10_000, fraction / 10_000, fraction % 10_000)
        withUnsafeBytes(of: digits) { raw in
            let d = raw.bindMemory(to: UInt64.self)
            var first = 0
            var last = 4
            while first <= last, d[first] == 0 { first += 1 }
            while last >= first, d[last] == 0 { last -= 1 }
            let count = first <= last ? last - first + 1 : 0
            int32(Int32(8 + 2 * count))
            int16(Int16(count))
            int16(count == 0 ? 0 : Int16(2 - first))
            int16(negative && count > 0 ? 0x4000 : 0)
            int16(6)
            var i = first
            while i <= last {
                int16(Int16(truncatingIfNeeded: d[i]))
                i += 1
            }
        }
    }
}
