/// An exact price with six decimal places, stored as an integer number of millionths.
///
/// Matches the store's `NUMERIC(18,6)`: at most 12 integer digits. Parsed straight from
/// text bytes (no binary floating point, no Foundation `Decimal`), rounded half-even.
public struct Price: Hashable, Comparable, Sendable {
    /// The value times 1,000,000.
    public var micros: Int64

    public static let scale: Int64 = 1_000_000
    /// Largest magnitude a `NUMERIC(18,6)` holds, in micros: 999,999,999,999.999999.
    public static let maxMicros: Int64 = 999_999_999_999_999_999

    @inlinable public init(micros: Int64) { self.micros = micros }

    public static func < (a: Price, b: Price) -> Bool { a.micros < b.micros }
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
