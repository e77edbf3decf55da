import Foundation
import JutsuCore

/// What a backtest reads: bars (as stored or back-adjusted), freshness, the guard that refuses
/// stale or gapped data, and the list of stored series. The contract behind it is
/// docs/contract.md.
///
/// ```swift
/// let data = MarketData(conninfo: ProcessInfo.processInfo.environment["DATABASE_URL"]!)
/// let range = BarRange(from: CivilDate(year: 2013, month: 1, day: 2)!, through: CivilDate(year: 2014, month: 12, day: 31)!)
/// try await data.check(symbol: "AAPL", timeframe: .d1, range: range)   // throws when stale or gapped
/// for try await bar in data.bars(symbol: "AAPL", timeframe: .d1, range: range, adjustment: .backAdjusted) { ... }
/// ```
///
/// libpq blocks, so every call runs on a thread of its own with its own connection, never on
/// Swift's cooperative pool; a `MarketData` value holds no connection and may be shared freely.
public struct MarketData: Sendable {
    let conninfo: String
    let applicationName: String

    /// `conninfo`: a libpq URI or `key=value` string; it is never logged or put in errors.
    public init(conninfo: String, applicationName: String = "jutsu-marketdata") {
        self.conninfo = conninfo
        self.applicationName = applicationName
    }

    /// The bars of a series whose `ts` is in `range`, ascending, streamed (see `BarStream`).
    /// Errors (a bad symbol, the database) are thrown by the iteration.
    public func bars(symbol: String, timeframe: Timeframe, range: BarRange = .all,
                     adjustment: Adjustment = .none) -> BarStream {
        BarStream(conninfo: conninfo, applicationName: applicationName, symbol: symbol, timeframe: timeframe,
                  range: range, adjustment: adjustment)
    }

    /// Every series with stored bars.
    public func series() async throws(MarketDataError) -> [SeriesInfo] {
        try await withConnection { c throws(MarketDataError) in try c.series() }
    }

    /// The series' freshness at `at` (UTC seconds; default now).
    public func freshness(symbol: String, timeframe: Timeframe, at: Int64? = nil) async throws(MarketDataError) -> SeriesFreshness {
        let instant = at ?? Self.now()
        return try await withConnection { c throws(MarketDataError) in try c.freshness(symbol: symbol, timeframe: timeframe, at: instant) }
    }

    /// The guard: throws `missing`, `stale` (at `at`, default now) or `gaps` (sessions in `range`
    /// without a bar), so a backtest never runs on bad data silently. See
    /// `MarketDataConnection.check`.
    @discardableResult
    public func check(symbol: String, timeframe: Timeframe, range: BarRange,
                      at: Int64? = nil) async throws(MarketDataError) -> SeriesCheck {
        let instant = at ?? Self.now()
        return try await withConnection { c throws(MarketDataError) in
            try c.check(symbol: symbol, timeframe: timeframe, range: range, at: instant)
        }
    }

    /// The corporate actions of a series and what each contributes to adjusted bars.
    public func adjustmentSchedule(symbol: String, timeframe: Timeframe,
                                   adjustment: Adjustment = .backAdjusted) async throws(MarketDataError) -> AdjustmentSchedule {
        try await withConnection { c throws(MarketDataError) in
            try c.adjustmentSchedule(symbol: symbol, timeframe: timeframe, adjustment: adjustment)
        }
    }

    /// Runs `body` with a fresh connection on a thread of its own.
    func withConnection<T: Sendable>(_ body: @escaping @Sendable (MarketDataConnection) throws(MarketDataError) -> T) async throws(MarketDataError) -> T {
        let conninfo = conninfo, applicationName = applicationName
        let result: Result<T, MarketDataError> = await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: Result { () throws(MarketDataError) -> T in
                    try body(try MarketDataConnection(conninfo: conninfo, applicationName: applicationName))
                })
            }
            thread.name = "jutsu-marketdata"
            thread.start()
        }
        return try result.get()
    }

    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }
}
