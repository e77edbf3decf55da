/// Which field of a record holds what (0-based indexes).
public struct ColumnMapping: Sendable, Equatable {
    public var date: Int
    /// A separate time-of-day column combined with a date-only `date` column.
    public var time: Int?
    public var open: Int
    public var high: Int
    public var low: Int
    public var close: Int
    /// Absent: volume is read as 0.
    public var volume: Int?
    public var symbol: Int?
    public var dividend: Int?
    public var split: Int?
    /// Recognised but not stored: bars are stored as the vendor reports them and splits and
    /// dividends go to corporate actions, so an adjusted close would be a second, competing truth.
    public var adjustedClose: Int?
    /// Column names as written in the header (trimmed), or the positional role names of a
    /// headerless file.
    public var names: [String]

    /// Number of fields every record must have.
    public var fieldCount: Int { names.count }

    /// The header name of field `index`, for messages.
    public func name(_ index: Int) -> String { index < names.count ? names[index] : "#\(index + 1)" }
}
