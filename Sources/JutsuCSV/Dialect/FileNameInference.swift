import JutsuCore

/// What a file's path says about its symbol and timeframe.
///
/// - Extensions `.gz`, `.csv`, `.txt`, `.tsv` are stripped (repeatedly, any case).
/// - The name is split on `__` (flattened directory paths, as in zipline's test data); the
///   last part names the instrument: `csvdir_samples__csvdir__daily__AAPL.csv.gz` -> `AAPL`.
/// - That part is split on `-` and `_`; the first token after the first that spells a
///   timeframe ends the symbol (yfinance test data: `4063-T-1d-bad-stock-split.csv` -> `4063-T`
///   and 1d; `EA-15m-no-bad-divs.csv` -> `EA` and 15m). Without one, the whole part is the
///   symbol (`BRK-A` -> `BRK.A`).
/// - Otherwise the timeframe may come from another `__` part (`daily`) or from the parent
///   directory's name or its tokens (`daily/`, `yahoo-1h/`).
///
/// Vendor naming conventions are recognized first, whole-name patterns that give both:
/// Stooq `aapl_us_d` (AAPL, 1d; `_w` 1w, `_m` 1mo, `_h` 1h, `_5` 5m), TradingView
/// `BINANCE_BTCUSDT, 1D` (BTCUSDT; `, 60` 1h, `, 5` 5m), HistData `DAT_ASCII_EURUSD_M1_201703`
/// (EURUSD, 1m), MetaTrader history `EURUSD60` (EURUSD, 1h; 1 5 15 30 60 1440 10080 43200),
/// Alpha Vantage `intraday_5min_IBM` and `daily_MSFT` / `weekly_adjusted_MSFT`.
///
/// Tokens that are never part of a symbol are dropped from the generic reading, with a note
/// (a warning the import prints): years and dates (`orcl-2014`, `SPY-20200901-20210113`) and
/// vendor words (`yahoofinance`, `googlefinance`, `quandl`, `WIKI`): `orcl-2000-yahoofinance`
/// -> ORCL, never `ORCL.2000`.
struct FileNameInference: Equatable {
    var symbolText: String?
    var timeframe: Timeframe?
    var timeframeSource: Dialect.TimeframeSource?
    /// The vendor convention the name follows, when one does (`stooq`, `tradingview`, ...).
    var convention: String?
    /// Tokens of the name dropped as not part of the symbol (years, dates, vendor words).
    var dropped: [String] = []

    init(path: String) {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard var base = components.popLast() else { return }
        base = Self.stripExtensions(base)
        if let vendor = Self.vendorConvention(base) {
            (symbolText, timeframe, convention) = vendor
            timeframeSource = timeframe == nil ? nil : .fileName
            if timeframe == nil, let parent = components.last, let tf = Self.timeframe(parent) {
                timeframe = tf
                timeframeSource = .directoryName
            }
            return
        }
        let parts = base.components(separatedBy: "__").filter { !$0.isEmpty }
        guard let last = parts.last else { return }

        // Symbol part: tokens split on - and _, keeping the separators.
        let tokens = Self.tokens(last)
        var symbolEnd = last.endIndex
        for (k, token) in tokens.enumerated() where k > 0 {
            if let tf = Self.timeframe(token.text) {
                timeframe = tf
                timeframeSource = .fileName
                symbolEnd = token.separatorIndex
                break
            }
        }
        var symbol = String(last[last.startIndex..<symbolEnd])
        // Years, dates and vendor words are never part of a symbol: drop them (noted).
        let symbolTokens = Self.tokens(symbol).map { String($0.text) }
        let kept = symbolTokens.filter { !Self.isNoise($0) }
        if kept.count < symbolTokens.count, !kept.isEmpty {
            dropped = symbolTokens.filter(Self.isNoise)
            symbol = kept.joined(separator: "-")
        }
        symbolText = symbol.isEmpty ? nil : symbol

        if timeframe == nil {
            for part in parts.dropLast() {
                if let tf = Self.tokens(part).lazy.compactMap({ Self.timeframe($0.text) }).first {
                    timeframe = tf
                    timeframeSource = .fileName
                    break
                }
            }
        }
        if timeframe == nil, let parent = components.last {
            if let tf = Self.timeframe(parent) ?? Self.tokens(parent).lazy.compactMap({ Self.timeframe($0.text) }).first {
                timeframe = tf
                timeframeSource = .directoryName
            }
        }
    }

    static func stripExtensions(_ name: String) -> String {
        var name = name
        var changed = true
        while changed {
            changed = false
            for ext in [".gz", ".csv", ".txt", ".tsv"] where name.lowercased().hasSuffix(ext) && name.count > ext.count {
                name.removeLast(ext.count)
                changed = true
            }
        }
        return name
    }

    /// Tokens split on `-`, `_` and `.`, with the index of the separator before each.
    static func tokens(_ text: String) -> [(text: Substring, separatorIndex: String.Index)] {
        var out: [(Substring, String.Index)] = []
        var tokenStart = text.startIndex
        var separator = text.startIndex
        var i = text.startIndex
        while i < text.endIndex {
            let ch = text[i]
            if ch == "-" || ch == "_" || ch == "." {
                if tokenStart < i { out.append((text[tokenStart..<i], separator)) }
                separator = i
                tokenStart = text.index(after: i)
            }
            i = text.index(after: i)
        }
        if tokenStart < text.endIndex { out.append((text[tokenStart...], separator)) }
        return out
    }

