/// An error from the PostgreSQL store, carrying what a user needs to act on it.
///
/// Modelled on postgres-nio's `PSQLError`: one type with an extensible `Code`, plus the
/// server's fields when the server sent them. Connection strings never appear in it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String
        public var description: String { raw }
        public static let connection = Code(raw: "connection")
        public static let query = Code(raw: "query")
        public static let copy = Code(raw: "copy")
        public static let migration = Code(raw: "migration")
        public static let protocolViolation = Code(raw: "protocol")
    }

    public var code: Code
    public var message: String
    /// SQLSTATE from the server, e.g. `23505` for a unique violation.
    public var sqlState: String?
    public var detail: String?
    public var hint: String?
    /// A short name for the statement that failed (never its parameters).
    public var context: String?

    public init(code: Code, message: String, sqlState: String? = nil, detail: String? = nil,
                hint: String? = nil, context: String? = nil) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.context = context
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }

    public var description: String {
        var text = "database \(code) error"
        if let context { text += " (\(context))" }
        text += ": \(message)"
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        return text
    }
}
