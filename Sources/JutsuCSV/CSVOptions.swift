import JutsuCore

/// Overrides for what the reader would otherwise detect. Every field defaults to `nil`:
/// detect it from the file (see `Dialect` for what was decided and why).
public struct CSVOptions: Sendable, Equatable {
    /// Symbol for every row; it wins over a symbol column (which is then not read).
    public var symbol: Symbol?
    /// Bar length; otherwise from the file or directory name, else from the data.
    public var timeframe: Timeframe?
    /// Field separator byte (`,` `;` tab `|` are detected).
    public var delimiter: UInt8?
    /// How the date column is written.
    public var dateFormat: DateFormat?
    /// IANA zone (or `UTC`, `+09:00`) of timestamps written without an offset, and of epoch
    /// values for daily-or-longer bars; default `America/New_York`.
    public var zone: String?
    /// Whether the first row is a header.
    public var hasHeader: Bool?
    /// Intraday timestamps are the END of each bar (Alpha Vantage, NinjaTrader exports): the
    /// key is one bar length earlier. Default: the start, as the stored convention.
    public var barTimeIsEnd = false
    /// The trading calendar of every bar (`24x7`, `24x5`, `XNYS`, `weekdays`); nil: each
    /// symbol's own (`SymbolCalendar`: crypto pairs 24x7, FX 24x5, US shares NYSE).
    public var calendar: String?
    /// A price scale was given (`--price-scale`): files whose scale no text can tell (LEAN's
    /// deci-cents) are then read with it instead of refused.
    public var priceScaleGiven = false

    public init(
        symbol: Symbol? = nil, timeframe: Timeframe? = nil, delimiter: UInt8? = nil,
        dateFormat: DateFormat? = nil, zone: String? = nil, hasHeader: Bool? = nil
    ) {
        self.symbol = symbol
        self.timeframe = timeframe
        self.delimiter = delimiter
        self.dateFormat = dateFormat
        self.zone = zone
        self.hasHeader = hasHeader
    }

    /// Zone used when none is given: US equities are the common case.
    public static let defaultZone = "America/New_York"
}
