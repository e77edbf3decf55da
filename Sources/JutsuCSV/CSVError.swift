/// A problem with a whole input file: it cannot be opened or read, is not a CSV of bars, or
/// lacks something the reader needs (a date column, a symbol, a timeframe).
///
/// Row-level problems are not errors: they become `RejectedRow`s and reading goes on.
public struct CSVError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The path as given to the reader.
    public var file: String
    /// 1-based physical line, when the problem is tied to one.
    public var line: Int64?
    /// What is wrong and, where possible, what to do about it.
    public var message: String

    public init(file: String, line: Int64? = nil, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message` (or `file: message`).
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
