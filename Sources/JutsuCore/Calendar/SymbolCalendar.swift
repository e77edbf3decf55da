/// The trading calendar a symbol's bars follow when nothing names one, decided by its form:
/// - FX: `EURUSD=X` (Yahoo), or six letters that are two currency codes (`EURUSD`): 24x5;
/// - crypto: a pair quoted in USD/USDT/USDC/BUSD/BTC/ETH/EUR, with a separator (`BTC-USD` is
///   stored `BTC.USD`) or without one when the base is a known coin (`BTCUSD`, `BTCUSDT`,
///   `ADABTC`): 24x7;
/// - a foreign exchange suffix (`4063.T`, `AET.L`, `8TRA.DE`): Monday to Friday without holidays;
/// - everything else (US shares, `BRK.A`, `^GSPC`): NYSE.
public enum SymbolCalendar {
    /// Calendar names a series may be given (`freshness.yaml` `series[].calendar`, `import --calendar`).
    public static let names = ["XNYS", "24x7", "24x5", "weekdays"]

    /// Exchange suffixes (Yahoo's) of listings outside the US: until their exchanges have
    /// calendars, judged Monday to Friday without holidays.
    static let foreignSuffixes: Set<String> = [
        "T", "L", "DE", "F", "PA", "AS", "BR", "LS", "MI", "MC", "SW", "ST", "CO", "OL", "HE", "IR", "VI", "WA",
        "HK", "SS", "SZ", "TW", "TWO", "KS", "KQ", "SI", "JK", "BK", "KL", "NS", "BO", "AX", "NZ", "TO", "V", "NE",
        "CN", "SA", "MX", "TA", "IS", "JO",
    ]
    static let cryptoQuotes = ["USDT", "USDC", "BUSD", "USD", "BTC", "ETH", "EUR"]
    static let coins: Set<String> = [
        "BTC", "XBT", "ETH", "LTC", "XRP", "ADA", "SOL", "DOGE", "DOT", "BNB", "BCH", "LINK", "XLM", "EOS", "TRX",
        "ETC", "AVAX", "MATIC", "SHIB", "UNI", "ATOM", "XMR", "ALGO", "FIL", "NEO", "DASH", "ZEC", "USDT", "USDC",
    ]
    static let currencies: Set<String> = [
        "USD", "EUR", "GBP", "JPY", "CHF", "AUD", "NZD", "CAD", "SEK", "NOK", "DKK", "PLN", "HUF", "CZK", "TRY",
        "ZAR", "MXN", "SGD", "HKD", "CNH", "CNY", "INR", "KRW", "BRL", "RUB", "ILS", "THB",
    ]

    /// The calendar `named` (one of `names`), else the one of the symbol's form.
    public static func calendar(for symbol: Symbol, named: String? = nil) -> any TradingCalendar {
        if let named {
            if named == "weekdays" { return WeekdayCalendar() }
            if let calendar = TradingCalendars.named(named) { return calendar }
        }
        let s = symbol.value
        if s.hasSuffix("=X") || isCurrencyPair(s) { return TradingCalendars.named("24x5")! }
        if isCryptoPair(s) { return TradingCalendars.named("24x7")! }
        if let dot = s.lastIndex(of: "."), foreignSuffixes.contains(String(s[s.index(after: dot)...])), !s.hasPrefix("^") {
            return WeekdayCalendar()
        }
        return TradingCalendars.nyse
    }

    static func isCurrencyPair(_ s: String) -> Bool {
        guard s.count == 6, s.allSatisfy({ $0.isLetter }) else { return false }
        return currencies.contains(String(s.prefix(3))) && currencies.contains(String(s.suffix(3)))
    }

    static func isCryptoPair(_ s: String) -> Bool {
        if let dot = s.lastIndex(of: ".") {
            return ["USD", "USDT", "USDC", "BTC", "ETH"].contains(String(s[s.index(after: dot)...]))
        }
        for quote in cryptoQuotes where s.hasSuffix(quote) && s.count > quote.count {
            if coins.contains(String(s.dropLast(quote.count))) { return true }
        }
        return false
    }
}
