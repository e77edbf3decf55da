/// How the date (or date-time) column is written; the raw values are the `--date-format`
/// spellings.
public enum DateFormat: String, Sendable, CaseIterable, Equatable {
    /// `2024-03-01` (also `2024/03/01`).
    case isoDate = "iso-date"
    /// `2024-03-01T09:30:00`, `2024-03-01 09:30`, optional fraction `.123`, optional offset
    /// `Z`, `+09:00`, `-0400`, `+09`, ` UTC`. A date alone is accepted as well.
    case isoDateTime = "iso-datetime"
    /// `03/01/2024` or `3/1/2024`, optionally followed by `09:30[:00]` and `AM`/`PM`.
    case usDate = "mm/dd/yyyy"
    /// `20240301`, optionally followed by a time (`20240301 09:30:00`).
    case compact = "yyyymmdd"
    /// Seconds since 1970-01-01T00:00Z.
    case epochSeconds = "epoch-s"
    /// Milliseconds since the epoch (Polygon REST `t`, Schwab `datetime`).
    case epochMillis = "epoch-ms"
    /// Microseconds since the epoch.
    case epochMicros = "epoch-us"
    /// Nanoseconds since the epoch (Polygon flat files `window_start`).
    case epochNanos = "epoch-ns"

    /// True for the epoch formats: absolute instants, no calendar fields.
    public var isEpoch: Bool {
        switch self {
        case .epochSeconds, .epochMillis, .epochMicros, .epochNanos: true
        default: false
        }
    }

    /// Epoch units per second.
    var epochUnitsPerSecond: Int64 {
        switch self {
        case .epochMillis: 1_000
        case .epochMicros: 1_000_000
        case .epochNanos: 1_000_000_000
        default: 1
        }
    }
}
