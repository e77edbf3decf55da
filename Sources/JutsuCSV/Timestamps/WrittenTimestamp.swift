/// A timestamp as the file writes it, before it becomes a bar key: which of these it is
/// decides how the key is made (see `TimestampKeyer`).
enum WrittenTimestamp: Equatable, Sendable {
    /// A calendar date alone (days since 1970-01-01).
    case date(days: Int64)
    /// A wall-clock time with no offset: local time of some zone.
    case local(days: Int64, second: Int32)
    /// A wall-clock time with its UTC offset (east positive), as written.
    case zoned(days: Int64, second: Int32, offset: Int32)
    /// An absolute instant (epoch), in UTC seconds.
    case instant(Int64)

    /// Seconds on one scale for spacing estimates: local and date values as if UTC.
    var approximateSeconds: Int64 {
        switch self {
        case .date(let d): d &* 86_400
        case .local(let d, let s): d &* 86_400 &+ Int64(s)
        case .zoned(let d, let s, let o): d &* 86_400 &+ Int64(s) &- Int64(o)
        case .instant(let t): t
        }
    }

    /// True when there is a time of day (an epoch counts).
    var hasTime: Bool {
        if case .date = self { return false }
        return true
    }
}
