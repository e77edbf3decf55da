/// One OHLCV bar keyed by (symbol, timeframe, ts). `ts` = UTC seconds of the bar's start; for
/// 1d/1w/1mo it is the session date at 00:00 UTC (see `SessionKey`).
public struct Bar: Hashable, Sendable {
    public var symbol: Symbol
    public var timeframe: Timeframe
    public var ts: Int64
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    public var volume: Int64

    public init(
        symbol: Symbol, timeframe: Timeframe, ts: Int64,
        open: Price, high: Price, low: Price, close: Price, volume: Int64
    ) {
        self.symbol = symbol
        self.timeframe = timeframe
        self.ts = ts
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }
}

/// Where a row came from: a file (or URL) and a 1-based line number.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int64

    public init(file: String, line: Int64) {
        self.file = file
        self.line = line
    }

    /// `file:line`.
    public var description: String { "\(file):\(line)" }
}

/// A bar as read from an input, with the line it came from.
public struct SourcedBar: Sendable {
    public var bar: Bar
    public var line: Int64

    public init(bar: Bar, line: Int64) {
        self.bar = bar
        self.line = line
    }
}

/// A row that did not become a bar, with the reason code and a message for humans.
public struct RejectedRow: Sendable, Equatable {
    public var line: Int64
    public var rawText: String
    public var reason: RejectReason
    /// Human message naming the field and the value, e.g.
    /// "field 'high' value '1e400': number out of range".
    public var message: String

    public init(line: Int64, rawText: String, reason: RejectReason, message: String) {
        self.line = line
        self.rawText = rawText
        self.reason = reason
        self.message = message
    }
}

extension Bar {
    /// The bar as one line of text (`symbol,timeframe,ts,open,high,low,close,volume`), for
    /// reject records of rows that parsed but are not stored.
    public var recordText: String {
        "\(symbol.value),\(timeframe.rawValue),\(UnixTime.iso8601(ts)),\(open),\(high),\(low),\(close),\(volume)"
    }
}
