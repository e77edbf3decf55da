import JutsuCore

/// Exact prices and volumes from the binary numbers of vendor JSON.
///
/// JSON numbers arrive as `Double`s. A `Double`'s shortest round-trip text (Swift's
/// `description`) is the decimal the vendor printed whenever the vendor printed at most 15
/// significant digits, which covers every price and volume seen; it then goes through
/// `Price.parse`, half-even to 6 places, like prices read from text.
public enum VendorNumber {
    /// A price Yahoo computed in `Float32` and printed as a `Double` (`129.0399932861328`):
    /// the shortest decimal that reads back as the same `Float32` (`129.04`; `75.0875` for
    /// split-adjusted history), half-even to 6 places. A value that is not exactly a
    /// `Float32` was not computed in one: its own shortest `Double` text is used
    /// (`0.205`, `73.412`). Not rounded to `priceHint`, which is wrong for adjusted history.
    @inlinable
    public static func price(float32Printed value: Double) -> Result<Price, NumberParseFailure> {
        guard value.isFinite else { return .failure(.invalid) }
        let narrow = Float(value)
        if narrow.isFinite, Double(narrow) == value {
            return Price.parse(narrow.description)
        }
        return Price.parse(value.description)
    }

    /// A price sent as a decimal (Schwab, Polygon): its shortest `Double` text, half-even to
    /// 6 places (`187.4511`, `1.5032`).
    @inlinable
    public static func price(_ value: Double) -> Result<Price, NumberParseFailure> {
        guard value.isFinite else { return .failure(.invalid) }
        return Price.parse(value.description)
    }

    /// A volume: whole numbers exactly, fractions (Polygon's float `v`) half-even to an
    /// integer with `rounded` set.
    @inlinable
    public static func volume(_ value: Double) -> Result<(value: Int64, rounded: Bool), NumberParseFailure> {
        guard value.isFinite else { return .failure(.invalid) }
        return Volume.parse(value.description)
    }
}
