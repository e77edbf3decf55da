/// An exact price with six decimal places, stored as an integer number of millionths.
///
/// Matches the store's `NUMERIC(18,6)`: at most 12 integer digits. Parsed straight from
/// text bytes (no binary floating point, no Foundation `Decimal`), rounded half-even.
public struct Price: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value times 1,000,000.
    public var micros: Int64

    public static let scale: Int64 = 1_000_000
    /// Largest magnitude a `NUMERIC(18,6)` holds, in micros: 999,999,999,999.999999.
    public static let maxMicros: Int64 = 999_999_999_999_999_999

    @inlinable public init(micros: Int64) { self.micros = micros }

    public static func < (a: Price, b: Price) -> Bool { a.micros < b.micros }

    /// Parses ASCII text: optional surrounding spaces (or tabs), optional sign, digits,
    /// optional '.', digits, optional exponent `e`/`E[+-]digits`, with at least one digit
    /// before the exponent. Rounded half-even to 6 decimals looking at all dropped digits
    /// (`0.0000005` -> 0, `0.0000015` -> 0.000002, `0.00000050001` -> 0.000001); any number
    /// of digits is accepted.
    ///
    /// Failures: empty (or blank) -> `.empty`; `null`, `NaN`, `NA`, `N/A`, `None`, `-`
    /// (any letter case) -> `.null`; magnitude above `maxMicros` after rounding, or a huge
    /// exponent -> `.outOfRange`; anything else (including `inf`, commas, non-ASCII)
    /// -> `.invalid`. Never traps, never allocates. `-0` reads as 0.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<Price, NumberParseFailure> {
        switch DecimalText.read(bytes, scale: 6, limit: UInt64(maxMicros)) {
        case .success(let s):
            let m = Int64(s.magnitude)
            return .success(Price(micros: s.negative ? -m : m))
        case .failure(let f):
            return .failure(f)
        }
    }

    /// Parses the UTF-8 of `text`; same rules as the byte version.
    public static func parse(_ text: String) -> Result<Price, NumberParseFailure> {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// Always six decimals: `123.450000`, `-0.500000`, `0.000000`.
    public var description: String {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendText(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the same text as `description` as ASCII bytes, without building a `String`.
    @inlinable
    public func appendText(to out: inout [UInt8]) {
        // Longest text: sign, 13 integer digits (Int64.min), '.', 6 decimals = 21 bytes.
        // Digits are written right to left into a stack buffer and appended in one go.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            var i = 24
            var m = micros.magnitude
            for _ in 0..<6 {
                i -= 1
                buffer[i] = 0x30 &+ UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            }
            i -= 1
            buffer[i] = 0x2E
            repeat {
                i -= 1
                buffer[i] = 0x30 &+ UInt8(truncatingIfNeeded: m % 10)
                m /= 10
            } while m != 0
            if micros < 0 {
                i -= 1
                buffer[i] = 0x2D
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<24]))
        }
    }
}

/// Why a numeric field could not be read.
public enum NumberParseFailure: Error, Equatable, Sendable {
    /// Empty field.
    case empty
    /// `null`, `NaN`, `NA`, `N/A`, `nan`, `None`, `-` and similar placeholders.
    case null
    /// Not a number at all.
    case invalid
    /// A number, but beyond what the column holds (`1e400`, 13+ integer digits).
    case outOfRange
}

extension Price {
    /// `self × factor` (both exact, six places), rounded half-even back to six places; `nil` when
    /// the product is beyond `maxMicros`. For `normalize.price_scale` (prices given in cents:
    /// factor 0.01).
    public func scaled(by factor: Price) -> Price? {
        let product = Int128(micros) * Int128(factor.micros)
        let scale = Int128(Price.scale)
        var quotient = product / scale
        let remainder = product % scale
        let twice = remainder.magnitude * 2
        if twice > scale.magnitude || (twice == scale.magnitude && quotient % 2 != 0) {
            quotient += product < 0 ? -1 : 1
        }
        guard quotient.magnitude <= UInt128(Price.maxMicros) else { return nil }
        return Price(micros: Int64(quotient))
    }
}
