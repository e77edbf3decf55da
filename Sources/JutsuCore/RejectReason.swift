/// Stable machine-readable codes for rejected rows. The raw values are stored in the database
/// and printed in reports: never rename them.
public enum RejectReason: String, Sendable, CaseIterable, Codable {
    case raggedRow = "ragged_row"
    case unterminatedQuote = "unterminated_quote"
    case invalidEncoding = "invalid_encoding"
    case missingField = "missing_field"
    case badNumber = "bad_number"
    case numberOutOfRange = "number_out_of_range"
    case badTimestamp = "bad_timestamp"
    case badSymbol = "bad_symbol"
    case nonPositivePrice = "non_positive_price"
    case highBelowLow = "high_below_low"
    case lowAboveOpenClose = "low_above_open_close"
    case highBelowOpenClose = "high_below_open_close"
    case negativeVolume = "negative_volume"
    case misalignedTimestamp = "misaligned_timestamp"
    case futureTimestamp = "future_timestamp"
    case weekendDailyBar = "weekend_daily_bar"
    case duplicate = "duplicate"
    case exists = "exists"
    case sourcePriority = "source_priority"
    case priceScaleOverflow = "price_scale_overflow"
    case badTimeframe = "bad_timeframe"
    case legacyInvalid = "legacy_invalid"
    case pricePrecision = "price_precision"

    /// The code, e.g. `high_below_low`.
    public var code: String { rawValue }

    /// A short explanation for reports.
    public var summary: String {
        switch self {
        case .raggedRow: "row has a different number of fields than the header"
        case .unterminatedQuote: "quoted field is never closed"
        case .invalidEncoding: "text is not valid UTF-8"
        case .missingField: "a required field is empty or absent"
        case .badNumber: "a numeric field is not a number"
        case .numberOutOfRange: "a number is too large for its column"
        case .badTimestamp: "the timestamp cannot be read"
        case .badSymbol: "the symbol is not a valid symbol"
        case .nonPositivePrice: "a price is zero or negative"
        case .highBelowLow: "high is below low"
        case .lowAboveOpenClose: "low is above open or close"
        case .highBelowOpenClose: "high is below open or close"
        case .negativeVolume: "volume is negative"
        case .misalignedTimestamp: "timestamp is not on a bar boundary of the timeframe"
        case .futureTimestamp: "timestamp is in the future"
        case .weekendDailyBar: "daily bar dated on a Saturday or Sunday"
        case .duplicate: "same key appears more than once in the input"
        case .exists: "key already stored with other values; load mode append never changes stored bars"
        case .sourcePriority: "stored bar comes from a source listed earlier in load.source_priority"
        case .priceScaleOverflow: "a price is too large after normalize.price_scale"
        case .badTimeframe: "the timeframe is not a known timeframe"
        case .legacyInvalid: "the legacy database marks the bar invalid (is_valid 0 or NULL): its engine never reads it"
        case .pricePrecision: "a price has more decimal places than the 6 stored: refused, never rounded"
        }
    }

    /// Reason for a number that failed to parse: empty fields and null placeholders are
    /// missing fields, malformed text a bad number, too large a number out of range.
    public static func forNumber(_ failure: NumberParseFailure) -> RejectReason {
        switch failure {
        case .outOfRange: .numberOutOfRange
        case .empty, .null: .missingField
        case .invalid: .badNumber
        case .tooPrecise: .pricePrecision
        }
    }
}

extension NumberParseFailure: CustomStringConvertible {
    /// Short lower-case phrase for messages: "empty", "null placeholder", "not a number",
    /// "number out of range".
    public var description: String {
        switch self {
        case .empty: "empty"
        case .null: "null placeholder"
        case .invalid: "not a number"
        case .outOfRange: "number out of range"
        case .tooPrecise: "more decimal places than the 6 stored (numeric(18,6)); refused, not rounded"
        }
    }
}
