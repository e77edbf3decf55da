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
struct FileNameInference: Equatable {
    var symbolText: String?
    var timeframe: Timeframe?
    var timeframeSource: Dialect.TimeframeSource?

    init(path: String) {
        var components = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard var base = components.popLast() else { return }
        base = Self.stripExtensions(base)
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
        let symbol = String(last[last.startIndex..<symbolEnd])
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
}
