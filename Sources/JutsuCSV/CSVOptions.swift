import JutsuCore

/// Overrides for what the reader would otherwise detect. Every field defaults to `nil`:
/// detect it from the file (see `Dialect` for what was decided and why).
public struct CSVOptions: Sendable, Equatable {
    /// Symbol for every row, when the file has no symbol column (a column wins).
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
