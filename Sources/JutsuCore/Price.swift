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

    /// Like `parse`, but never rounds silently: a value with non-zero digits past the sixth
    /// place is `.tooPrecise` (the column holds six), unless the digits past it are the noise
    /// of a printed binary float, in which case the value is the decimal that float stands for:
    /// - a float32 printed with more digits than it has (yfinance writes Yahoo's float32 prices
    ///   widened to double: `19.59000015258789`, `14.5500004291534`, `200.95100402832`): the
    ///   text is that float32's exact value to the text's last digit, so the value is the
    ///   float32's shortest decimal (19.59, 14.55, 200.951), when that has at most 6 places;
    /// - arithmetic noise printed as a double (`523.4200440000001`, `1.0683799999999999`,
    ///   `14.5500004291534`): 15 or more significant digits within float32 precision (1.2e-7
    ///   relative) of the six-place rounding, which is the value.
    /// A real seventh or eighth decimal as vendors write it (`0.00002853`, `8051.12345678`,
    /// `2.853e-05`) is neither and is refused. Left possible: a real eighth decimal of a large
    /// price printed with 17 digits (`8051.1234567800003`) reads as noise.
    /// For file prices, where the text is all there is.
    ///
    /// Thousands separators are read where they can only be that (Investing.com's `2,728.00`,
    /// `1,234,567.5`: groups of three digits after one to three): the same value without them.
    public static func parseExact(_ bytes: UnsafeRawBufferPointer) -> Result<Price, NumberParseFailure> {
        switch DecimalText.read(bytes, scale: 6, limit: UInt64(maxMicros)) {
        case .failure(.invalid):
            return DecimalText.withoutGrouping(bytes) { parseExact($0) } ?? .failure(.invalid)
        case .failure(let f): return .failure(f)
        case .success(let s):
            let m = Int64(s.magnitude)
            let price = Price(micros: s.negative ? -m : m)
            guard s.inexact else { return .success(price) }
            return floatNoise(bytes, rounded: price) ?? .failure(.tooPrecise)
        }
    }

    /// The value a noisy printed float stands for, or nil (the rare path: only texts with more
    /// than six decimals get here).
    static func floatNoise(_ bytes: UnsafeRawBufferPointer, rounded: Price) -> Result<Price, NumberParseFailure>? {
        var significant = 0, decimals = 0
        var leading = true, afterDot = false
        for b in bytes {
            if b == 0x65 || b == 0x45 { return nil }  // an exponent: not a widened print
            if b == 0x2E { afterDot = true; continue }
            guard b >= 0x30 && b <= 0x39 else { continue }
            if afterDot { decimals += 1 }
            if b != 0x30 { leading = false }
            if !leading { significant += 1 }
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingSpaces
        guard let d = Double(text), d.isFinite else { return nil }
        // A float32 printed to `decimals` places: within half a unit of its last digit.
        if let f = Float(text), f.isFinite {
            var unit = 0.5
            for _ in 0..<decimals { unit /= 10 }
            let shortest = f.description
            if (Double(f) - d).magnitude <= unit * 1.5, shortest.utf8.count < text.utf8.count,
               case .success(let p) = shortest.utf8.withContiguousStorageIfAvailable({
                   DecimalText.read(UnsafeRawBufferPointer($0), scale: 6, limit: UInt64(maxMicros))
               }) ?? .failure(.invalid), !p.inexact {
                let m = Int64(p.magnitude)
                return .success(Price(micros: p.negative ? -m : m))
            }
        }
        // A printed double (15 or more significant digits) whose digits past the sixth place
        // are below float32 precision relative to the value: arithmetic noise on float prices
        // (`523.4200440000001`; yfinance's float32 times 100, `14.5500004291534`).
        let r = Double(rounded.micros) / Double(scale)
        if significant >= 15, (r - d).magnitude <= d.magnitude * 1.2e-7 { return .success(rounded) }
        return nil
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
    /// Non-zero digits past the sixth decimal place (`0.00002853`): not held exactly, so
    /// refused rather than rounded (`Price.parseExact`).
    case tooPrecise
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
