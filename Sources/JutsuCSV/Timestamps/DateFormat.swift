/// How the date (or date-time) column is written; the raw values are the `--date-format`
/// spellings (lower case: the flag is compared lower-cased).
///
/// Formats after the date part take an optional time of day after one or more spaces,
/// `H[H]:MM[:SS[.fraction]]` (the fraction is dropped), written without an offset, unless
/// said otherwise. Month names are English, three-letter (`Jan` .. `Dec`) or full (`January`),
/// in any letter case.
public enum DateFormat: String, Sendable, CaseIterable, Equatable {
    /// `2024-03-01` (also `2024/03/01`).
    case isoDate = "iso-date"
    /// `2024-03-01T09:30:00`, `2024-03-01 09:30`, optional fraction `.123`, optional offset
    /// `Z`, `+09:00`, `-0400`, `+09`, ` UTC`. A date alone is accepted as well.
    case isoDateTime = "iso-datetime"
    /// `03/01/2024` or `3/1/2024` month first, optionally followed by `09:30[:00]` and `AM`/`PM`.
    case usDate = "mm/dd/yyyy"
    /// `09/01/2020` or `9/1/2020` DAY first (9 January), optionally followed by a time as
    /// `mm/dd/yyyy` is.
    case dayFirstDate = "dd/mm/yyyy"
    /// `20240301`, optionally followed by a time (`20240301 09:30:00`).
    case compact = "yyyymmdd"
    /// MetaTrader: `2019.02.15`, `2019.02.15 14:00` (often with a separate `Time` column).
    case dottedYearFirst = "yyyy.mm.dd"
    /// Dukascopy and European exports: `14.03.2019`, `14.03.2019 00:00:00.000`, always day first.
    case dottedDayFirst = "dd.mm.yyyy"
    /// Google Finance: `31-Dec-10`, `3-Dec-10`. Two-digit years pivot as POSIX `strptime`'s
    /// `%y`: `00`-`68` are 2000-2068, `69`-`99` are 1969-1999.
    case dayMonthNameShortYear = "dd-mon-yy"
    /// NSE India: `01-APR-2026`, `1-Apr-2026`, `01-April-2026`.
    case dayMonthNameYear = "dd-mon-yyyy"
    /// Investing.com: `Aug 02, 2020` (quoted in the file because of the comma); the comma may
    /// be missing (`Aug 02 2020`).
    case monthNameDayYear = "mon dd, yyyy"
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

    /// The slash formats whose day/month order the values must prove (`DateFormatDetector`).
    public var isSlashDayMonth: Bool { self == .usDate || self == .dayFirstDate }

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
