/// One trading session: the span of UTC time in which an exchange trades for a trading date.
public struct Session: Sendable, Hashable, CustomStringConvertible {
    /// The session (trading) date. Daily bars are keyed by it.
    public let date: CivilDate
    /// First instant of the session, UTC seconds.
    public let open: Int64
    /// End of the session (exclusive), UTC seconds; always after `open`.
    public let close: Int64
    /// The exchange closes earlier than its regular close on this date.
    public let isEarlyClose: Bool

    public init(date: CivilDate, open: Int64, close: Int64, isEarlyClose: Bool = false) {
        self.date = date
        self.open = open
        self.close = close
        self.isEarlyClose = isEarlyClose
    }

    /// Length in seconds.
    public var duration: Int64 { close - open }

    /// `open <= instant < close`.
    public func contains(_ instant: Int64) -> Bool { open <= instant && instant < close }

    /// `2024-11-29 [14:30:00Z, 18:00:00Z) early`.
    public var description: String {
        "\(date) [\(UnixTime.iso8601(open)), \(UnixTime.iso8601(close)))\(isEarlyClose ? " early" : "")"
    }
}