    /// A timeframe spelling of at least two characters (so a share class `D` is not a day),
    /// plus directory words such as `minute`.
    static func timeframe(_ token: some StringProtocol) -> Timeframe? {
        guard token.count >= 2 else { return nil }
        if let tf = Timeframe(parsing: token) { return tf }
        switch token.lowercased() {
        case "minute", "minutes", "1minute": return .m1
        case "hour", "hours", "1hour": return .h1
        case "days", "1day", "eod": return .d1
        case "week", "1week": return .w1
        case "month", "1month": return .mo1
        default: return nil
        }
    }

    /// A year (1900-2099), a date (`20200901`, `201703`) or a vendor's word.
    static func isNoise(_ token: String) -> Bool {
        let lower = token.lowercased()
        if ["yahoofinance", "yahoo", "googlefinance", "google", "quandl", "wiki", "stooq", "data", "prices",
            "historical", "history", "ohlc", "ohlcv", "bars", "export"].contains(lower) { return true }
        guard token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber) else { return false }
        if token.count == 4, let y = Int(token) { return (1900...2099).contains(y) }
        return token.count == 6 || token.count == 8
    }

    /// Whole-name vendor conventions: (symbol, timeframe, convention).
    static func vendorConvention(_ name: String) -> (String, Timeframe?, String)? {
        let parts = name.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        // HistData: DAT_ASCII_EURUSD_M1_201703, DAT_MT_EURUSD_M1_2017
        if parts.count == 5, parts[0].uppercased() == "DAT", isLetters(parts[2], count: 6), parts[3].uppercased() == "M1",
           parts[4].allSatisfy(\.isNumber) {
            return (parts[2].uppercased(), .m1, "histdata")
        }
        // TradingView: BINANCE_BTCUSDT, 1D / FX_EURUSD, 60
        if let comma = name.firstIndex(of: ","), let underscore = name[..<comma].firstIndex(of: "_") {
            let symbol = String(name[name.index(after: underscore)..<comma])
            let interval = String(name[name.index(after: comma)...]).trimmingSpaces
            let tf: Timeframe? = switch interval.uppercased() {
            case "1": .m1
            case "5": .m5
            case "15": .m15
            case "30": .m30
            case "60", "1H": .h1
            case "1D", "D": .d1
            case "1W", "W": .w1
            case "1M", "M": .mo1
            default: nil
            }
            if !symbol.isEmpty, let tf { return (symbol, tf, "tradingview") }
        }
        // Stooq: aapl_us_d, cdr_pl_w, 7203_jp_5
        if parts.count == 3, isLetters(parts[1], count: 2), !parts[0].isEmpty {
            let tf: Timeframe? = switch parts[2].lowercased() {
            case "d": .d1
            case "w": .w1
            case "m": .mo1
            case "h": .h1
            case "5": .m5
            default: nil
            }
            if let tf {
                let market = parts[1].uppercased()
                return (market == "US" ? parts[0] : "\(parts[0]).\(market)", tf, "stooq")
            }
        }
        // CryptoDataDownload: Coinbase_BTCUSD_1h, Binance_BTCUSDT_d, Bitstamp_ETHUSD_minute
        if parts.count == 3, parts[0].count >= 3, parts[0].allSatisfy({ $0.isASCII && $0.isLetter }),
           parts[1].count >= 6, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            let tf: Timeframe? = switch parts[2].lowercased() {
            case "d", "1d", "day", "daily": .d1
            case "1h", "h", "hour", "hourly": .h1
            case "minute", "1m", "1min": .m1
            default: nil
            }
            if let tf { return (parts[1], tf, "cryptodatadownload") }
        }
        // Alpha Vantage: intraday_5min_IBM, daily_MSFT, weekly_adjusted_MSFT, monthly_MSFT
        if parts.count >= 2, let last = parts.last, !last.isEmpty {
            let head = parts.dropLast().map { $0.lowercased() }
            switch head {
            case ["daily"], ["daily", "adjusted"]: return (last, .d1, "alpha-vantage")
            case ["weekly"], ["weekly", "adjusted"]: return (last, .w1, "alpha-vantage")
            case ["monthly"], ["monthly", "adjusted"]: return (last, .mo1, "alpha-vantage")
            case ["intraday", "1min"]: return (last, .m1, "alpha-vantage")
            case ["intraday", "5min"]: return (last, .m5, "alpha-vantage")
            case ["intraday", "15min"]: return (last, .m15, "alpha-vantage")
            case ["intraday", "30min"]: return (last, .m30, "alpha-vantage")
            case ["intraday", "60min"]: return (last, .h1, "alpha-vantage")
            default: break
            }
        }
        // MetaTrader history: EURUSD60, GBPJPY1440
        if name.count > 6, isLetters(String(name.prefix(6)), count: 6) {
            let minutes = String(name.dropFirst(6))
            let tf: Timeframe? = switch minutes {
            case "1": .m1
            case "5": .m5
            case "15": .m15
            case "30": .m30
            case "60": .h1
            case "1440": .d1
            case "10080": .w1
            case "43200": .mo1
            default: nil
            }
            if let tf { return (String(name.prefix(6)).uppercased(), tf, "metatrader") }
        }
        return nil
    }

    static func isLetters(_ s: String, count: Int) -> Bool {
        s.count == count && s.allSatisfy { $0.isASCII && $0.isLetter }
    }
}
