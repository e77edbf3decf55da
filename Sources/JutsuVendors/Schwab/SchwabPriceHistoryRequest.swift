import JutsuCore

/// One request to Schwab's `/marketdata/v1/pricehistory` (path relative to the source's
/// `base_url`, which ends in `/marketdata/v1`).
///
/// Timeframes map to Schwab's parameters (periodType / frequencyType / frequency): `1m` `5m`
/// `15m` `30m` -> `day` / `minute` / 1, 5, 15, 30; `1d` `1w` `1mo` -> `year` / `daily`,
/// `weekly`, `monthly` / 1. Schwab has no hourly candles: `1h` is an `invalid_request`.
/// `startDate` and `endDate` are the window in epoch milliseconds: daily candles are stamped
/// at midnight America/Chicago (05:00Z or 06:00Z), after the window's 00:00Z start, so
/// no margin is needed; the parser keeps what falls inside the window.
public struct SchwabPriceHistoryRequest: Sendable, Hashable {
    /// Schwab's spelling: `AAPL`, `$SPX` for indices, `BRK/B`.
    public var vendorSymbol: String
    /// The canonical symbol (`$SPX` -> `^SPX`, `BRK/B` -> `BRK.B`).
    public var symbol: Symbol
    public var timeframe: Timeframe
    public var window: KeyWindow
    public var extendedHours: Bool
    public var parameters: Parameters

    /// Schwab's way to say what a candle is.
    public struct Parameters: Sendable, Hashable {
        public var periodType: String
        public var frequencyType: String
        public var frequency: Int
    }

    public init(symbol vendorSymbol: String, timeframe: Timeframe, window: KeyWindow,
                extendedHours: Bool = false) throws(VendorError) {
        guard let parameters = Self.parameters(timeframe) else {
            throw VendorError(vendor: .schwab, code: .invalidRequest, status: nil,
                              message: "Schwab has no \(timeframe.rawValue) candles (minute: 1, 5, 10, 15, 30; daily, weekly, monthly)")
        }
        self.vendorSymbol = vendorSymbol
        self.symbol = try VendorError.canonical(vendorSymbol, vendor: .schwab)
        self.timeframe = timeframe
        self.window = window
        self.extendedHours = extendedHours
        self.parameters = parameters
    }

    public static func parameters(_ timeframe: Timeframe) -> Parameters? {
        switch timeframe {
        case .m1: Parameters(periodType: "day", frequencyType: "minute", frequency: 1)
        case .m5: Parameters(periodType: "day", frequencyType: "minute", frequency: 5)
        case .m15: Parameters(periodType: "day", frequencyType: "minute", frequency: 15)
        case .m30: Parameters(periodType: "day", frequencyType: "minute", frequency: 30)
        case .h1: nil
        case .d1: Parameters(periodType: "year", frequencyType: "daily", frequency: 1)
        case .w1: Parameters(periodType: "year", frequencyType: "weekly", frequency: 1)
        case .mo1: Parameters(periodType: "year", frequencyType: "monthly", frequency: 1)
        }
    }

    /// Schwab's documented combinations: `day`: `minute` (1, 5, 10, 15, 30); `month`: `daily`,
    /// `weekly`; `year`: `daily`, `weekly`, `monthly`; `ytd`: `daily`, `weekly`; all but
    /// `minute` with frequency 1.
    public static func isValid(_ p: Parameters) -> Bool {
        let types: [String: Set<String>] = [
            "day": ["minute"], "month": ["daily", "weekly"], "year": ["daily", "weekly", "monthly"],
            "ytd": ["daily", "weekly"],
        ]
        guard types[p.periodType]?.contains(p.frequencyType) == true else { return false }
        return p.frequencyType == "minute" ? [1, 5, 10, 15, 30].contains(p.frequency) : p.frequency == 1
    }

    public var request: VendorRequest {
        VendorRequest(
            path: ["pricehistory"],
            query: [
                ("symbol", vendorSymbol), ("periodType", parameters.periodType),
                ("frequencyType", parameters.frequencyType), ("frequency", String(parameters.frequency)),
                ("startDate", String(window.from * 1000)), ("endDate", String(window.to * 1000)),
                ("needExtendedHoursData", extendedHours ? "true" : "false"), ("needPreviousClose", "false"),
            ])
    }
}
