import JutsuCore

/// A series: one symbol at one timeframe.
public struct SeriesKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var symbol: Symbol
    public var timeframe: Timeframe

    public init(symbol: Symbol, timeframe: Timeframe) {
        self.symbol = symbol
        self.timeframe = timeframe
    }

    public init(_ bar: Bar) { self.init(symbol: bar.symbol, timeframe: bar.timeframe) }

    public static func < (a: SeriesKey, b: SeriesKey) -> Bool {
        (a.symbol.value, a.timeframe.rawValue) < (b.symbol.value, b.timeframe.rawValue)
    }

    public var description: String { "\(symbol.value) \(timeframe.rawValue)" }
}
