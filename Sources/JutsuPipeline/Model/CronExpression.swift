/// A five-field cron expression (minute hour day-of-month month day-of-week).
/// Placeholder for the parser (being written): keeps the text only.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let text: String
    public init(text: String) { self.text = text }
    public var description: String { text }
}
