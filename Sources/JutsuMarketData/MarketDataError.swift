import JutsuCore
import JutsuPostgres

/// Why the reader refused or failed a request, with what a user needs to act on it.
///
/// One type with an extensible `Code` (the store's `StoreError` pattern). A refusal by the guard
/// (`stale`, `missing`, `gaps`) carries the freshness verdict or the missing sessions.
/// Connection strings never appear in it.
public struct MarketDataError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        public var description: String { raw }
        /// A symbol, timeframe or range that cannot name stored data.
        public static let invalidRequest = Code(raw: "invalid_request")
        /// The database cannot be reached (or the connection was lost).
        public static let connection = Code(raw: "connection")
        /// The server refused a statement (see `sqlState`), e.g. a schema without the migrations.
        public static let query = Code(raw: "query")
        /// The series has no stored bars.
        public static let missing = Code(raw: "missing")
        /// The series' newest bar is behind its expected bar by more than its threshold.
        public static let stale = Code(raw: "stale")
        /// Sessions of the series' calendar inside the requested range have no bar.
        public static let gaps = Code(raw: "gaps")
        /// A corporate action cannot be applied (e.g. a dividend not below the previous close).
        public static let corporateAction = Code(raw: "corporate_action")
        /// The consuming task was cancelled while bars were streaming.
        public static let cancelled = Code(raw: "cancelled")
    }

    public var code: Code
    public var message: String
    public var symbol: String?
    public var timeframe: Timeframe?
    /// The verdict that made the guard refuse (`stale`, `missing`).
    public var freshness: SeriesFreshness?
    /// Missing sessions, as ranges of consecutive sessions (`gaps`).
    public var gaps: [SessionGap]
    /// SQLSTATE from the server, when it sent one.
    public var sqlState: String?
    public var hint: String?

    public init(code: Code, message: String, symbol: String? = nil, timeframe: Timeframe? = nil,
                freshness: SeriesFreshness? = nil, gaps: [SessionGap] = [], sqlState: String? = nil, hint: String? = nil) {
        self.code = code
        self.message = message
        self.symbol = symbol
        self.timeframe = timeframe
        self.freshness = freshness
        self.gaps = gaps
        self.sqlState = sqlState
        self.hint = hint
    }

    /// From a store error: the code follows its kind; message, SQLSTATE and hint are kept.
    init(_ error: StoreError, symbol: String? = nil, timeframe: Timeframe? = nil) {
        let code: Code = error.code == .connection ? .connection : .query
        var message = error.message
        if let context = error.context { message = "\(context): \(message)" }
        if let detail = error.detail { message += " (\(detail))" }
        self.init(code: code, message: message, symbol: symbol, timeframe: timeframe, sqlState: error.sqlState, hint: error.hint)
    }

    public var description: String {
        var text = "market data \(code)"
        if let symbol { text += " \(symbol)" + (timeframe.map { " \($0.rawValue)" } ?? "") }
        text += ": \(message)"
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }
}
