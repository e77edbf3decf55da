/// Traded volume as read from vendor text; stored as `BIGINT`.
public enum Volume {
    /// Integer volume. Accepts the same grammar as `Price.parse` (`123`, `123.0`, `1.5e6`,
    /// surrounding spaces); thousands separators such as `1,234` are invalid.
    /// Fractional volumes are rounded half-even; `rounded` is true when a non-zero fraction
    /// was dropped (`2.5` -> 2, rounded; `3.0` -> 3, not rounded). Negative values are
    /// returned as negative numbers: rejecting them is the validator's job.
    /// Failures as for `Price`; a magnitude above `Int64.max` -> `.outOfRange`.
    @inlinable
    public static func parse(_ bytes: UnsafeRawBufferPointer)
        -> Result<(value: Int64, rounded: Bool), NumberParseFailure>
    {
        switch DecimalText.read(bytes, scale: 0, limit: UInt64(Int64.max)) {
        case .success(let s):
            let v = Int64(s.magnitude)
            return .success((value: s.negative ? -v : v, rounded: s.inexact))
        case .failure(let f):
            return .failure(f)
        }
    }

    /// Like `parse`, plus what vendors write for volumes: thousands separators (`1,234,567`)
    /// and Investing.com's suffixes `K`, `M`, `B` (`245.67K` = 245,670, `1.5M`, `2B`), exact
    /// (a fraction left after the suffix is rounded half-even and flagged, as any fraction).
    public static func parseVendor(_ bytes: UnsafeRawBufferPointer)
        -> Result<(value: Int64, rounded: Bool), NumberParseFailure>
    {
        let plain = parse(bytes)
        guard case .failure(.invalid) = plain else { return plain }
        if let grouped = DecimalText.withoutGrouping(bytes, { parse($0) }) { return grouped }
        var end = bytes.count
        while end > 0, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        guard end > 1 else { return plain }
        let scale: Int
        switch bytes[end - 1] | 0x20 {
        case 0x6B: scale = 3  // k
        case 0x6D: scale = 6  // m
        case 0x62: scale = 9  // b
        default: return plain
        }
        let number = UnsafeRawBufferPointer(rebasing: bytes[0..<(end - 1)])
        switch DecimalText.read(number, scale: scale, limit: UInt64(Int64.max)) {
        case .success(let s):
            let v = Int64(s.magnitude)
            return .success((value: s.negative ? -v : v, rounded: s.inexact))
        case .failure(let f): return .failure(f)
        }
    }

    /// Parses the UTF-8 of `text`; same rules as the byte version.
    public static func parse(_ text: String) -> Result<(value: Int64, rounded: Bool), NumberParseFailure> {
        var text = text
        return text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }
}
